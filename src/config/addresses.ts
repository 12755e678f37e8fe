/**
 * Addresses a smoke check must never reach (docs/config.md, "Bounds"): link-local
 * (169.254.0.0/16, fe80::/10) and the instance metadata service (169.254.169.254,
 * fd00:ec2::254), in every spelling: IPv4-mapped (`::ffff:169.254.169.254`, which
 * the URL parser writes `::ffff:a9fe:a9fe`), IPv4-compatible and NAT64 (64:ff9b::/96).
 * From a self-hosted runner these answer with the instance's role credentials.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** A DNS host name, optionally with one leading wildcard label; at most 253 characters. */
export const HOST_PATTERN =
  /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.?$/i;

/** Why `address` (an IP literal, `[v6]` brackets and a `%zone` allowed) is refused, or undefined. */
export function forbiddenAddress(address: string): string | undefined {
  const bare = address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (isIPv4(bare)) return forbiddenV4(bare.split('.').map(Number));
  if (!isIPv6(bare)) return undefined;
  const groups = ipv6Groups(bare);
  const [g0 = 0, , , , , g5 = 0, g6 = 0, g7 = 0] = groups;
  if ((g0 & 0xffc0) === 0xfe80) return 'a link-local address (fe80::/10)';
  if (groups.join(':') === [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254].join(':')) {
    return 'the instance metadata service (fd00:ec2::254)';
  }
  const zeros = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  const mapped = zeros(0, 5) && g5 === 0xffff;
  const compatible = zeros(0, 6) && (g6 !== 0 || g7 > 1);
  const nat64 = g0 === 0x64 && groups[1] === 0xff9b && zeros(2, 6);
  if (!mapped && !compatible && !nat64) return undefined;
  const inner = forbiddenV4([g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff]);
  return inner ? `${inner}, written as IPv6` : undefined;
}

function forbiddenV4([a, b, c, d]: number[]): string | undefined {
  if (a !== 169 || b !== 254) return undefined;
  return c === 169 && d === 254
    ? 'the instance metadata service (169.254.169.254)'
    : 'a link-local address (169.254.0.0/16)';
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a trailing dotted IPv4 as two groups). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part ? part.split(':').map((g) => Number.parseInt(g, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...Array(8 - left.length - right.length).fill(0), ...right];
}
