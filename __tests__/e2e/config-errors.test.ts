/**
 * A broken configuration: the bundle exits non-zero and names every problem. How long the
 * refusal takes is a bench figure (`npm run bench -- --only refusal`), not asserted here: a
 * loaded machine must not turn a test red.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { brokenConfigRun } from './fixtures/broken-config';

const BUNDLE = resolve('dist/index.js');

describe('node dist/index.js with a broken configuration', () => {
  it('exits non-zero and prints every problem naming its key', () => {
    const { workspace, env } = brokenConfigRun();
    const child = spawnSync(process.execPath, [BUNDLE], { env, cwd: workspace, encoding: 'utf8' });
    rmSync(workspace, { recursive: true, force: true });
    expect(child.status).toBe(1);
    const out = child.stdout;
    expect(out).toContain(
      '::error file=.github/ecs-release.yml,line=4::.github/ecs-release.yml: servics: unknown key (did you mean "services"?)',
    );
    expect(out).toContain(
      '::error file=.github/ecs-release.yml,line=5::.github/ecs-release.yml: gate.bake-time: expected a duration like 90s, 15m or 1h',
    );
    expect(out).toContain('::error::input "cluster": required');
    expect(out).toContain('::error::input "backend-build-args": line 2 "malformed line" is not KEY=VALUE');
    expect(out).toContain(
      '::error::The configuration has 4 problems (listed above); nothing was changed in AWS.',
    );
  });
});
