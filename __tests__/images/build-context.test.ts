import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterEach, describe, expect, it } from 'vitest';
import { contextTar, prepareContext, RESERVED_DOCKERFILE } from '../../src/images/build-context';

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

  it('a file that shrank after the listing fails the stream; one that grew is cut at the listed size', async () => {
    const dir = tree({ 'app/Dockerfile': 'FROM x\n', 'app/a.txt': 'abcdef' });
    const prepared = await prepareContext(dir, 'web', 'app', 'app/Dockerfile');
    writeFileSync(join(dir, 'app', 'a.txt'), 'abcdefghij');
    const grown = await buffer(contextTar(prepared));
    expect(grown.includes('abcdef')).toBe(true);
    expect(grown.includes('abcdefg')).toBe(false);
    writeFileSync(join(dir, 'app', 'a.txt'), 'abc');
    await expect(buffer(contextTar(prepared))).rejects.toThrow(
      /a\.txt changed size while the build context was being sent/,
    );
  });

  it('PAX record lengths count their own digits', async () => {
    // A non-ASCII name needs a PAX path record; " path=" + 91 bytes + "\n" is 98, so the length has 3 digits: 101.
    const name = `é${'x'.repeat(89)}`;
    const dir = tree({ 'app/Dockerfile': 'FROM x\n', [`app/${name}`]: 'n' });
    const tar = await buffer(contextTar(await prepareContext(dir, 'web', 'app', 'app/Dockerfile')));
    const rec = paxRecords(tar)[0] ?? '';
    expect(rec).toBe(`101 path=${name}\n`);
    expect(Buffer.byteLength(rec)).toBe(Number(rec.split(' ')[0]));
    expect(await listTar(dir, 'app', 'app/Dockerfile')).toContain(name);
  });

  it('a file of 8 GiB or more keeps its size (a PAX size record; ustar holds 11 octal digits)', async () => {
    const dir = tree({ 'app/Dockerfile': 'FROM x\n' });
    const size = 8 * 2 ** 30;
    writeFileSync(join(dir, 'app', 'big'), '');
    truncateSync(join(dir, 'app', 'big'), size); // sparse: no disk used
    const prepared = await prepareContext(dir, 'web', 'app', 'app/Dockerfile');
    const stream = contextTar({ ...prepared, entries: prepared.entries.filter((e) => e.rel === 'big') });
    let head = Buffer.alloc(0);
    for await (const chunk of stream) {
      head = Buffer.concat([head, chunk as Buffer]);
      if (head.length >= 3 * 512) break; // the headers only: the body is 8 GiB of zeros
    }
    expect(paxRecords(head)).toEqual(['12 path=big\n', `19 size=${size}\n`]);
  });
});

/** The records of the first PAX extended header (typeflag x) in a tar. */
function paxRecords(tar: Buffer): string[] {
  for (let at = 0; at + 512 <= tar.length; at += 512) {
    if (tar[at + 156] !== 'x'.charCodeAt(0)) continue;
    const size = Number.parseInt(tar.toString('ascii', at + 124, at + 135), 8);
    return tar.toString('utf8', at + 512, at + 512 + size).match(/[^\n]*\n/g) ?? [];
  }
  return [];
}
