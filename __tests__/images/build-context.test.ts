import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterEach, describe, expect, it } from 'vitest';
import { contextTar, prepareContext, RESERVED_DOCKERFILE } from '../../src/images/build-context';
import { paxRecord } from '../../src/images/tar';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ctx-'));
  dirs.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** What GNU tar reads back from our stream: the proof the archive is well formed. */
async function listTar(dir: string, context: string, dockerfile: string): Promise<string[]> {
  const prepared = await prepareContext(dir, 'web', context, dockerfile);
  const file = join(dir, '..', `${dir.split('/').pop()}.tar`);
  writeFileSync(file, await buffer(contextTar(prepared)));
  dirs.push(file);
  return execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).trim().split('\n').sort();
}

describe('build context', () => {
  it('respects .dockerignore, including exceptions inside an ignored directory', async () => {
    const dir = tree({
      'app/Dockerfile': 'FROM x\n',
      'app/.dockerignore': 'node_modules\n*.log\nbuild/\n!build/keep.txt\n',
      'app/src/index.js': '1',
      'app/debug.log': 'x',
      'app/node_modules/a/index.js': 'x',
      'app/build/keep.txt': 'k',
      'app/build/drop.txt': 'd',
    });
    expect(await listTar(dir, 'app', 'app/Dockerfile')).toEqual([
      '.dockerignore',
      'Dockerfile',
      'build/',
      'build/keep.txt',
      'src/',
      'src/index.js',
    ]);
  });

  it('packs a Dockerfile from outside the context (or an ignored one) under a reserved name', async () => {
    const dir = tree({ 'docker/web.Dockerfile': 'FROM x\n', 'app/index.js': '1' });
    const prepared = await prepareContext(dir, 'web', 'app', 'docker/web.Dockerfile');
    expect(prepared.dockerfileInTar).toBe(RESERVED_DOCKERFILE);
    expect(await listTar(dir, 'app', 'docker/web.Dockerfile')).toEqual([RESERVED_DOCKERFILE, 'index.js']);
    const ignored = tree({ 'app/Dockerfile': 'FROM x\n', 'app/.dockerignore': 'Dockerfile\n' });
    expect((await prepareContext(ignored, 'web', 'app', 'app/Dockerfile')).dockerfileInTar).toBe(
      RESERVED_DOCKERFILE,
    );
  });

  it('long paths and symlinks survive the round trip', async () => {
    const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/file.txt`;
    const dir = tree({ 'app/Dockerfile': 'FROM x\n', [`app/${long}`]: 'deep' });
    symlinkSync('Dockerfile', join(dir, 'app', 'link'));
    const listed = await listTar(dir, 'app', 'app/Dockerfile');
    expect(listed).toContain(long);
    expect(listed).toContain('link');
  });

  it('PAX record lengths count their own digits', () => {
    const rec = paxRecord('path', 'x'.repeat(95));
    expect(Buffer.byteLength(rec)).toBe(Number(rec.split(' ')[0]));
  });
});
