/**
 * The content key: one hash of everything that decides what an image build
 * produces, so an image whose inputs did not change is found in ECR instead of
 * being rebuilt. Sources come from git when the context is committed as-is (fast:
 * one tree id), else from hashing the files that would be sent.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, readlink } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { promisify } from 'node:util';
import type { ImageConfig } from '../config/types';
import type { StageContext } from '../runtime/context';
import { type ContextEntry, listContext, prepareContext, readIgnoreRules } from './build-context';

const run = promisify(execFile);

/** Bump when the key's recipe changes, so old tags are not mistaken for new ones. */
export const CONTENT_KEY_VERSION = 1;

export interface ContentKeyInputs {
  /** `git-tree:<id>` or `files:<sha256>`: the context's sources. */
  source: string;
  dockerfile: string;
  buildArgs: Record<string, string>;
  target?: string | undefined;
  platform: string;
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** 40 hex digits (160 bits) of a SHA-256 over the canonical inputs. Pure. */
export function contentKey(inputs: ContentKeyInputs): string {
  const canonical = JSON.stringify([
    CONTENT_KEY_VERSION,
    inputs.source,
    sha256(inputs.dockerfile),
    Object.entries(inputs.buildArgs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    inputs.target ?? '',
    inputs.platform,
  ]);
  return sha256(canonical).slice(0, 40);
}

/** The tag an image's content key gets in ECR: `content-<40 hex>` (48 characters). */
export const contentTag = (key: string): string => `content-${key}`;

/** Hash of the entries that would be sent: path, type, executable bit, contents or link target. */
export async function hashEntries(entries: ContextEntry[]): Promise<string> {
  const h = createHash('sha256');
  for (const e of entries) {
    const exec = (e.mode & 0o111) !== 0 ? 'x' : '-';
    let body = '';
    if (e.type === 'file') body = sha256(await readFile(e.abs));
    else if (e.type === 'symlink') body = e.link ?? (await readlink(e.abs));
    h.update(`${e.type}\0${e.rel}\0${exec}\0${body}\n`);
  }
  return h.digest('hex');
}

interface GitStatusEntry {
  path: string;
  code: string;
}

/** `git status --porcelain=v1 -z` records (renames carry a second path, which we skip). */
export function parseGitStatus(output: string): GitStatusEntry[] {
  const parts = output.split('\0');
  const out: GitStatusEntry[] = [];
  for (let i = 0; i < parts.length; i++) {
    const rec = parts[i];
    if (!rec || rec.length < 4) continue;
    const code = rec.slice(0, 2);
    out.push({ code, path: rec.slice(3) });
    if (code.includes('R') || code.includes('C')) i++;
  }
  return out;
}

export interface SourceId {
  source: string;
  /** Why the files were hashed instead of using git, for the log. */
  reason?: string;
}

/**
 * `git-tree:<id>` when every file that would be sent is committed as it is in
 * HEAD; otherwise (uncommitted or untracked changes, build outputs that git
 * ignores but .dockerignore does not, no git) `files:<hash>` of the sent files.
 */
export async function sourceOf(workdir: string, contextDir: string): Promise<SourceId> {
  const rules = await readIgnoreRules(contextDir);
  const git = async (...args: string[]): Promise<string> =>
    (await run('git', args, { cwd: workdir, maxBuffer: 64 * 1024 * 1024 })).stdout;
  let reason: string;
  try {
    const top = (await git('rev-parse', '--show-toplevel')).trim();
    const rel = relative(top, contextDir).split(sep).join('/');
    if (rel.startsWith('..')) throw new Error(`the context is outside the git repository ${top}`);
    const status = parseGitStatus(
      await git(
        '-C',
        top,
        'status',
        '--porcelain=v1',
        '-z',
        '--ignored',
        '--untracked-files=normal',
        '--',
        rel || '.',
      ),
    );
    const prefix = rel === '' ? '' : `${rel}/`;
    const dirty = status.filter((s) => {
      const inContext = s.path.startsWith(prefix) ? s.path.slice(prefix.length).replace(/\/$/, '') : s.path;
      // Files that .dockerignore keeps out of the build cannot change the image.
      return inContext === '' || !rules.ignores(inContext);
    });
    if (dirty.length === 0) {
      const tree = (await git('-C', top, 'rev-parse', `HEAD:${rel}`)).trim();
      return { source: `git-tree:${tree}` };
    }
    const shown = dirty
      .slice(0, 3)
      .map((s) => s.path)
      .join(', ');
    reason = `uncommitted or untracked files in the context (${shown}${dirty.length > 3 ? ', …' : ''})`;
  } catch (error) {
    reason = `no usable git tree (${(error as Error).message.split('\n')[0]})`;
  }
  const entries = await listContext(contextDir, rules);
  return { source: `files:${await hashEntries(entries)}`, reason };
}

export interface ImageKeyInfo {
  key: string;
  tag: string;
  source: SourceId;
}

/** The content key of one image; errors name a missing context or Dockerfile. */
export async function computeContentKey(workdir: string, image: ImageConfig): Promise<ImageKeyInfo> {
  const prepared = await prepareContext(workdir, image.key, image.context, image.dockerfile);
  const source = await sourceOf(workdir, prepared.contextDir);
  const key = contentKey({
    source: source.source,
    dockerfile: prepared.dockerfileText,
    buildArgs: image.buildArgs,
    target: image.target,
    platform: image.platform,
  });
  return { key, tag: contentTag(key), source };
}

/** Content tag per image key, for `plan` ("repository:content-tag" before anything is built). */
export async function computeContentKeys(ctx: StageContext): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  await Promise.all(
    ctx.config.images.map(async (image) => {
      out[image.key] = (await computeContentKey(ctx.workdir, image)).tag;
    }),
  );
  return out;
}
