/**
 * Reads `.lab/env` as lab/up writes it (KEY=value or KEY='value' with `'\''`
 * escapes), without running a shell.
 */
import { existsSync, readFileSync } from 'node:fs';

export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let value = m[2] as string;
    if (value.startsWith("'") && value.endsWith("'") && value.length >= 2) {
      value = value.slice(1, -1).replace(/'\\''/g, "'");
    }
    out[m[1] as string] = value;
  }
  return out;
}

export function readEnvFile(path: string): Record<string, string> | undefined {
  return existsSync(path) ? parseEnvFile(readFileSync(path, 'utf8')) : undefined;
}

/** The registry options createLab wants, from env values; undefined when no registry is named. */
export function registryFromEnv(env: Record<string, string | undefined>) {
  const host = env.LAB_REGISTRY;
  const password = env.LAB_REGISTRY_PASSWORD;
  if (!host || !password) return undefined;
  return { host, user: env.LAB_REGISTRY_USER ?? 'AWS', password };
}
