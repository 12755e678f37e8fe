/**
 * init's guesses from what it found (docs/init.md "Guesses"), each with its reason: the
 * image key of each repository, each image's build context, each service's wave. Pure:
 * the workspace is asked only whether a Dockerfile exists.
 */
import type { Found, FoundService } from './types';

export interface Guess {
  /** What was guessed, e.g. `build context of backend: backend`. */
  what: string;
  why: string;
}

export interface ImageGuess {
  key: string;
  repository: string;
  context: string;
  /** No Dockerfile found: the context is a placeholder the person must set. */
  unsure: boolean;
}

export interface ServiceGuess {
  service: string;
  containers: Record<string, string>;
  wave: number;
}

/** `acme/api` → `api`; two repositories with one last part keep their whole path, `/` as `-`. */
export function imageKeys(repositories: readonly string[]): Map<string, string> {
  const unique = [...new Set(repositories)].sort();
  const last = (r: string) => r.split('/').pop() ?? r;
  const counts = new Map<string, number>();
  for (const r of unique) counts.set(last(r), (counts.get(last(r)) ?? 0) + 1);
  return new Map(unique.map((r) => [r, (counts.get(last(r)) ?? 0) > 1 ? r.replace(/\//g, '-') : last(r)]));
}

/** Where a build context may be, for an image key and its repository, in the order tried. */
function contextCandidates(key: string, repository: string): string[] {
  const last = repository.split('/').pop() ?? repository;
  return [...new Set([key, last, `services/${key}`, `apps/${key}`, `packages/${key}`])];
}

export function guessContext(
  key: string,
  repository: string,
  imageCount: number,
  hasDockerfile: (dir: string) => boolean,
): { image: ImageGuess; guess: Guess } {
  const found = contextCandidates(key, repository).find(hasDockerfile);
  if (found) {
    return {
      image: { key, repository, context: found, unsure: false },
      guess: { what: `build context of ${key}: ${found}`, why: `${found}/Dockerfile exists` },
    };
  }
  if (imageCount === 1 && hasDockerfile('.')) {
    return {
      image: { key, repository, context: '.', unsure: false },
      guess: { what: `build context of ${key}: .`, why: 'the one image, and ./Dockerfile exists' },
    };
  }
  return {
    image: { key, repository, context: key, unsure: true },
    guess: {
      what: `build context of ${key}: ${key}`,
      why: `no Dockerfile in ${contextCandidates(key, repository).join(', ')}: named after the image key, set the right directory`,
    },
  };
}

const BACKEND = /(^|[-_/])(api|backend|server|worker|jobs?|queue)([-_/]|$)/i;
const FRONTEND = /(^|[-_/])(web|frontend|front|ui|www|site|nginx|app)([-_/]|$)/i;

type Role = { role: 'backend' | 'frontend' | 'other'; why: string };

function roleOf(service: FoundService, keys: Record<string, string>, found: Found): Role {
  const db = found.database;
  if (db && db.service === service.name)
    return { role: 'backend', why: `its task definition uses the database ${db.instance}` };
  const dbKey = db ? found.services.find((s) => s.name === db.service) : undefined;
  const dbImage = dbKey?.containers.find((c) => c.name === db?.container)?.repository;
  if (dbImage && service.containers.some((c) => c.repository === dbImage))
    return { role: 'backend', why: `it runs the image of ${db?.service}, which uses the database` };
  const names = [service.name, ...Object.values(keys)];
  const back = names.find((n) => BACKEND.test(n));
  if (back) return { role: 'backend', why: `"${back}" reads as a backend name` };
  const front = names.find((n) => FRONTEND.test(n));
  if (front) return { role: 'frontend', why: `"${front}" reads as a frontend name` };
  return { role: 'other', why: 'neither a backend nor a frontend by its name or database' };
}

/**
 * Backends roll in wave 1, frontends in wave 2: the new frontend may call what only the
 * new backend serves, never the other way round. Without both kinds, one wave.
 */
export function guessWaves(
  found: Found,
  containers: ReadonlyMap<string, Record<string, string>>,
): { services: ServiceGuess[]; guesses: Guess[] } {
  const roles = found.services
    .filter((s) => containers.has(s.name))
    .map((s) => ({
      s,
      keys: containers.get(s.name) ?? {},
      ...roleOf(s, containers.get(s.name) ?? {}, found),
    }));
  const split = roles.some((r) => r.role === 'backend') && roles.some((r) => r.role === 'frontend');
  const services: ServiceGuess[] = [];
  const guesses: Guess[] = [];
  for (const r of roles) {
    const wave = split && r.role === 'frontend' ? 2 : 1;
    services.push({ service: r.s.name, containers: r.keys, wave });
    const why = split
      ? `${r.role === 'frontend' ? 'a frontend' : r.role === 'backend' ? 'a backend' : 'not a frontend'} (${r.why}): ${wave === 1 ? 'backends roll first, so the new frontend finds the new API' : 'frontends roll after the backends they call'}`
      : `no backend/frontend split found (${r.why}): every service in one wave`;
    guesses.push({ what: `wave of ${r.s.name}: ${wave}`, why });
  }
  return { services, guesses };
}
