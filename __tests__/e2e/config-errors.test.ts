import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const BUNDLE = resolve('dist/index.js');

describe('node dist/index.js with a broken configuration', () => {
  it('exits non-zero, prints every problem naming its key, and is quick about it', () => {
    const workspace = mkdtempSync(join(tmpdir(), 'ecs-release-e2e-'));
    mkdirSync(join(workspace, '.github'));
    writeFileSync(
      join(workspace, '.github/ecs-release.yml'),
      'region: eu-west-1\nimages:\n  backend: { repository: acme/backend }\nservics: []\ngate: { bake-time: 5 minutes }\n',
    );
    const env = {
      PATH: process.env.PATH ?? '',
      GITHUB_WORKSPACE: workspace,
      GITHUB_SHA: 'f'.repeat(40),
      INPUT_COMMAND: 'plan',
      'INPUT_BACKEND-SERVICE': 'acme-api',
      'INPUT_BACKEND-BUILD-ARGS': 'GOOD=1\nmalformed line',
    };
    const runs = Array.from({ length: 3 }, () => {
      const started = performance.now();
      const child = spawnSync(process.execPath, [BUNDLE], { env, cwd: workspace, encoding: 'utf8' });
      return { child, ms: performance.now() - started };
    });
    const { child } = runs[0] ?? { child: undefined };
    expect(child?.status).toBe(1);
    const out = child?.stdout ?? '';
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
    const fastest = Math.min(...runs.map((r) => r.ms));
    expect(fastest).toBeLessThan(300);
  });
});
