/**
 * The lab as an AWS SDK v3 `requestHandler`: requests never leave the process,
 * so the lab's virtual clock governs all timing.
 */
import { Readable } from 'node:stream';
import {
  type HttpHandler,
  type HttpHandlerOptions,
  type HttpRequest,
  HttpResponse,
} from '@smithy/protocol-http';
import { type DispatchDeps, dispatch } from './protocol/dispatch.js';

async function bodyText(body: unknown): Promise<string> {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  // Not Buffer.from(body): the SDK's JSON bodies warn when anything calls their string methods (valueOf).
  if (body instanceof Uint8Array)
    return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (body instanceof Readable) {
    const chunks: Buffer[] = [];
    for await (const chunk of body)
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
    return Buffer.concat(chunks).toString('utf8');
  }
  throw new TypeError('The lab handler cannot read this request body type.');
}

/** What the Node HTTP handler throws when the peer drops the socket; the SDK retries it as transient. */
export function connectionReset(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

/** The path with its query string, as a server sees it: REST services (Route 53) carry input there. */
function pathWithQuery(request: HttpRequest): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(request.query ?? {})) {
    for (const value of Array.isArray(v) ? v : [v])
      if (value !== null && value !== undefined) params.append(k, value);
  }
  const query = params.toString();
  return query ? `${request.path}?${query}` : request.path;
}

export function createLabHandler(deps: DispatchDeps): HttpHandler {
  return {
    metadata: { handlerProtocol: 'http/1.1' },
    async handle(request: HttpRequest, options?: HttpHandlerOptions) {
      const signal = options?.abortSignal as AbortSignal | undefined;
      if (signal?.aborted) throw Object.assign(new Error('Request aborted'), { name: 'AbortError' });
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(request.headers)) headers[k.toLowerCase()] = v;
      const result = await dispatch(
        deps,
        { method: request.method, path: pathWithQuery(request), headers, body: await bodyText(request.body) },
        signal,
      );
      if (result.kind === 'reset') throw connectionReset();
      const { status, headers: out, body } = result.response;
      return {
        response: new HttpResponse({
          statusCode: status,
          headers: out,
          body: Readable.from([Buffer.from(body)]),
        }),
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs() {
      return {};
    },
  };
}
