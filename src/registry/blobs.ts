/**
 * Blobs from one repository to another without holding one whole: the source's GET body
 * is the target's upload body. A blob read may answer with a redirect to storage (ECR:
 * presigned S3) that refuses the registry's Authorization header, so the redirect is
 * followed without it (docs/aws-facts.md#registry-copy).
 */
import { RegistryError, refusal } from './errors';
import {
  type Exchange,
  expect,
  locationOf,
  type RegistryOptions,
  type RepositoryRef,
  repositoryUrl,
  retrying,
  sendStream,
} from './http';
import type { Descriptor } from './manifests';

export type BlobOutcome = { kind: 'present' } | { kind: 'mounted' } | { kind: 'sent'; bytes: number };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Whether the repository holds the blob. A redirect to storage is an answer that it does. */
export async function hasBlob(ref: RepositoryRef, digest: string, opts: RegistryOptions): Promise<boolean> {
  return retrying(`HEAD blob ${ref.host}/${ref.repository}@${digest}`, opts, async () => {
    const ex = {
      action: 'HEAD blob',
      reference: digest,
      method: 'HEAD',
      url: repositoryUrl(ref, `blobs/${digest}`),
    };
    const res = await expect(ref, ex, [200, 404, ...REDIRECTS], opts);
    return res.status !== 404;
  });
}

/** The blob's body, following a storage redirect with no Authorization header. */
export async function openBlob(
  ref: RepositoryRef,
  digest: string,
  opts: RegistryOptions,
): Promise<ReadableStream<Uint8Array>> {
  const url = repositoryUrl(ref, `blobs/${digest}`);
  const ex: Exchange = { action: 'GET blob', reference: digest, method: 'GET', url };
  let res = await expect(ref, ex, [200, ...REDIRECTS], opts);
  if (REDIRECTS.has(res.status)) {
    const storage = locationOf(res, url, ex, ref);
    await res.body?.cancel();
    res = await fromStorage(ref, digest, storage, opts);
  }
  if (!res.body)
    throw new RegistryError({ ...facts(ref, digest, 'GET blob'), status: res.status, detail: 'empty body' });
  return res.body;
}

/** GET from presigned storage: never the registry's token, which S3 refuses (its URL carries its own signature). */
async function fromStorage(
  ref: RepositoryRef,
  digest: string,
  storage: URL,
  opts: RegistryOptions,
): Promise<Response> {
  const action = `GET blob from storage ${storage.host}`;
  const res = await (opts.fetch ?? fetch)(storage, { redirect: 'follow', signal: opts.signal ?? null }).catch(
    (error: unknown) => {
      if (opts.signal?.aborted) throw opts.signal.reason ?? error;
      throw new RegistryError({ ...facts(ref, digest, action), status: 0 }, { cause: error });
    },
  );
  if (res.status === 200) return res;
  // S3 answers in XML: <Error><Code>InvalidArgument</Code><Message>…</Message></Error>
  const text = (await res.text().catch(() => '')).trim();
  const code = /<Code>([A-Za-z0-9]{1,64})<\/Code>/.exec(text)?.[1];
  const detail = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? text;
  throw new RegistryError({ ...facts(ref, digest, action), status: res.status, code, detail });
}

const facts = (ref: RepositoryRef, reference: string, action: string) => ({
  action,
  host: ref.host,
  repository: ref.repository,
  reference,
});

/**
 * Starts an upload in `to`; within one registry host it asks to mount the blob from
 * `from` first (201: mounted, nothing to send). Returns where to send the bytes.
 */
async function startUpload(
  from: RepositoryRef,
  to: RepositoryRef,
  digest: string,
  opts: RegistryOptions,
): Promise<URL | 'mounted'> {
  const url = repositoryUrl(to, 'blobs/uploads/');
  if (from.host === to.host && from.repository !== to.repository) {
    url.searchParams.set('mount', digest);
    url.searchParams.set('from', from.repository);
  }
  const ex = {
    action: 'POST blob upload',
    reference: digest,
    method: 'POST',
    url,
    headers: { 'content-length': '0' },
  };
  const res = await expect(to, ex, [201, 202], opts);
  await res.body?.cancel();
  return res.status === 201 ? 'mounted' : locationOf(res, url, ex, to);
}

/** Counts what passes, so bytesSent is what went over the wire. */
function counted(body: ReadableStream<Uint8Array>): {
  stream: ReadableStream<Uint8Array>;
  bytes: () => number;
} {
  let n = 0;
  const stream = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        n += chunk.byteLength;
        controller.enqueue(chunk);
      },
    }),
  );
  return { stream, bytes: () => n };
}

/** One blob, streamed: PATCH the whole body as one chunk, then PUT ?digest= to close the upload. */
async function sendBlob(
  from: RepositoryRef,
  to: RepositoryRef,
  blob: Descriptor,
  at: URL,
  opts: RegistryOptions,
): Promise<number> {
  const body = counted(await openBlob(from, blob.digest, opts));
  const patch: Exchange = {
    action: 'PATCH blob',
    reference: blob.digest,
    method: 'PATCH',
    url: at,
    headers: { 'content-type': 'application/octet-stream' },
  };
  const patched = await sendStream(to, { ...patch, body: body.stream }, opts);
  if (patched.status !== 202 && patched.status !== 204)
    throw await refusal(patched, facts(to, blob.digest, patch.action));
  await patched.body?.cancel();
  const done = locationOf(patched, at, patch, to);
  done.searchParams.set('digest', blob.digest);
  const put = {
    action: 'PUT blob',
    reference: blob.digest,
    method: 'PUT',
    url: done,
    headers: { 'content-length': '0' },
  };
  const closed = await expect(to, put, [201, 204], opts);
  await closed.body?.cancel();
  return body.bytes();
}

/** The blob into `to` unless it is there already; a failed transfer is retried whole. */
export async function copyBlob(
  from: RepositoryRef,
  to: RepositoryRef,
  blob: Descriptor,
  opts: RegistryOptions,
): Promise<BlobOutcome> {
  if (await hasBlob(to, blob.digest, opts)) return { kind: 'present' };
  return retrying(`copy blob ${blob.digest} to ${to.host}/${to.repository}`, opts, async () => {
    const at = await startUpload(from, to, blob.digest, opts);
    if (at === 'mounted') return { kind: 'mounted' };
    const bytes = await sendBlob(from, to, blob, at, opts);
    return { kind: 'sent', bytes };
  });
}
