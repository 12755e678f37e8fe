/**
 * The smoke check's GET (docs/config.md, "Bounds"): it never follows a redirect and
 * never reaches a link-local or metadata address. The host is resolved once, every
 * address it resolves to is checked, and the connection goes to the checked
 * addresses only (a `lookup` that answers with them): a name cannot resolve to a fine
 * address for the check and to 169.254.169.254 for the connection (DNS rebinding).
 * TLS still verifies, and SNI and Host still name, the URL's own host.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { forbiddenAddress } from '../config/addresses';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Every address of a name (dns.lookup by default: what the system's resolver says). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** What the smoke check reads of an answer: global fetch's Response has all of it. */
export interface SmokeResponse {
  status: number;
  headers: { get(name: string): string | null };
  body?: { cancel(): Promise<void> } | null;
  /** Over https: the certificate the server presented (docs/ground.md, "TLS"). */
  certificate?: ServedCertificate;
}

/** What the smoke check records of a presented certificate: its names and its expiry. */
export interface ServedCertificate {
  /** The subject CN and every DNS subject alternative name. */
  names: string[];
  /** NotAfter (epoch ms). */
  notAfter: number;
}

/** Test seam: the CA certificates to trust instead of the system's (a local self-signed server). */
export interface GuardOptions {
  ca?: string;
}

export type FetchLike = (input: string, init: RequestInit) => Promise<SmokeResponse>;

/** The check went nowhere: the name resolves to an address a smoke check never reaches. */
export class RefusedAddressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedAddressError';
  }
}

const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** A FetchLike over node:http(s) that checks every address it could connect to, and connects to those only. */
export function guardedFetch(resolve: Resolver = systemResolver, tls: GuardOptions = {}): FetchLike {
  return async (input, init) => {
    const url = new URL(input);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const family = isIP(host);
    const addresses = family ? [{ address: host, family }] : await untilAborted(resolve(host), init.signal);
    if (addresses.length === 0) throw new Error(`${host} resolves to no address`);
    for (const { address } of addresses) {
      const forbidden = forbiddenAddress(address);
      if (forbidden) {
        const what = address === host ? `${host} is` : `${host} resolves to ${address},`;
        throw new RefusedAddressError(`${what} ${forbidden}: a smoke check never goes there`);
      }
    }
    return get(url, addresses, init, tls);
  };
}

/** The resolver's answer, or the signal's reason as soon as it fires (dns.lookup cannot be cancelled). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | null | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** One GET to the checked addresses; the answer's status and headers, the body left unread. */
function get(
  url: URL,
  addresses: ResolvedAddress[],
  init: RequestInit,
  tls: GuardOptions,
): Promise<SmokeResponse> {
  const lookup = ((_hostname, options, callback) => {
    const [first] = addresses as [ResolvedAddress];
    if (options.all) callback(null, addresses);
    else callback(null, first.address, first.family);
  }) as LookupFunction;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      {
        method: 'GET',
        headers: init.headers as Record<string, string> | undefined,
        lookup,
        // A fresh connection each time: a pooled socket would outlive the check of its address.
        agent: false,
        ...(tls.ca ? { ca: tls.ca } : {}),
        ...(init.signal ? { signal: init.signal } : {}),
      },
      (response) => {
        resolve(answer(response));
        response.destroy();
      },
    );
    request.on('error', reject);
    request.end();
  });
}

function answer(response: IncomingMessage): SmokeResponse {
  const certificate = presented(response);
  return {
    ...(certificate ? { certificate } : {}),
    status: response.statusCode ?? 0,
    headers: {
      get: (name) => {
        const value = response.headers[name.toLowerCase()];
        return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
      },
    },
    body: null,
  };
}

/** The certificate an https answer came over (none over http, or when the peer sent none). */
function presented(response: IncomingMessage): ServedCertificate | undefined {
  const socket = response.socket as Partial<TLSSocket> | null;
  const peer = socket?.getPeerCertificate?.();
  if (!peer?.valid_to) return undefined;
  const notAfter = Date.parse(peer.valid_to);
  if (Number.isNaN(notAfter)) return undefined;
  const cn = peer.subject?.CN;
  const sans = (peer.subjectaltname ?? '')
    .split(', ')
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4));
  const names = [...(Array.isArray(cn) ? cn : cn ? [cn] : []), ...sans];
  return { names: [...new Set(names)], notAfter };
}
