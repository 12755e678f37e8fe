/** A throw-away git repository holding a copy of examples/app, for content-key and release tests. */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageConfig } from '../../src/config/types';

export interface AppRepo {
  dir: string;
  git(...args: string[]): string;
  /** Writes files (path relative to the repo) and commits them; returns the commit SHA. */
  commit(files: Record<string, string>, message: string): string;
  head(): string;
  images(): ImageConfig[];
  remove(): void;
}

export function appRepo(source = join(__dirname, '..', '..', 'examples', 'app')): AppRepo {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-release-images-'));
  cpSync(source, dir, { recursive: true });
  const git = (...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], {
      cwd: dir,
      encoding: 'utf8',
    }).trim();
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'app');
  return {
    dir,
    git,
    commit(files, message) {
      for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
      git('add', '-A');
      git('commit', '-q', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    head: () => git('rev-parse', 'HEAD'),
    images: () =>
      ['frontend', 'backend'].map((key) => ({
        key,
        repository: `demo/${key}`,
        context: key,
        dockerfile: `${key}/Dockerfile`,
        buildArgs: {},
        platform: 'linux/amd64',
      })),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
