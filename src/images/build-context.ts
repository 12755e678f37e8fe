/**
 * The build context as the engine receives it: the context directory minus what
 * `.dockerignore` excludes, streamed as a tar. The Dockerfile travels inside it
 * (under a reserved name when it lives outside the context or is ignored, as the
 * docker CLI does). https://docs.docker.com/build/concepts/context/#dockerignore-files
 */
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import dockerignore from '@balena/dockerignore';
import { realPathInside } from '../config/workspace-path';
import { ImagesError } from './errors';
import { packTar, type TarEntry } from './tar';

export interface ContextEntry {
  /** Path inside the context, `/`-separated. */
  rel: string;
  abs: string;
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  size: number;
  mtimeMs: number;
  link?: string;
}

/** Name the Dockerfile gets inside the tar when it is not already part of the context. */
export const RESERVED_DOCKERFILE = '.ecs-release.Dockerfile';

export interface IgnoreRules {
  ignores(rel: string): boolean;
  /** Whether any `!` exception exists (an ignored directory may then hold kept files). */
  hasExceptions: boolean;
}

export function parseDockerignore(content: string): IgnoreRules {
  const lines = content
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const ig = dockerignore({ ignorecase: false }).add(lines);
  return { ignores: (rel) => ig.ignores(rel), hasExceptions: lines.some((l) => l.startsWith('!')) };
}

export async function readIgnoreRules(contextDir: string): Promise<IgnoreRules> {
  try {
    return parseDockerignore(await readFile(join(contextDir, '.dockerignore'), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return parseDockerignore('');
    throw error;
  }
}

/** Every entry that would be sent, sorted by path so hashing and packing are deterministic. */
export async function listContext(contextDir: string, rules: IgnoreRules): Promise<ContextEntry[]> {
  const out: ContextEntry[] = [];
  const walk = async (dir: string): Promise<void> => {
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      const abs = join(dir, name);
      const rel = relative(contextDir, abs).split(sep).join('/');
      const st = await lstat(abs);
      const ignored = rules.ignores(rel);
      const base = { rel, abs, mode: st.mode & 0o7777, mtimeMs: st.mtimeMs };
      if (st.isDirectory()) {
        if (ignored && !rules.hasExceptions) continue;
        const before = out.length;
        out.push({ ...base, type: 'dir', size: 0 });
        await walk(abs);
        // An ignored directory stays only for the exceptions found inside it.
        if (ignored && out.length === before + 1) out.pop();
      } else if (ignored) {
        // Dropped: .dockerignore excludes it.
      } else if (st.isSymbolicLink()) {
        out.push({ ...base, type: 'symlink', size: 0, link: await readlink(abs) });
      } else if (st.isFile()) {
        out.push({ ...base, type: 'file', size: st.size });
      }
    }
  };
  await walk(contextDir);
  return out;
}

export interface PreparedContext {
  entries: ContextEntry[];
  /** The `dockerfile` build option: its path inside the tar. */
  dockerfileInTar: string;
  /** Contents of the Dockerfile, when it is packed under the reserved name. */
  extraDockerfile?: Buffer;
}

function inWorkspace(imageKey: string, workdir: string, path: string, what: string): void {
  try {
    realPathInside(workdir, path, what);
  } catch (error) {
    throw new ImagesError(imageKey, (error as Error).message);
  }
}

/** Resolves the context and Dockerfile; a missing one is an error naming its path. */
export async function prepareContext(
  workdir: string,
  imageKey: string,
  context: string,
  dockerfile: string,
): Promise<PreparedContext & { contextDir: string; dockerfileText: string }> {
  const contextDir = resolve(workdir, context);
  // Real paths: a symbolic link in the checkout must not send /etc to the engine either.
  inWorkspace(imageKey, workdir, context, 'build context');
  inWorkspace(imageKey, workdir, dockerfile, 'Dockerfile');
  const st = await lstat(contextDir).catch(() => undefined);
  if (!st?.isDirectory()) {
    throw new ImagesError(
      imageKey,
      `the build context ${contextDir} is not a directory (context "${context}" relative to ${workdir}); set the image's context to the directory that holds its sources`,
    );
  }
  const dockerfilePath = resolve(workdir, dockerfile);
  const dockerfileText = await readFile(dockerfilePath, 'utf8').catch(() => undefined);
  if (dockerfileText === undefined) {
    throw new ImagesError(
      imageKey,
      `the Dockerfile ${dockerfilePath} does not exist or cannot be read (dockerfile "${dockerfile}"); set the image's dockerfile to its path`,
    );
  }
  const rules = await readIgnoreRules(contextDir);
  const entries = await listContext(contextDir, rules);
  const inContext = relative(contextDir, dockerfilePath).split(sep).join('/');
  const packed =
    !inContext.startsWith('../') && entries.some((e) => e.rel === inContext && e.type === 'file');
  return packed
    ? { contextDir, dockerfileText, entries, dockerfileInTar: inContext }
    : {
        contextDir,
        dockerfileText,
        entries,
        dockerfileInTar: RESERVED_DOCKERFILE,
        extraDockerfile: Buffer.from(dockerfileText, 'utf8'),
      };
}

function* tarEntries(prepared: PreparedContext): Generator<TarEntry> {
  for (const e of prepared.entries) {
    const entry: TarEntry = {
      name: e.rel,
      type: e.type,
      mode: e.mode,
      size: e.size,
      mtime: e.mtimeMs / 1000,
    };
    if (e.type === 'file') entry.path = e.abs;
    if (e.link !== undefined) entry.linkname = e.link;
    yield entry;
  }
  const data = prepared.extraDockerfile;
  if (data) yield { name: RESERVED_DOCKERFILE, type: 'file', mode: 0o644, size: data.length, mtime: 0, data };
}

export function contextTar(prepared: PreparedContext): Readable {
  return packTar(tarEntries(prepared));
}
