/**
 * The few protobuf messages the BuildKit conversation needs (progress status and
 * session credentials), read and written with protobufjs's wire-format reader and
 * writer (`protobufjs/minimal`, which the bundle already carries for dockerode's gRPC):
 * no .proto files to load at run time, so the bundled action carries no extra assets.
 * https://protobuf.dev/programming-guides/encoding/
 */
import protobuf from 'protobufjs/minimal';

export interface Field {
  number: number;
  /** Wire type 0 (varint) as a number; wire type 2 (length-delimited) as bytes. */
  value: number | Buffer;
}

const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * A varint as a number, exact up to 2^53 (timestamps need more than 32 bits): uint64
 * returns a Long where protobufjs finds the `long` package (tests) and a number where
 * it does not (the bundle), whatever its declared type says.
 */
function varint(reader: protobuf.Reader): number {
  const value = reader.uint64() as unknown as number | { toNumber(): number };
  return typeof value === 'number' ? value : value.toNumber();
}

/** The top-level fields of a message, in order; fixed-width fields are skipped. */
export function readFields(buf: Buffer): Field[] {
  const fields: Field[] = [];
  const reader = protobuf.Reader.create(buf);
  while (reader.pos < reader.len) {
    const key = reader.uint32();
    const number = key >>> 3;
    const wire = key & 7;
    if (wire === 0) fields.push({ number, value: varint(reader) });
    else if (wire === 2) fields.push({ number, value: asBuffer(reader.bytes()) });
    else reader.skipType(wire);
  }
  return fields;
}

/** A message made only of string fields (the session's CredentialsResponse). */
export function writeStrings(fields: { number: number; value: string }[]): Buffer {
  const writer = protobuf.Writer.create();
  for (const f of fields) {
    // proto3 leaves a field at its default (the empty string) off the wire.
    if (f.value !== '') writer.uint32((f.number << 3) | 2).string(f.value);
  }
  return asBuffer(writer.finish());
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
