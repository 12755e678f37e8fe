import { forbiddenAddress } from './addresses';
import { formatDuration } from './duration';

/** Allowed ranges for durations (docs/config.md, "Bounds"): beyond 24 h a timer no longer means anything. */
export interface DurationBounds {
  min: number;
  max: number;
}

const DAY = 24 * 3_600_000;

/** wait-timeout and migration-timeout: a 0 s wait fails every rollout; 600 h overflows a timer. */
export const TIMEOUT_BOUNDS: DurationBounds = { min: 10_000, max: DAY };
/** bake-time: 0 would silently turn the gate off (use a short bake, not none). */
export const BAKE_BOUNDS: DurationBounds = { min: 1000, max: DAY };

/** The problem with `ms` for these bounds, or undefined when it is inside them. */
export function outOfBounds(ms: number, bounds: DurationBounds): string | undefined {
  if (ms >= bounds.min && ms <= bounds.max) return undefined;
  const range = `from ${formatDuration(bounds.min)} to ${formatDuration(bounds.max)}`;
  return ms < bounds.min && ms === 0
    ? `must be ${range}; 0 is refused`
    : `${formatDuration(ms)} is out of range: allowed ${range}`;
}

/**
 * An ECS tag value (the `environment` becomes one on every task definition): at most
 * 256 characters of letters, digits, spaces and `_ . : / = + - @`.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html
 */
export function badTagValue(value: string): string | undefined {
  if (value.length > 256) return `is ${value.length} characters long; an ECS tag value holds at most 256`;
  // The ASCII test first: it is the common case, and the Unicode classes cost V8 some
  // 7 ms to build on first use, before the first log line.
  if (!/^[A-Za-z0-9 _.:/=+\-@]*$/.test(value) && !/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(value)) {
    return `${JSON.stringify(value.slice(0, 80))} is not a valid ECS tag value: use letters, digits, spaces and _ . : / = + - @`;
  }
  return undefined;
}

/**
 * The claim's tag key on the cluster, `ecs-release:claim:<environment>` (record/claim.ts
 * writes it; a test ties the two): an ECS tag key holds at most 128 characters
 * (docs/config.md, "Bounds"), so the environment name may hold 110.
 */
export const CLAIM_TAG_PREFIX = 'ecs-release:claim:';
const TAG_KEY_MAX = 128;
export const ENVIRONMENT_MAX = TAG_KEY_MAX - CLAIM_TAG_PREFIX.length;

/** An `environment` name: an ECS tag value that also fits the claim's tag key. */
export function badEnvironmentName(value: string): string | undefined {
  const tag = badTagValue(value);
  if (tag) return tag;
  if (value.length <= ENVIRONMENT_MAX) return undefined;
  return `is ${value.length} characters long; at most ${ENVIRONMENT_MAX} fit the claim's tag key "${CLAIM_TAG_PREFIX}<environment>" (an ECS tag key holds at most ${TAG_KEY_MAX})`;
}

/** Credentials in a URL would be printed and sent as the GitHub deployment's URL. */
export function urlWithUserinfo(value: string): boolean {
  try {
    const url = new URL(value);
    return url.username !== '' || url.password !== '';
  } catch {
    return false;
  }
}

/** Bidirectional controls: printed, they reorder what the reader sees of the URL. */
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

/**
 * What is wrong with a smoke URL beyond its scheme and credentials: control or
 * bidirectional characters (the URL parser drops a tab or newline silently, and the
 * value is printed), or a literal link-local or metadata host. A name that resolves
 * to one is refused when the check runs (gate/smoke-request.ts).
 */
export function smokeUrlProblem(value: string): string | undefined {
  const odd = /\p{Cc}/u.exec(value) ?? BIDI.exec(value);
  if (odd) {
    return `has a control or bidirectional character (U+${hex(odd[0])}) at position ${odd.index + 1}`;
  }
  let host: string;
  try {
    host = new URL(value).hostname;
  } catch {
    return undefined;
  }
  const forbidden = forbiddenAddress(host);
  return forbidden ? `points at ${host}, ${forbidden}: a smoke check never goes there` : undefined;
}

const hex = (c: string) => (c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');

/**
 * A control character in an ECS name (cluster, service, container): ECS would
 * refuse it at the first call, and printed in the log it could rewrite the lines
 * around it. The problem names the code point, never the character itself.
 */
export function controlCharacter(value: string): string | undefined {
  const at = value.search(/\p{Cc}/u);
  if (at < 0) return undefined;
  return `has a control character (U+${hex(value.charAt(at))}) at position ${at + 1}: ECS names are printable text`;
}

/** The value quoted with each control character as `\uXXXX`, safe to print. */
export function escapeControl(value: string): string {
  return `"${value.replace(/\p{Cc}/gu, (c) => `\\u${hex(c)}`)}"`;
}

/**
 * A NUL byte in a migration command: no program argument can hold one (C strings end
 * there), so ECS or the spawn would refuse it, after the task definitions were registered.
 */
export function nulInCommand(command: string | readonly string[]): string | undefined {
  const parts = typeof command === 'string' ? [command] : command;
  const index = parts.findIndex((part) => part.includes('\0'));
  if (index < 0) return undefined;
  const where = typeof command === 'string' ? '' : ` (element ${index + 1})`;
  return `has a NUL byte${where}: no program argument can hold one`;
}

export const PLATFORM_PATTERN = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;
