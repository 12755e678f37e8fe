/**
 * The pure parts of the moto suite: which recorded calls are worth replaying
 * (one per input shape), how the lab's ids become moto's, and what moto's answer
 * says about the request.
 */
import type { AwsCall } from './sdk-call.js';

/** The structure of a value without its data: keys, array element shapes, leaf types. */
export function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) {
    const shapes = [...new Set(value.map((v) => JSON.stringify(shapeOf(v))))].sort();
    return shapes.map((s) => JSON.parse(s) as unknown);
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = shapeOf((value as Record<string, unknown>)[key]);
    return out;
  }
  return value === null ? 'null' : typeof value;
}

export function shapeKey(call: AwsCall): string {
  return `${call.service} ${call.operation} ${JSON.stringify(shapeOf(call.input))}`;
}

/** The first call of each (service, operation, input shape), in order: later ones may depend on it. */
export function dedupeCalls<T extends AwsCall>(calls: readonly T[]): T[] {
  const seen = new Set<string>();
  return calls.filter((c) => {
    const key = shapeKey(c);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const READS = ['Describe', 'List', 'Get', 'BatchGet', 'Filter'];

/**
 * The calls to send to moto: the first of each shape (judged), and every other
 * call that changed the lab's world (a second CreateRepository, a later
 * RegisterTaskDefinition), so moto's world keeps up with the lab's and a later
 * shape does not meet a resource only the lab has. Reads beyond the first of
 * their shape are not sent: they change nothing and say nothing new.
 */
export function replayPlan<T extends AwsCall & { error?: unknown }>(calls: readonly T[]): T[] {
  const seen = new Set<string>();
  return calls.filter((c) => {
    const key = shapeKey(c);
    const first = !seen.has(key);
    seen.add(key);
    const mutated = c.error === undefined && !READS.some((p) => c.operation.startsWith(p));
    return first || mutated;
  });
}

const ID_KEY = /(arn|arns|id|ids|digest)$/i;
const MIN_ID_LENGTH = 8;

/** `task` for arn:aws:ecs:…:task/c/id, `sha256` for a digest, `subnet` for subnet-…; '' when unknown. */
export function kindOf(id: string): string {
  if (id.startsWith('arn:'))
    return `${id.split(':')[2] ?? ''}:${(id.split(':')[5] ?? '').split('/')[0] ?? ''}`;
  const m = /^([a-z0-9]+)[-:]/.exec(id);
  return m?.[1] ?? '';
}

/**
 * Lab id → moto id, learned from two answers to the same request, applied to
 * every string of a later request. Ids are long and random (ARNs with random
 * suffixes, task ids, digests), so replacing them inside strings (a log stream
 * named after a task id) is safe.
 */
export class IdMap {
  private readonly pairs = new Map<string, string>();

  add(lab: string, moto: string): void {
    if (lab === moto || lab.length < MIN_ID_LENGTH || moto.length === 0) return;
    // An id maps only to an id of the same kind (moto says a container's taskArn is its task definition's).
    if (kindOf(lab) !== kindOf(moto)) return;
    this.pairs.set(lab, moto);
    // An ARN's last segment is often an id on its own (task ids in log stream names).
    const labTail = lab.includes(':') ? lab.split('/').pop() : undefined;
    const motoTail = moto.includes(':') ? moto.split('/').pop() : undefined;
    if (labTail && motoTail && labTail !== lab && labTail.length >= 16 && labTail !== motoTail) {
      this.pairs.set(labTail, motoTail);
    }
  }

  /** Pairs the ids found at the same place in two outputs (keys ending in Arn, Id, Digest…). */
  learn(lab: unknown, moto: unknown, key = ''): void {
    if (typeof lab === 'string' && typeof moto === 'string') {
      if (ID_KEY.test(key)) this.add(lab, moto);
      return;
    }
    if (Array.isArray(lab) && Array.isArray(moto)) {
      lab.forEach((v, i) => {
        this.learn(v, moto[i], key);
      });
      return;
    }
    if (lab !== null && typeof lab === 'object' && moto !== null && typeof moto === 'object') {
      for (const [k, v] of Object.entries(lab)) this.learn(v, (moto as Record<string, unknown>)[k], k);
    }
  }

  rewrite<T>(value: T): T {
    if (typeof value === 'string') {
      let s: string = value;
      // Longest first, so an ARN is replaced whole before its tail alone.
      for (const [from, to] of [...this.pairs].sort((a, b) => b[0].length - a[0].length)) {
        s = s.split(from).join(to);
      }
      return s as T;
    }
    if (Array.isArray(value)) return value.map((v) => this.rewrite(v)) as T;
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.rewrite(v);
      return out as T;
    }
    return value;
  }

  entries(): [string, string][] {
    return [...this.pairs];
  }
}

/**
 * A log position token is the endpoint's own, passed back as received. AWS
 * (and the lab) issue `f/<56 digits>/s`; moto 5.2.1 parses only `f/<digits>`
 * and calls the AWS form invalid. The replay hands moto the same position in
 * its own form; the request's shape is unchanged.
 */
export function inMotoTerms(call: AwsCall): AwsCall {
  const token = call.input.nextToken;
  if (call.service !== 'logs' || call.operation !== 'GetLogEvents' || typeof token !== 'string') return call;
  const m = /^([fb])\/(\d+)\/s$/.exec(token);
  if (!m) return call;
  return { ...call, input: { ...call.input, nextToken: `${m[1]}/${Number(m[2])}` } };
}

export type Verdict = 'accepted' | 'malformed' | 'not-implemented' | 'explained' | 'other';

/** A shape replayed more than once is as bad as its worst answer. */
const SEVERITY: Record<Verdict, number> = {
  accepted: 0,
  explained: 1,
  'not-implemented': 2,
  malformed: 3,
  other: 3,
};

export function worseVerdict(a: Verdict, b: Verdict): boolean {
  return SEVERITY[b] > SEVERITY[a];
}

export interface ErrorFacts {
  code: string;
  message: string;
  status?: number;
}

/** Error codes by which AWS (and moto) say the request itself is wrong, not the world it refers to. */
export const MALFORMED_CODES: readonly string[] = [
  'ValidationException',
  'ValidationError',
  'InvalidParameterException',
  'InvalidParameterValue',
  'InvalidParameterValueException',
  'InvalidParameterCombination',
  'InvalidParameter',
  'MissingParameter',
  'MissingRequiredParameter',
  'SerializationException',
  'InvalidAction',
  'UnknownOperationException',
  'InvalidQueryParameter',
  'MalformedQueryString',
];

/** A difference between the lab and moto that the suite knows and accepts, with its reason. */
export interface KnownDifference {
  service: string;
  operation: string;
  code: string;
  reason: string;
}

export function isNotImplemented(error: ErrorFacts): boolean {
  return (
    /not ?implemented/i.test(error.code) ||
    /not (yet )?implemented|has not been implemented/i.test(error.message)
  );
}

/**
 * The exception in a moto_server traceback: moto answers an operation it does
 * not implement (or a crash of its own) with a bare HTML 500, and says which in
 * its output only. The last exception line is the one that ended the request.
 */
export function pythonException(output: string): ErrorFacts | undefined {
  const lines = [...output.matchAll(/^([A-Za-z_][\w.]*(?:Error|Exception)): (.*)$/gm)];
  const last = lines[lines.length - 1];
  if (!last) return undefined;
  return { code: (last[1] ?? '').split('.').pop() ?? '', message: last[2] ?? '', status: 500 };
}

export interface Judgement {
  verdict: Verdict;
  detail: string;
}

/**
 * What moto's answer says. A semantic error is accepted only when the lab gave
 * the same one (the action expects it: DescribeRepositories of a repository it
 * is about to create); otherwise it means the worlds differ, which must be
 * explained, or the call was not judged.
 */
export function judge(
  call: AwsCall,
  moto: ErrorFacts | undefined,
  lab: ErrorFacts | undefined,
  known: readonly KnownDifference[] = [],
): Judgement {
  if (moto === undefined)
    return { verdict: 'accepted', detail: lab ? `moto answered; the lab said ${lab.code}` : '' };
  const said = `${moto.code}: ${moto.message.split('\n')[0]?.slice(0, 200) ?? ''}`;
  if (isNotImplemented(moto)) return { verdict: 'not-implemented', detail: `moto: ${said}` };
  if (MALFORMED_CODES.includes(moto.code)) return { verdict: 'malformed', detail: said };
  if (lab !== undefined && lab.code === moto.code) {
    return { verdict: 'accepted', detail: `same answer as the lab: ${moto.code}` };
  }
  const difference = known.find(
    (k) => k.service === call.service && k.operation === call.operation && k.code === moto.code,
  );
  if (difference) return { verdict: 'explained', detail: `${difference.reason} (${said})` };
  return { verdict: 'other', detail: said };
}

export interface ReportRow {
  service: string;
  operation: string;
  /** How many recorded calls share this input shape. */
  calls: number;
  verdict: Verdict;
  detail: string;
  input: Record<string, unknown>;
}

export function formatReport(rows: readonly ReportRow[]): string {
  const head = ['service', 'operation', 'calls', 'verdict', 'detail'];
  const body = rows.map((r) => [r.service, r.operation, String(r.calls), r.verdict, r.detail]);
  const widths = head.map((h, i) =>
    Math.min(60, Math.max(h.length, ...body.map((b) => (b[i] ?? '').length))),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
