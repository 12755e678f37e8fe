import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  computeContentKey,
  contentKey,
  contentTag,
  parseGitStatus,
  sourceOf,
} from '../../src/images/content-key';
import { type AppRepo, appRepo } from './git-fixture';

const base = {
  source: 'git-tree:abc',
  dockerfile: 'FROM x\n',
  buildArgs: { A: '1', B: '2' },
  platform: 'linux/amd64',
};

describe('contentKey', () => {
  it('is 40 hex digits, and the tag fits ECR limits', () => {
    const key = contentKey(base);
    expect(key).toMatch(/^[0-9a-f]{40}$/);
    expect(contentTag(key)).toMatch(/^content-[0-9a-f]{40}$/);
    expect(contentTag(key).length).toBeLessThanOrEqual(128);
  });

  it('does not depend on build-arg order', () => {
    expect(contentKey({ ...base, buildArgs: { B: '2', A: '1' } })).toBe(contentKey(base));
  });

  it('changes with every build input', () => {
    const keys = new Set([
      contentKey(base),
      contentKey({ ...base, source: 'git-tree:abd' }),
      contentKey({ ...base, dockerfile: 'FROM y\n' }),
      contentKey({ ...base, buildArgs: { A: '1', B: '3' } }),
      contentKey({ ...base, buildArgs: { A: '1' } }),
      contentKey({ ...base, target: 'runtime' }),
      contentKey({ ...base, platform: 'linux/arm64' }),
    ]);
    expect(keys.size).toBe(7);
  });
});

describe('parseGitStatus', () => {
  it('reads -z records, skipping the second path of a rename', () => {
    const out = ' M a/b.txt\0R  new.txt\0old.txt\0?? c/\0!! node_modules/\0';
    expect(parseGitStatus(out)).toEqual([
      { code: ' M', path: 'a/b.txt' },
      { code: 'R ', path: 'new.txt' },
      { code: '??', path: 'c/' },
      { code: '!!', path: 'node_modules/' },
    ]);
  });
});

describe('sources of a context', () => {
  let repo: AppRepo | undefined;
  const dirs: string[] = [];
  afterEach(() => {
    repo?.remove();
    repo = undefined;
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('a committed context is its git tree; another context changing leaves it alone', async () => {
    repo = appRepo();
    const tree = repo.git('rev-parse', 'HEAD:frontend');
    expect(await sourceOf(repo.dir, join(repo.dir, 'frontend'))).toEqual({ source: `git-tree:${tree}` });
    const [front] = repo.images();
    if (!front) throw new Error('no frontend');
    const before = await computeContentKey(repo.dir, front);
    repo.commit({ 'backend/server.mjs': '// changed\n' }, 'backend');
    expect(await computeContentKey(repo.dir, front)).toEqual(before);
  });

  it('an uncommitted change hashes the files instead, and says why', async () => {
    repo = appRepo();
    writeFileSync(join(repo.dir, 'frontend', 'server.mjs'), '// edited\n');
    const src = await sourceOf(repo.dir, join(repo.dir, 'frontend'));
    expect(src.source).toMatch(/^files:[0-9a-f]{64}$/);
    expect(src.reason).toContain('frontend/server.mjs');
  });

  it('files that .dockerignore excludes do not make the context dirty', async () => {
    repo = appRepo();
    // examples/app/frontend/.dockerignore lists *.log and out/
    writeFileSync(join(repo.dir, 'frontend', 'debug.log'), 'noise\n');
    mkdirSync(join(repo.dir, 'frontend', 'out'));
    writeFileSync(join(repo.dir, 'frontend', 'out', 'bundle.js'), '1\n');
    expect((await sourceOf(repo.dir, join(repo.dir, 'frontend'))).source).toMatch(/^git-tree:/);
  });

  it('without git, identical files give identical keys and a changed file a new one', async () => {
    const a = mkdtempSync(join(tmpdir(), 'ctx-'));
    const b = mkdtempSync(join(tmpdir(), 'ctx-'));
    dirs.push(a, b);
    for (const d of [a, b]) {
      mkdirSync(join(d, 'src'));
      writeFileSync(join(d, 'Dockerfile'), 'FROM x\nCOPY . .\n');
      writeFileSync(join(d, 'src', 'app.js'), 'console.log(1)\n');
    }
    const image = {
      key: 'api',
      repository: 'r',
      context: '.',
      dockerfile: 'Dockerfile',
      buildArgs: {},
      platform: 'linux/amd64',
    };
    const ka = await computeContentKey(a, image);
    expect(ka.source.source).toMatch(/^files:/);
    expect(ka.source.reason).toContain('no usable git tree');
    expect((await computeContentKey(b, image)).key).toBe(ka.key);
    writeFileSync(join(b, 'src', 'app.js'), 'console.log(2)\n');
    expect((await computeContentKey(b, image)).key).not.toBe(ka.key);
  });

  it('a missing context or Dockerfile names the path', async () => {
    const d = mkdtempSync(join(tmpdir(), 'ctx-'));
    dirs.push(d);
    const image = {
      key: 'api',
      repository: 'r',
      context: 'api',
      dockerfile: 'api/Dockerfile',
      buildArgs: {},
      platform: 'linux/amd64',
    };
    await expect(computeContentKey(d, image)).rejects.toThrow(
      `image "api": the build context ${join(d, 'api')} is not a directory`,
    );
    mkdirSync(join(d, 'api'));
    await expect(computeContentKey(d, image)).rejects.toThrow(
      `the Dockerfile ${join(d, 'api', 'Dockerfile')} does not exist`,
    );
  });
});
