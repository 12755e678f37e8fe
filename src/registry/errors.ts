/**
 * A registry's refusal, named: what was asked, of which repository, for which digest,
 * the HTTP status and the registry's own error code. `$metadata.httpStatusCode` lets the
 * SDK's retry classifiers (aws/classify.ts) judge it like any AWS error.
 */
import { inertLine } from '../runtime/workflow-commands';

/** The registry's own words, quoted on one line and cut short: they come from outside. */
export function outsideText(text: string, max = 300): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return inertLine(JSON.stringify(cut));
}

export interface RegistryErrorFacts {
  /** What we did: `GET manifest`, `PUT blob`… */
  action: string;
  host: string;
  repository: string;
  /** The digest or tag asked for. */
  reference: string;
  /** HTTP status; 0 when no answer came. */
  status: number;
  /** The registry's error code (`MANIFEST_UNKNOWN`, `DENIED`…), when it named one. */
  code?: string | undefined;
  detail?: string | undefined;
}

export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  readonly host: string;
  readonly repository: string;
  readonly reference: string;
  readonly status: number;
  readonly code: string | undefined;
  /** For the SDK's classifiers: a 429 or a 5xx is worth another try. */
  readonly $metadata: { httpStatusCode?: number };

  constructor(facts: RegistryErrorFacts, options?: { cause?: unknown }) {
    const answer = facts.status === 0 ? 'no answer' : `HTTP ${facts.status}`;
    const code = facts.code ? ` ${facts.code}` : '';
    const detail = facts.detail ? `: ${outsideText(facts.detail)}` : '';
    super(
      `${facts.action} ${facts.host}/${facts.repository}@${facts.reference}: ${answer}${code}${detail}`,
      options,
    );
    this.host = facts.host;
    this.repository = facts.repository;
    this.reference = facts.reference;
    this.status = facts.status;
    this.code = facts.code;
    this.$metadata = facts.status === 0 ? {} : { httpStatusCode: facts.status };
  }

  /** The manifest or blob is not in that repository (or the repository is not there). */
  get notFound(): boolean {
    return this.status === 404 || /_UNKNOWN$/.test(this.code ?? '');
  }
}

/** `{"errors":[{"code":"MANIFEST_UNKNOWN","message":"…"}]}`, the registry API's error body. */
export async function refusal(
  res: Response,
  facts: Omit<RegistryErrorFacts, 'status' | 'code' | 'detail'>,
): Promise<RegistryError> {
  const text = await res.text().catch(() => '');
  let code: string | undefined;
  let detail: string | undefined = text.trim() || undefined;
  try {
    const first = (JSON.parse(text) as { errors?: { code?: unknown; message?: unknown }[] }).errors?.[0];
    if (typeof first?.code === 'string') code = first.code.replace(/[^A-Z0-9_]/gi, '').slice(0, 64);
    if (typeof first?.message === 'string') detail = first.message;
  } catch {
    // Not the registry's JSON (a proxy's page, S3's XML): the text itself is the detail.
  }
  return new RegistryError({ ...facts, status: res.status, code, detail });
}
