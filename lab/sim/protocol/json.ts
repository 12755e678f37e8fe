/**
 * JSON 1.0 / 1.1 bodies. Timestamps go out as epoch seconds with a fraction,
 * the format the JSON protocols use for `timestamp` shapes (ECS, ECR, CloudWatch,
 * Secrets Manager); CloudWatch Logs models its times as plain longs in
 * milliseconds, which its module returns as numbers.
 */
export function toJsonWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(toJsonWire);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) out[k] = toJsonWire(v);
    }
    return out;
  }
  return value;
}

export function jsonBody(value: unknown): string {
  return JSON.stringify(toJsonWire(value ?? {}));
}

export function parseJsonInput(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  const parsed: unknown = JSON.parse(text);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SyntaxError('The request body is not a JSON object.');
  }
  return parsed as Record<string, unknown>;
}
