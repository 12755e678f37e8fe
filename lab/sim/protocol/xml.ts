/**
 * Query-protocol XML: `<XResponse><XResult>…</XResult><ResponseMetadata>` for
 * results and `<ErrorResponse><Error>` for errors, as the SDK's AwsQueryProtocol
 * reads them. Timestamps are ISO-8601; lists wrap each item in the element the
 * service model names (see services.ts `listMembers`).
 */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function scalar(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return escapeXml(String(value));
}

function element(name: string, value: unknown, listMembers: Record<string, string>): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) {
    const item = listMembers[name] ?? 'member';
    return `<${name}>${value.map((v) => element(item, v, listMembers)).join('')}</${name}>`;
  }
  if (typeof value === 'object' && !(value instanceof Date) && !(value instanceof Uint8Array)) {
    return `<${name}>${members(value as Record<string, unknown>, listMembers)}</${name}>`;
  }
  return `<${name}>${scalar(value)}</${name}>`;
}

function members(value: Record<string, unknown>, listMembers: Record<string, string>): string {
  return Object.entries(value)
    .map(([k, v]) => element(k, v, listMembers))
    .join('');
}

/** The output's members as elements; nothing for an output that is not an object. */
function body(output: unknown, listMembers: Record<string, string> | undefined): string {
  return output !== null && typeof output === 'object'
    ? members(output as Record<string, unknown>, listMembers ?? {})
    : '';
}

/** The XML declaration and `<XResponse>` (in `xmlns` when given) around `inside`. */
function response(action: string, xmlns: string | undefined, inside: string): string {
  const ns = xmlns ? ` xmlns="${xmlns}"` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response${ns}>${inside}</${action}Response>`;
}

export function xmlResult(
  action: string,
  output: unknown,
  opts: { xmlns?: string | undefined; requestId: string; listMembers?: Record<string, string> | undefined },
): string {
  const inside =
    `<${action}Result>${body(output, opts.listMembers)}</${action}Result>` +
    `<ResponseMetadata><RequestId>${opts.requestId}</RequestId></ResponseMetadata>`;
  return response(action, opts.xmlns, inside);
}

/** REST-XML (Route 53): the output's members directly under `<XResponse>`, no Result wrapper. */
export function restXmlResult(
  action: string,
  output: unknown,
  opts: { xmlns?: string | undefined; listMembers?: Record<string, string> | undefined },
): string {
  return response(action, opts.xmlns, body(output, opts.listMembers));
}

export function xmlError(opts: {
  code: string;
  message: string;
  fault: 'client' | 'server';
  requestId: string;
  xmlns?: string | undefined;
}): string {
  const ns = opts.xmlns ? ` xmlns="${opts.xmlns}"` : '';
  const type = opts.fault === 'server' ? 'Receiver' : 'Sender';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse${ns}><Error><Type>${type}</Type>` +
    `<Code>${escapeXml(opts.code)}</Code><Message>${escapeXml(opts.message)}</Message></Error>` +
    `<RequestId>${opts.requestId}</RequestId></ErrorResponse>`
  );
}
