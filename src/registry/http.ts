/**
 * One registry HTTP API v2 exchange at a time: the URL, the ECR-style `Authorization`
 * header (only ever to the host the token is for), redirects handled by hand, bounded
 * retries of what aws/classify.ts calls transient, and the abort signal on every wait.
 * https://github.com/opencontainers/distribution-spec (the API); docs/aws-facts.md#registry-copy (ECR)
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isTransientAwsError, jittered } from '../aws/retry';
import { type Clock, systemClock } from '../runtime/clock';
import { RegistryError, refusal } from './errors';

/** What GetAuthorizationToken gives: `Basic base64(AWS:password)`, kept in memory only. */
export interface RegistryAuth {
  /** Registry host (and port) the token is for, as image URIs name it. */
  host: string;
  /** The whole header value, e.g. `Basic QVdTOi4uLg==`. */
  authorization: string;
}

export interface RepositoryRef {
  host: string;
  repository: string;
  auth: RegistryAuth;
}

export interface RegistryOptions {
  signal?: AbortSignal | undefined;
  /** Node's fetch by default; tests and the bench may wrap it. */
  fetch?: typeof fetch | undefined;
  /** Progress and retry lines; registry text in them is already quoted. */
  log?: ((line: string) => void) | undefined;
  /** Pauses between retries; the system clock by default. */
  clock?: Pick<Clock, 'sleep'> | undefined;
}

/** Pauses before the 2nd, 3rd and 4th attempt of one exchange (each jittered to its upper half). */
export const REGISTRY_RETRY_DELAYS_MS = [500, 2_000, 8_000] as const;

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/i;

/**
 * https, except on loopback: Docker treats 127.0.0.0/8 as an insecure (plain HTTP)
 * registry by default, and the lab's registries live there.
 */
export function registryBase(host: string): string {
  return `${LOOPBACK.test(host) ? 'http' : 'https'}://${host}`;
}

export function repositoryUrl(ref: RepositoryRef, tail: string): URL {
  return new URL(`${registryBase(ref.host)}/v2/${ref.repository}/${tail}`);
}

export interface Exchange {
  action: string;
  reference: string;
  method: string;
  url: URL;
  headers?: Record<string, string>;
  body?: RequestInit['body'];
}

/** The Authorization header, only when the URL's host is the one the token is for. */
function authHeaders(ref: RepositoryRef, url: URL): Record<string, string> {
  if (ref.auth.host !== ref.host) {
    throw new Error(
      `the registry token is for ${ref.auth.host}, not ${ref.host} (repository ${ref.repository})`,
    );
  }
  return url.host === ref.host ? { authorization: ref.auth.authorization } : {};
}

/**
 * One request, redirects not followed (the caller decides what a 3xx means). A request
 * that got no answer becomes a RegistryError with status 0 and the network error as cause.
 */
export async function send(ref: RepositoryRef, ex: Exchange, opts: RegistryOptions): Promise<Response> {
  const doFetch = opts.fetch ?? fetch;
  const init: RequestInit & { duplex?: 'half' } = {
    method: ex.method,
    headers: { ...authHeaders(ref, ex.url), ...ex.headers },
    redirect: 'manual',
    signal: opts.signal ?? null,
  };
  if (ex.body !== undefined) init.body = ex.body;
  if (ex.body instanceof ReadableStream) init.duplex = 'half';
  try {
    return await doFetch(ex.url, init);
  } catch (error) {
    if (opts.signal?.aborted) throw opts.signal.reason ?? error;
    throw new RegistryError(
      { action: ex.action, host: ref.host, repository: ref.repository, reference: ex.reference, status: 0 },
      { cause: error },
    );
  }
}

/**
 * A request whose body is a stream, through node:http rather than fetch: fetch (undici)
 * reads a ReadableStream request body ahead of the socket, so a fast source would sit in
 * memory whole; a pipeline into node:http waits for the socket to drain. The answer comes
 * back as a Response (its body read: registry answers to an upload are small).
 */
export function sendStream(
  ref: RepositoryRef,
  ex: Exchange & { body: ReadableStream<Uint8Array> },
  opts: RegistryOptions,
): Promise<Response> {
  const request = ex.url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers = { ...authHeaders(ref, ex.url), ...ex.headers };
  const noAnswer = (error: unknown) =>
    opts.signal?.aborted
      ? (opts.signal.reason ?? error)
      : new RegistryError(
          {
            action: ex.action,
            host: ref.host,
            repository: ref.repository,
            reference: ex.reference,
            status: 0,
          },
          { cause: error },
        );
  return new Promise<Response>((resolve, reject) => {
    const req = request(ex.url, { method: ex.method, headers, ...(opts.signal && { signal: opts.signal }) });
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => reject(noAnswer(e)));
      res.on('end', () => {
        const answer = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) answer.set(k, String(v));
        const body = [204, 205, 304].includes(res.statusCode ?? 0) ? null : Buffer.concat(chunks);
        resolve(new Response(body, { status: res.statusCode ?? 0, headers: answer }));
      });
    });
    pipeline(Readable.fromWeb(ex.body as import('node:stream/web').ReadableStream<Uint8Array>), req).catch(
      (e) => reject(noAnswer(e)),
    );
  });
}

/** `send`, then a named RegistryError unless the status is one of `ok`. */
export async function expect(
  ref: RepositoryRef,
  ex: Exchange,
  ok: readonly number[],
  opts: RegistryOptions,
): Promise<Response> {
  const res = await send(ref, ex, opts);
  if (ok.includes(res.status)) return res;
  throw await refusal(res, {
    action: ex.action,
    host: ref.host,
    repository: ref.repository,
    reference: ex.reference,
  });
}

/**
 * `attempt` again after a transient failure (no answer, 429, 5xx), at most
 * REGISTRY_RETRY_DELAYS_MS.length more times; anything else, or an abort, at once.
 */
export async function retrying<T>(
  what: string,
  opts: RegistryOptions,
  attempt: () => Promise<T>,
): Promise<T> {
  const clock = opts.clock ?? systemClock;
  for (const delay of REGISTRY_RETRY_DELAYS_MS) {
    try {
      return await attempt();
    } catch (error) {
      if (opts.signal?.aborted || !isTransientAwsError(error)) throw error;
      const pause = jittered(delay);
      opts.log?.(
        `${what}: ${error instanceof Error ? error.message : String(error)}; trying again in ${pause} ms`,
      );
      await clock.sleep(pause, opts.signal);
    }
  }
  return attempt();
}

/** A Location header resolved against the URL that answered with it. */
export function locationOf(
  res: Response,
  base: URL,
  ex: Omit<Exchange, 'url' | 'method'>,
  ref: RepositoryRef,
): URL {
  const location = res.headers.get('location');
  if (!location) {
    throw new RegistryError({
      action: ex.action,
      host: ref.host,
      repository: ref.repository,
      reference: ex.reference,
      status: res.status,
      detail: 'the answer has no Location header',
    });
  }
  return new URL(location, base);
}
