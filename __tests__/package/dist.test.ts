/**
 * dist/ is what the runner downloads and loads on every run: under 5 MB, and only
 * files a code path loads (the chunks, the two step entries, the ssh2 stand-in) plus
 * the licenses.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const dist = join(__dirname, '../../dist');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [relative(dist, path)];
  });
}

describe('dist/', () => {
  const all = files(dist);

  it('is under 5 MB', () => {
    const bytes = all.reduce((sum, file) => sum + statSync(join(dist, file)).size, 0);
    expect(bytes).toBeLessThan(5 * 1024 * 1024);
  });

  it('holds only the step entries, their chunks, the ssh2 stand-in and the licenses', () => {
    const unexpected = all.filter(
      (file) => !/^(post\/)?index\.js$|^\d+\.index\.js$|^licenses\.txt$|^ssh2-unsupported\.js$/.test(file),
    );
    expect(unexpected).toEqual([]);
    expect(all.filter((file) => /\.(exe|proto|node)$/.test(file))).toEqual([]);
  });

  it('has every chunk the bundle names, and no chunk it does not name', () => {
    const code = all.filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(dist, f), 'utf8'));
    const chunks = all.filter((f) => /^\d+\.index\.js$/.test(f)).map((f) => Number.parseInt(f, 10));
    const named = new Set<number>();
    for (const text of code) for (const m of text.matchAll(/\.e\((\d+)\)/g)) named.add(Number(m[1]));
    expect([...named].sort()).toEqual([...chunks].sort());
  });

  it('ships no Docker-over-SSH code: ssh2 and its parts are neither bundled nor licensed', () => {
    for (const file of all) {
      const text = readFileSync(join(dist, file), 'utf8');
      // The one mention: the bundle require()s the stand-in where docker-modem wants ssh2.
      const mentions =
        file === 'ssh2-unsupported.js' ? '' : text.replaceAll('require("./ssh2-unsupported.js")', '');
      for (const part of ['ssh2', 'cpu-features', 'bcrypt-pbkdf', 'asn1'])
        expect(mentions, `${file}: ${part}`).not.toContain(part);
    }
  });

  it('says Docker over SSH is not supported when asked to dial ssh://, and not before', () => {
    const stub = createRequire(__filename)(join(dist, 'ssh2-unsupported.js')) as {
      Client: new () => unknown;
    };
    expect(() => new stub.Client()).toThrow(
      /^Docker over SSH is not supported .*unix:\/\/ socket or a tcp:\/\/ address$/,
    );
  });
});
