/**
 * The query protocol's form body (`Action=X&Version=…&A.member.1=…`) turned into
 * the nested input the API model describes. Lists arrive as `Name.<element>.<n>`
 * (element `member`, or the model's xmlName such as RDS `Filters.Filter.1`), or
 * flattened as `Name.<n>`; both become arrays. Every leaf stays a string: the wire
 * does not say whether `10` is a number, so operations coerce what they read.
 */
export interface QueryCall {
  action: string;
  input: Record<string, unknown>;
}

type Node = Record<string, unknown>;

const isIndex = (s: string | undefined): boolean => s !== undefined && /^[1-9][0-9]*$/.test(s);

function assign(root: Node, segments: string[], value: string): void {
  let node: Node = root;
  let i = 0;
  while (i < segments.length) {
    const key = segments[i] as string;
    let skip = 0;
    if (isIndex(segments[i + 1])) skip = 1;
    else if (isIndex(segments[i + 2])) skip = 2;
    if (skip === 0) {
      if (i === segments.length - 1) {
        node[key] = value;
        return;
      }
      const existing = node[key];
      const child: Node = existing !== null && typeof existing === 'object' ? (existing as Node) : {};
      node[key] = child;
      node = child;
      i += 1;
      continue;
    }
    const index = Number(segments[i + skip]) - 1;
    const existing = node[key];
    const list: unknown[] = Array.isArray(existing) ? existing : [];
    node[key] = list;
    i += skip + 1;
    if (i >= segments.length) {
      list[index] = value;
      return;
    }
    const item = list[index];
    const child: Node = item !== null && typeof item === 'object' ? (item as Node) : {};
    list[index] = child;
    node = child;
  }
}

/** Sparse indexes (`member.1`, `member.3`) must not leave holes in the arrays operations see. */
function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(compact);
  if (value !== null && typeof value === 'object') {
    const out: Node = {};
    for (const [k, v] of Object.entries(value)) out[k] = compact(v);
    return out;
  }
  return value;
}

export function parseQueryBody(body: string): QueryCall {
  const params = new URLSearchParams(body);
  const input: Node = {};
  let action = '';
  for (const [key, value] of params) {
    if (key === 'Action') action = value;
    else if (key !== 'Version') assign(input, key.split('.'), value);
  }
  return { action, input: compact(input) as Node };
}
