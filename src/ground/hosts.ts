/** Host names: where they come from and whether a certificate name covers one (docs/ground.md#tls). */
import type { HostSource } from './types';

/** Lower case, no trailing dot: how host names and certificate names compare. */
export function normalHost(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * Whether a certificate name covers a host: an equal name, or a wildcard for exactly one
 * label (`*.acme.example` covers `www.acme.example`, never `acme.example` nor
 * `a.b.acme.example`).
 */
export function nameCovers(certName: string, host: string): boolean {
  const name = normalHost(certName);
  const h = normalHost(host);
  if (name === h) return true;
  if (!name.startsWith('*.')) return false;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot + 1) === name.slice(2) && !h.slice(0, dot).includes('*');
}

/** A rule's host pattern: `*.x` (one wildcard label) is checkable; other wildcards are not. */
export type HostShape = 'name' | 'wildcard' | 'pattern';

export function hostShape(host: string): HostShape {
  const h = normalHost(host);
  if (!/[*?]/.test(h)) return 'name';
  return /^\*\.[^*?]+$/.test(h) ? 'wildcard' : 'pattern';
}

/**
 * Whether any of a certificate's names covers a host. A plain name is covered by an equal
 * or one-label wildcard name; a `*.x` rule pattern needs the certificate for `*.x` itself.
 */
export function certificateCovers(names: readonly string[], host: string): boolean {
  if (hostShape(host) === 'wildcard') return names.some((n) => normalHost(n) === normalHost(host));
  return names.some((n) => nameCovers(n, host));
}

/** An IP literal or `localhost`: nothing a certificate or a public zone is about (the lab's smoke URLs). */
function isAddress(host: string): boolean {
  return host === 'localhost' || /^[\d.]+$/.test(host) || host.includes(':') || host.startsWith('[');
}

/** The host of an https URL, when it names one. */
export function httpsHost(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:') return undefined;
    const host = normalHost(parsed.hostname);
    return isAddress(host) ? undefined : host;
  } catch {
    return undefined;
  }
}

export interface ReleaseHost {
  host: string;
  source: HostSource;
}

/**
 * The release's hosts: declared ones (`hosts`, the https smoke URLs) and those of the
 * listener rules that forward to the release; a host found in both counts as declared.
 */
export function releaseHosts(declared: readonly string[], ruleHosts: readonly string[]): ReleaseHost[] {
  const out = new Map<string, HostSource>();
  for (const h of declared) {
    const host = normalHost(h);
    if (host && !isAddress(host)) out.set(host, 'declared');
  }
  for (const h of ruleHosts) {
    const host = normalHost(h);
    if (host && !out.has(host)) out.set(host, 'rule');
  }
  return [...out].map(([host, source]) => ({ host, source }));
}
