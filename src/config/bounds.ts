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
  if (!/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(value)) {
    return `${JSON.stringify(value.slice(0, 80))} is not a valid ECS tag value: use letters, digits, spaces and _ . : / = + - @`;
  }
  return undefined;
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

export const PLATFORM_PATTERN = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;
