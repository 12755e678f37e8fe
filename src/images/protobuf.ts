/**
 * The few protobuf messages the BuildKit conversation needs (progress status and
 * session credentials), decoded and encoded by hand: no .proto files to load at
 * run time, so the bundled action carries no extra assets.
 * https://protobuf.dev/programming-guides/encoding/
 */

export interface Field {
  number: number;
  /** Wire type 0 (varint) as a number; wire type 2 (length-delimited) as bytes. */
  value: number | Buffer;
}

/** The top-level fields of a message, in order; fixed-width fields are skipped. */
export function readFields(buf: Buffer): Field[] {
  const fields: Field[] = [];
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = buf[pos++];
      if (byte === undefined) throw new Error('truncated protobuf varint');
      // Multiplication instead of << keeps values above 2^31 (timestamps) intact.
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
    }
  };
  while (pos < buf.length) {
    const key = varint();
    const number = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) fields.push({ number, value: varint() });
    else if (wire === 2) {
      const len = varint();
      if (pos + len > buf.length) throw new Error('truncated protobuf field');
      fields.push({ number, value: buf.subarray(pos, pos + len) });
      pos += len;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
  return fields;
}

const encodeVarint = (n: number): Buffer => {
  const bytes: number[] = [];
  let v = n;
  while (v >= 0x80) {
    bytes.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  bytes.push(v);
  return Buffer.from(bytes);
};

/** A message made only of string fields (the session's CredentialsResponse). */
export function writeStrings(fields: { number: number; value: string }[]): Buffer {
  const parts: Buffer[] = [];
  for (const f of fields) {
    if (f.value === '') continue;
    const data = Buffer.from(f.value, 'utf8');
    parts.push(encodeVarint(f.number * 8 + 2), encodeVarint(data.length), data);
  }
  return Buffer.concat(parts);
}

export const text = (v: number | Buffer | undefined): string =>
  Buffer.isBuffer(v) ? v.toString('utf8') : '';

/** One vertex (build step) of a BuildKit StatusResponse (moby.buildkit.v1). */
export interface Vertex {
  digest: string;
  name: string;
  cached: boolean;
  started: boolean;
  completed: boolean;
  error: string;
}

export interface VertexLog {
  vertex: string;
  msg: string;
}

export interface BuildStatus {
  vertexes: Vertex[];
  logs: VertexLog[];
}

/** Decodes `moby.buildkit.trace` aux payloads: vertexes (field 1) and logs (field 3). */
export function decodeStatus(buf: Buffer): BuildStatus {
  const status: BuildStatus = { vertexes: [], logs: [] };
  for (const f of readFields(buf)) {
    if (!Buffer.isBuffer(f.value)) continue;
    if (f.number === 1) {
      const v: Vertex = { digest: '', name: '', cached: false, started: false, completed: false, error: '' };
      for (const g of readFields(f.value)) {
        if (g.number === 1) v.digest = text(g.value);
        else if (g.number === 3) v.name = text(g.value);
        else if (g.number === 4) v.cached = g.value === 1;
        else if (g.number === 5) v.started = true;
        else if (g.number === 6) v.completed = true;
        else if (g.number === 7) v.error = text(g.value);
      }
      status.vertexes.push(v);
    } else if (f.number === 3) {
      const log: VertexLog = { vertex: '', msg: '' };
      for (const g of readFields(f.value)) {
        if (g.number === 1) log.vertex = text(g.value);
        else if (g.number === 4) log.msg = text(g.value);
      }
      status.logs.push(log);
    }
  }
  return status;
}
