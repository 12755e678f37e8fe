/**
 * SPEC 5 memory: the bundle's entry caps V8's young generation at 8 MB
 * (src/runtime/young-generation.ts). The flag is set at run time, which V8 honours for
 * some flags only: this checks, in a fresh process, that it does stop the growth, and
 * that without it the same allocations do grow it (so the check can fail).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { YOUNG_GENERATION_CAP } from '../../src/runtime/young-generation';

const FIXTURE = join(__dirname, 'fixtures', 'young-generation.ts');

async function youngGeneration(mode: 'hold' | 'default'): Promise<{ before: number; after: number }> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', FIXTURE, mode], {
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { before: number; after: number };
}

it('streaming-like allocation grows the young generation past 8 MB unless the entry caps it', async () => {
  const [held, grown] = await Promise.all([youngGeneration('hold'), youngGeneration('default')]);
  // Under tsx the process starts with more than V8's 1 MB: the cap is still above it.
  expect(held.before).toBeLessThan(YOUNG_GENERATION_CAP);
  expect(grown.before).toBe(held.before);
  expect(held.after).toBe(YOUNG_GENERATION_CAP);
  expect(grown.after).toBeGreaterThanOrEqual(2 * YOUNG_GENERATION_CAP);
});

it('the bundle entry holds it before it loads either step', () => {
  const entry = readFileSync(join(__dirname, '../../scripts/bundle-entry.ts'), 'utf8');
  const held = entry.indexOf('holdYoungGeneration();');
  expect(held).toBeGreaterThan(0);
  expect(held).toBeLessThan(entry.indexOf("import('../src/index')"));
  expect(held).toBeLessThan(entry.indexOf("import('../src/post')"));
});
