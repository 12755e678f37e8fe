import {
  controlCharacter,
  type DurationBounds,
  escapeControl,
  nulInCommand,
  outOfBounds,
  smokeUrlProblem,
  urlWithUserinfo,
} from './bounds';
import { DURATION_HINT, parseDuration } from './duration';
import type { Problem } from './errors';

/** Parsers for the string form every action input arrives in; each records problems instead of throwing. */
export class InputReader {
  readonly problems: Problem[] = [];

  constructor(private readonly raw: Readonly<Record<string, string | undefined>>) {}

  private fail(name: string, message: string): undefined {
    this.problems.push({ key: `input "${name}"`, message });
    return undefined;
  }

  string(name: string): string | undefined {
    const value = this.raw[name]?.trim();
    return value ? value : undefined;
  }

  /**
   * An ECS name (cluster, service, container). One with a control character is
   * recorded as a problem but still returned, so it is not also reported missing.
   */
  ecsName(name: string): string | undefined {
    const value = this.string(name);
    const problem = value === undefined ? undefined : controlCharacter(value);
    if (problem) this.fail(name, problem);
    return value;
  }

  boolean(name: string): boolean | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    // The YAML 1.2 core schema's booleans, as core.getBooleanInput accepts them.
    if (['true', 'True', 'TRUE'].includes(value)) return true;
    if (['false', 'False', 'FALSE'].includes(value)) return false;
    return this.fail(name, `expected true or false, got "${value}"`);
  }

  duration(name: string, bounds: DurationBounds): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const ms = parseDuration(value);
    if (ms === undefined) return this.fail(name, `expected ${DURATION_HINT}, got "${value}"`);
    const problem = outOfBounds(ms, bounds);
    return problem ? this.fail(name, problem) : ms;
  }

  /** A string matching `pattern`, else a problem that says what was expected. */
  matching(name: string, pattern: RegExp, expected: string): string | undefined {
    const value = this.string(name);
    if (value === undefined || pattern.test(value)) return value;
    return this.fail(name, `expected ${expected}, got "${value}"`);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    return (allowed as readonly string[]).includes(value)
      ? (value as T)
      : this.fail(name, `expected one of ${allowed.join(', ')}, got "${value}"`);
  }

  /** One entry per non-empty line; `#` starts a comment line. */
  lines(name: string): string[] | undefined {
    const value = this.raw[name];
    if (!value?.trim()) return undefined;
    return value
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
  }

  /** Multiline `KEY=VALUE`; a line without `=` or with a bad key is reported with its line number. */
  keyValues(name: string): Record<string, string> | undefined {
    const value = this.raw[name];
    if (!value?.trim()) return undefined;
    const result: Record<string, string> = {};
    value.split(/\r?\n/).forEach((line, index) => {
      if (!line.trim() || line.trim().startsWith('#')) return;
      const eq = line.indexOf('=');
      const key = eq > 0 ? line.slice(0, eq).trim() : '';
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
        this.fail(name, `line ${index + 1} "${line.trim()}" is not KEY=VALUE`);
        return;
      }
      result[key] = line.slice(eq + 1);
    });
    return result;
  }

  url(name: string): string | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    try {
      const url = new URL(value);
      if (urlWithUserinfo(value)) {
        // Not quoted: the point is not to print the credentials.
        return this.fail(
          name,
          'must not hold credentials (user:password@): they would be printed and sent as the deployment URL',
        );
      }
      const problem = smokeUrlProblem(value);
      if (problem) return this.fail(name, problem);
      if (url.protocol === 'http:' || url.protocol === 'https:') return value;
    } catch {
      // reported below
    }
    return this.fail(name, `expected an http(s) URL, got ${escapeControl(value)}`);
  }

  /** A JSON array of strings (exec form), or a string run with `sh -c`. */
  command(name: string): string[] | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const nul = nulInCommand(value);
    if (nul) return this.fail(name, nul);
    if (value.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(value);
        if (Array.isArray(parsed) && parsed.length > 0 && parsed.every((p) => typeof p === 'string')) {
          if (!String(parsed[0]).trim())
            return this.fail(name, 'the program (first element) must not be empty');
          // `"\u0000"` in the JSON is a NUL the raw text did not show.
          const inside = nulInCommand(parsed as string[]);
          return inside ? this.fail(name, inside) : (parsed as string[]);
        }
      } catch {
        // reported below
      }
      return this.fail(name, 'starts with "[" but is not a JSON array of strings (exec form)');
    }
    return ['sh', '-c', value];
  }
}
