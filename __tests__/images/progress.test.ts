import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BuildProgress, describeFailure, messages, PushProgress } from '../../src/images/progress';
import { decodeStatus, readFields, writeStrings } from '../../src/images/protobuf';
import { credentialsFor } from '../../src/images/session';
import { MemoryLogger } from '../../src/runtime/log';

const field = (n: number, body: Buffer): Buffer =>
  Buffer.concat([Buffer.from([n * 8 + 2, body.length]), body]);
const EMPTY_TIMESTAMP = Buffer.alloc(0);

function vertex(v: {
  digest: string;
  name: string;
  cached?: boolean;
  started?: boolean;
  completed?: boolean;
  error?: string;
}): Buffer {
  return field(
    1,
    Buffer.concat([
      writeStrings([
        { number: 1, value: v.digest },
        { number: 3, value: v.name },
      ]),
      v.cached ? Buffer.from([0x20, 1]) : Buffer.alloc(0),
      v.started ? field(5, EMPTY_TIMESTAMP) : Buffer.alloc(0),
      v.completed ? field(6, EMPTY_TIMESTAMP) : Buffer.alloc(0),
      writeStrings([{ number: 7, value: v.error ?? '' }]),
    ]),
  );
}

const log = (digest: string, msg: string): Buffer =>
  field(3, Buffer.concat([writeStrings([{ number: 1, value: digest }]), field(4, Buffer.from(msg))]));

const trace = (...parts: Buffer[]) => ({
  id: 'moby.buildkit.trace',
  aux: Buffer.concat(parts).toString('base64'),
});

describe('BuildKit progress', () => {
  it('decodes vertexes and logs', () => {
    const status = decodeStatus(
      Buffer.concat([vertex({ digest: 'sha256:a', name: 'RUN x', started: true }), log('sha256:a', 'hi\n')]),
    );
    expect(status.vertexes).toEqual([
      { digest: 'sha256:a', name: 'RUN x', cached: false, started: true, completed: false, error: '' },
    ]);
    expect(status.logs).toEqual([{ vertex: 'sha256:a', msg: 'hi\n' }]);
  });

  it('one info line per step, output at debug, and a failure quoting the step and its last lines', () => {
    const logger = new MemoryLogger();
    const p = new BuildProgress('[api]', logger);
    p.handle(
      trace(vertex({ digest: 'i', name: '[internal] load build definition from Dockerfile', started: true })),
    );
    p.handle(
      trace(
        vertex({ digest: 'w', name: '[2/3] WORKDIR /app', cached: true, started: true, completed: true }),
      ),
    );
    p.handle(trace(vertex({ digest: 'r', name: '[3/3] RUN make', started: true })));
    p.handle(trace(vertex({ digest: 'r', name: '[3/3] RUN make', started: true })));
    p.handle(trace(log('r', 'compiling\nerror: missing'), log('r', ' header\n')));
    p.handle(
      trace(
        vertex({
          digest: 'r',
          name: '[3/3] RUN make',
          started: true,
          completed: true,
          error: 'exit code: 2',
        }),
      ),
    );
    p.handle({ error: 'exit code: 2', errorDetail: { message: 'exit code: 2' } });
    expect(logger.text()).toBe('[api] CACHED [2/3] WORKDIR /app\n[api] [3/3] RUN make');
    expect(logger.text({ debug: true })).toContain('[api]   error: missing header');
    const message = describeFailure(p.failure(), p.error);
    expect(message).toBe(
      'build step "[3/3] RUN make" failed: exit code: 2\nlast output of the step:\n  | compiling\n  | error: missing header',
    );
  });

  it('a failure outside any step still gives the engine reason, never "null"', () => {
    expect(describeFailure(undefined, 'failed to read dockerfile')).toBe(
      'the build failed: failed to read dockerfile',
    );
    expect(describeFailure(undefined, undefined)).not.toContain('null');
  });

  it('splits a chunked stream into JSON messages', async () => {
    const chunks = ['{"stream":"a"}\n{"aux":{"Dig', 'est":"sha256:1"}}\nnot json\n'];
    const got = [];
    for await (const m of messages(Readable.from(chunks))) got.push(m);
    expect(got).toEqual([{ stream: 'a' }, { aux: { Digest: 'sha256:1' } }, { stream: 'not json' }]);
  });

  it('a push reports the digest from aux, or the stream error', () => {
    const ok = new PushProgress('[api]', new MemoryLogger());
    ok.handle({ status: 'Pushed', id: 'abc' });
    ok.handle({ aux: { Tag: 't', Digest: 'sha256:9', Size: 1 } });
    expect(ok.digest).toBe('sha256:9');
    const bad = new PushProgress('[api]', new MemoryLogger());
    bad.handle({ errorDetail: { message: 'unauthorized: authentication required' }, error: 'unauthorized' });
    expect(bad.error).toBe('unauthorized: authentication required');
  });
});

describe('session credentials', () => {
  const creds = { host: '1.dkr.ecr.eu-west-1.amazonaws.com', username: 'AWS', password: 'p' };
  it('only the ECR host gets the password', () => {
    expect(credentialsFor(creds.host, creds)).toEqual({ username: 'AWS', secret: 'p' });
    expect(credentialsFor('registry-1.docker.io', creds)).toEqual({ username: '', secret: '' });
  });
  it('string messages round-trip', () => {
    const buf = writeStrings([
      { number: 1, value: 'AWS' },
      { number: 2, value: 's'.repeat(300) },
    ]);
    expect(readFields(buf).map((f) => [f.number, f.value.toString()])).toEqual([
      [1, 'AWS'],
      [2, 's'.repeat(300)],
    ]);
  });

  it('writes the same bytes as the protobuf encoding spells out', () => {
    const buf = writeStrings([
      { number: 1, value: 'AWS' },
      { number: 2, value: '' },
      { number: 20, value: 'é'.repeat(100) },
    ]);
    // key 1<<3|2, length 3, "AWS"; the empty field is left out; key 20<<3|2 = 0xa2 0x01, length 200 = 0xc8 0x01.
    expect(buf.subarray(0, 9)).toEqual(Buffer.from([0x0a, 3, 0x41, 0x57, 0x53, 0xa2, 0x01, 0xc8, 0x01]));
    expect(buf.subarray(9).toString('utf8')).toBe('é'.repeat(100));
  });

  it('reads varints above 2^32 whole and skips fixed-width fields', () => {
    // field 1 varint 2^40; field 2 fixed64; field 3 fixed32; field 4 bytes "ok".
    const buf = Buffer.from([
      0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0x11, 1, 2, 3, 4, 5, 6, 7, 8, 0x1d, 1, 2, 3, 4, 0x22, 2, 0x6f,
      0x6b,
    ]);
    expect(
      readFields(buf).map((f) => [f.number, Buffer.isBuffer(f.value) ? f.value.toString() : f.value]),
    ).toEqual([
      [1, 2 ** 40],
      [4, 'ok'],
    ]);
  });
});
