/**
 * How the ground checks read AWS: each thing once (cached by key, so a certificate on
 * two listeners or a role of two services costs one call), every read of a kind at once,
 * and a read that fails becomes a "not checked" warning naming the permission or the
 * error: the ground checks never crash a run nor refuse one for what they could not see.
 */
import { errorText } from '../aws/errors';
import type { RawFinding } from './types';

const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthorizationError',
  'UnauthorizedAccess',
]);

export function isAccessDenied(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return DENIED.has(e?.name ?? '') || e?.$metadata?.httpStatusCode === 403;
}

export function errorName(error: unknown): string {
  return (error as { name?: string })?.name ?? '';
}

export class GroundReads {
  private readonly cache = new Map<string, Promise<unknown>>();
  /** What could not be read, one finding per permission (and per other error). */
  private readonly unread = new Map<string, RawFinding>();
  /** How many AWS calls the checks made (the bench reports it). */
  calls = 0;

  constructor(private readonly signal?: AbortSignal) {}

  /** The SDK's per-call options: the run's cancellation. */
  get opts(): { abortSignal?: AbortSignal } {
    return this.signal ? { abortSignal: this.signal } : {};
  }

  /**
   * `read()` once per key. `undefined` when it could not be read: the finding says what was
   * not checked and, for a missing permission, which one to grant.
   */
  once<T>(key: string, permission: string, subject: string, read: () => Promise<T>): Promise<T | undefined> {
    const cached = this.cache.get(key);
    if (cached) return cached as Promise<T | undefined>;
    const p = this.attempt(permission, subject, read);
    this.cache.set(key, p);
    return p;
  }

  private async attempt<T>(
    permission: string,
    subject: string,
    read: () => Promise<T>,
  ): Promise<T | undefined> {
    try {
      this.calls += 1;
      return await read();
    } catch (error) {
      if (this.signal?.aborted) throw error;
      this.notChecked(permission, subject, error);
      return undefined;
    }
  }

  private notChecked(permission: string, subject: string, error: unknown): void {
    if (isAccessDenied(error)) {
      if (this.unread.has(permission)) return;
      this.unread.set(permission, {
        kind: 'not-checked',
        what: `not checked: ${subject} (${permission} was denied)`,
        where: 'the role this run uses',
        fix: `grant ${permission} (read-only; docs/iam.md lists what the ground checks read)`,
      });
      return;
    }
    const text = errorText(error);
    this.unread.set(`${permission} ${subject} ${text}`, {
      kind: 'not-checked',
      what: `not checked: ${subject} (${permission} failed: ${text})`,
      where: 'AWS',
      fix: 'run again; if it persists, check the call in CloudTrail',
    });
  }

  findings(): RawFinding[] {
    return [...this.unread.values()];
  }
}

/** Every page of a paged read, in order. */
export async function allPages<P, T>(
  first: () => Promise<P>,
  next: (token: string) => Promise<P>,
  items: (page: P) => T[] | undefined,
  token: (page: P) => string | undefined,
): Promise<T[]> {
  const out: T[] = [];
  let page = await first();
  for (;;) {
    out.push(...(items(page) ?? []));
    const t = token(page);
    if (!t) return out;
    page = await next(t);
  }
}
