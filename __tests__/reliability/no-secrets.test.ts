/**
 * docs/targets.md: no secret (ECR password, DB password, GitHub token) in any log line
 * (debug included), the report the outputs are made from, the job summary, or the
 * error — for a release that builds and deploys, and for one that fails and rolls back.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../lab/scenarios/demo';
import type { ReleaseConfig } from '../../src/config/types';
import { renderSummary } from '../../src/report/summary';
import { MemoryLogger } from '../../src/runtime/log';
import { needsLab } from '../support/world';
import { changedImage, demoWorld, deploy, type Run, releaseConfig } from './harness';

const config = releaseConfig('rs');
const GITHUB_TOKEN = `ghs_${randomBytes(18).toString('hex')}`;

/** A config whose backend content key is new (so it is built: ECR login) and that carries a token. */
function buildingConfig(): ReleaseConfig {
  const base = config();
  const commit = randomBytes(20).toString('hex');
  return config({
    release: commit,
    commit,
    githubToken: GITHUB_TOKEN,
    images: base.images.map((i) =>
      i.key === 'backend' ? changedImage(i, randomBytes(6).toString('hex')) : i,
    ),
  });
}

function leaks(run: Run, log: MemoryLogger, secrets: string[]): string[] {
  const places = {
    log: log.text({ debug: true }),
    report: JSON.stringify(run.report),
    summary: renderSummary(run.report),
    error: run.error ?? '',
  };
  return Object.entries(places).flatMap(([where, text]) =>
    secrets
      .filter((s) => text.includes(s))
      .map((s) => `${where} contains a secret of ${s.length} characters`),
  );
}

describe('no secret in logs, report, summary or error', () => {
  const secrets: string[] = [GITHUB_TOKEN];
  beforeAll(async () => {
    needsLab();
    const { world } = demoWorld();
    const pg = world.labEnv?.postgres.password;
    secrets.push(world.labEnv?.registryPassword ?? '', ...(pg ? [pg] : []));
    expect(secrets.every((s) => s.length >= 8)).toBe(true);
    const first = await deploy(world, config());
    expect(first.report.result, first.error).toBe('deployed');
  }, 240_000);

  it('a release that builds (ECR login) and deploys', async () => {
    const { world } = demoWorld();
    const log = new MemoryLogger();
    const run = await deploy(world, buildingConfig(), log);
    expect(run.report.result, run.error).toBe('deployed');
    expect(run.report.images.backend?.built).toBe(true);
    // The ECR password was handed to the runner's masking, and appears nowhere.
    expect(world.masked).toContain(world.labEnv?.registryPassword);
    expect(leaks(run, log, secrets)).toEqual([]);
    // The check itself finds a secret written to debug.
    log.debug(`password=${world.labEnv?.registryPassword ?? ''}`);
    expect(leaks(run, log, secrets)).toHaveLength(1);
  });

  it('a release that fails and rolls back', async () => {
    const { world } = demoWorld();
    world.lab.ecs.behave(
      { family: DEMO.web.family, revision: 2 },
      { outcome: 'unhealthy', httpCodes: [503] },
    );
    const log = new MemoryLogger();
    const run = await deploy(world, buildingConfig(), log);
    expect(run.report.result).toBe('rolled-back');
    expect(leaks(run, log, secrets)).toEqual([]);
  });
});
