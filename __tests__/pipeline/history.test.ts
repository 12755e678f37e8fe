/**
 * `command: history` through main's run() against the lab's simulated ECS: a history of
 * succeeded, rolled-back and failed releases (and another environment's), read back
 * from the record tags. Asserts what a user sees: the log lines in order, the
 * summary's table, the outputs and exit code, and that nothing in AWS changed.
 */
import { readFileSync } from 'node:fs';
import { TagResourceCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/commands/run';
import type { ReleaseConfig } from '../../src/config/types';
import type { HistoryEntry } from '../../src/model/report';
import { TAGS } from '../../src/record/release-record';
import { COMMITS, registerRelease, seedReleases, tdArn } from '../record/seed';
import { testConfig } from '../support/config';
import { fakeRuntime } from '../support/runtime';
import { createWorld, type World } from '../support/world';

const RUN_R4 = 'https://github.com/acme/demo/actions/runs/4';
const RUN_R5 = 'https://github.com/acme/demo/actions/runs/5';
const COMMIT_R5 = 'f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6';

async function tag(world: World, arn: string, key: string, value: string) {
  await world.aws.ecs.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key, value }] }));
}

/** seedReleases (baseline, r1, r2, r3 rolled back, staging s1, r4 running) plus r5, which failed after it. */
async function seeded(): Promise<World> {
  const world = createWorld({ real: false });
  await seedReleases(world);
  await tag(world, tdArn('demo-api', 5), TAGS.run, RUN_R4);
  const r5 = await registerRelease(world, 'r5', COMMIT_R5, ['demo-api', 'demo-web']);
  for (const arn of Object.values(r5)) {
    await tag(world, arn, TAGS.outcome, 'failed');
    await tag(world, arn, TAGS.run, RUN_R5);
  }
  world.lab.recorder.clear();
  return world;
}

async function history(world: World, overrides: Partial<ReleaseConfig> = {}) {
  const rt = fakeRuntime(world);
  const outcome = await run(rt, testConfig({ command: 'history', ...overrides }));
  return { rt, outcome, report: outcome.report };
}

const infoLines = (world: World) => world.log.lines.filter((l) => l.level === 'info').map((l) => l.message);

describe('history (lab: simulated ECS)', () => {
  it('prints one line per release of the environment, newest first, the running one marked', async () => {
    const world = await seeded();
    const { outcome, rt } = await history(world);
    expect(outcome.exitCode, outcome.error).toBe(0);
    const lines = infoLines(world);
    const start = lines.findIndex((l) => l.startsWith('history: '));
    expect(lines.slice(start, start + 7)).toEqual([
      'history: 6 releases of environment production, newest first (* = running now):',
      `- r5  commit f6f6f6f6f6f6  failed  2026-11-27 13:00 UTC  demo-api demo-api:6, demo-web demo-web:5  run ${RUN_R5}`,
      `* r4  commit a1a1a1a9a9a9  succeeded  2026-11-27 12:50 UTC  demo-api demo-api:5, demo-web demo-web:3 (kept from r2)  run ${RUN_R4}  (running now)`,
      '- r3  commit c3c3c3c3c3c3  rolled-back  2026-11-27 12:30 UTC  demo-api demo-api:3, demo-web demo-web:4',
      '- r2  commit b2b2b2b2b2b2  succeeded  2026-11-27 12:20 UTC  demo-api demo-api:2 (kept from r1), demo-web demo-web:3',
      '- r1  commit a1a1a1a0a0a0  succeeded  2026-11-27 12:10 UTC  demo-api demo-api:2, demo-web demo-web:2',
      '- baseline  succeeded  2026-11-27 12:00 UTC  demo-api demo-api:1, demo-web demo-web:1',
    ]);
    // The staging release on demo-api:4 belongs to another environment.
    expect(lines.join('\n')).not.toContain('s1');
    expect(rt.outputs).toMatchObject({ result: 'listed', release: 'r4' });
  });

  it('staging lists only its own release', async () => {
    const world = await seeded();
    const { outcome } = await history(world, { environment: 'staging' });
    expect(outcome.exitCode).toBe(0);
    expect(outcome.report?.history?.map((h) => `${h.release}:${h.outcome}:${h.running}`)).toEqual([
      's1:succeeded:false',
    ]);
  });

  it('writes the table to the job summary', async () => {
    const world = await seeded();
    const { rt } = await history(world);
    const summary = rt.summaries.join('\n');
    expect(summary).toContain('## ecs-release history: :scroll: listed (nothing changed)');
    expect(summary).toContain('- **Running now**: `r4`');
    expect(summary).not.toContain('**Release**');
    const table = summary.split('\n');
    const header = table.indexOf('| now | release | commit | outcome | when | services | run |');
    expect(header).toBeGreaterThan(0);
    const end = table.indexOf('', header);
    const rows = table.slice(header + 2, end);
    expect(rows.map((r) => r.split(' | ').slice(0, 4))).toEqual([
      ['| ', '`r5`', '`f6f6f6f6f6f6`', 'failed'],
      ['| :arrow_forward:', '`r4`', '`a1a1a1a9a9a9`', 'succeeded'],
      ['| ', '`r3`', '`c3c3c3c3c3c3`', 'rolled-back'],
      ['| ', '`r2`', '`b2b2b2b2b2b2`', 'succeeded'],
      ['| ', '`r1`', '`a1a1a1a0a0a0`', 'succeeded'],
      ['| ', '`baseline`', '—', 'succeeded'],
    ]);
    const r4 = rows[1] ?? '';
    expect(r4).toContain('| 2026-11-27 12:50 UTC |');
    expect(r4).toMatch(
      /demo-api: \[demo-api:5\]\(https:\/\/eu-west-1\.console\.aws\.amazon\.com\/ecs\/v2\/task-definitions\/demo-api\/5\/containers\?region=eu-west-1\)<br>demo-web: \[demo-web:3\]\([^)]+\) \(kept from `r2`\)/,
    );
    expect(r4).toMatch(/\| \[run\]\(https:\/\/github\.com\/acme\/demo\/actions\/runs\/4\) \|$/);
    expect(rows[2]).toMatch(/\| — \|$/);
  });

  it('the report carries the list --json prints', async () => {
    const world = await seeded();
    const { report } = await history(world);
    const [r5, r4] = report?.history ?? [];
    expect(r5).toEqual<HistoryEntry>({
      release: 'r5',
      commit: COMMIT_R5,
      outcome: 'failed',
      registeredAt: '2026-11-27T13:00:09.000Z',
      runUrl: RUN_R5,
      running: false,
      services: [
        { service: 'demo-api', taskDefinition: tdArn('demo-api', 6), fromRelease: 'r5' },
        { service: 'demo-web', taskDefinition: tdArn('demo-web', 5), fromRelease: 'r5' },
      ],
    });
    expect(r4).toMatchObject({
      release: 'r4',
      commit: COMMITS.r4,
      running: true,
      services: [
        { service: 'demo-api', taskDefinition: tdArn('demo-api', 5), fromRelease: 'r4' },
        { service: 'demo-web', taskDefinition: tdArn('demo-web', 3), fromRelease: 'r2' },
      ],
    });
  });

  it('is read-only: no claim, no tag, only the ECS reads of the ReadEcs statement in docs/iam.md', async () => {
    const world = await seeded();
    const { outcome, rt } = await history(world);
    expect(outcome.exitCode).toBe(0);
    expect(world.lab.recorder.mutations()).toEqual([]);
    const policy = /```json\n([\s\S]*?)\n```/.exec(readFileSync('docs/iam.md', 'utf8'))?.[1] ?? '{}';
    const statements = (JSON.parse(policy) as { Statement: { Sid: string; Action: string[] }[] }).Statement;
    const readEcs = statements.find((s) => s.Sid === 'ReadEcs')?.Action ?? [];
    const called = [...new Set(world.lab.recorder.calls().map((c) => `${c.service}:${c.operation}`))].sort();
    expect(called).toEqual([
      'ecs:DescribeServices',
      'ecs:DescribeTaskDefinition',
      'ecs:ListTaskDefinitions',
      'sts:GetCallerIdentity',
    ]);
    // sts:GetCallerIdentity needs no permission (docs/iam.md says so).
    for (const action of called.filter((a) => !a.startsWith('sts:'))) expect(readEcs).toContain(action);
    // Nothing for the post step to check.
    expect(rt.state).toEqual({});
  });

  it('a service that is not in the cluster: exit 1, the error names it, nothing listed', async () => {
    const world = await seeded();
    const base = testConfig();
    const { outcome, rt } = await history(world, {
      services: [...base.services, { service: 'demo-worker', containers: [{ image: 'backend' }], wave: 1 }],
    });
    expect(outcome.exitCode).toBe(1);
    expect(outcome.error).toContain('history: service demo-worker not found in cluster demo (eu-west-1)');
    expect(rt.outputs.result).toBe('failed');
    expect(outcome.report?.history).toBeUndefined();
  });

  it('an environment pinned to another account: exit 1, nothing listed, no ECS read', async () => {
    const world = await seeded();
    const { outcome } = await history(world, { accountId: '444455556666' });
    expect(outcome.exitCode).toBe(1);
    expect(outcome.error).toMatch(
      /^history: account: the credentials belong to account 111122223333 .*pins account-id 444455556666/,
    );
    expect(world.lab.recorder.calls('ecs')).toEqual([]);
  });

  it('an environment with no release yet: an empty list, exit 0', async () => {
    const world = createWorld({ real: false });
    await seedReleases(world);
    const { outcome, rt } = await history(world, { environment: 'qa' });
    expect(outcome.exitCode).toBe(0);
    expect(outcome.report?.history).toEqual([]);
    expect(infoLines(world)).toContain(
      "history: no release of environment qa in the task definitions' ecs-release tags (nothing deployed by ecs-release yet)",
    );
    expect(rt.summaries.join('\n')).toContain(
      "No release of environment qa in the task definitions' ecs-release tags.",
    );
  });

  it('lists while a release is in flight (where preflight would refuse): it runs now, with no outcome yet', async () => {
    const world = createWorld({ real: false });
    await seedReleases(world);
    const r5 = await registerRelease(world, 'r5', COMMIT_R5, ['demo-api']);
    await world.aws.ecs.send(
      new UpdateServiceCommand({ cluster: 'demo', service: 'demo-api', taskDefinition: r5['demo-api'] }),
    );
    world.lab.recorder.clear();
    const { outcome } = await history(world);
    expect(outcome.exitCode, outcome.error).toBe(0);
    expect(infoLines(world)).toContain(
      '* r5  commit f6f6f6f6f6f6  no outcome  2026-11-27 13:00 UTC  demo-api demo-api:6, demo-web demo-web:3 (kept from r2)  (running now)',
    );
    expect(outcome.report?.history?.[0]).toMatchObject({ release: 'r5', outcome: null, running: true });
    expect(world.lab.recorder.mutations()).toEqual([]);
  });

  it('tag values are text in the summary: no link, emphasis or cell break from a release id or run URL', async () => {
    const world = createWorld({ real: false });
    await seedReleases(world);
    const evil = await registerRelease(world, 'x|y', '**bold**', ['demo-api']);
    await tag(world, evil['demo-api'] ?? '', TAGS.run, 'javascript:alert(1)//](https://evil.example)');
    const { rt } = await history(world);
    const row =
      rt.summaries
        .join('\n')
        .split('\n')
        .find((l) => l.includes('x\\|y')) ?? '';
    expect(row).toContain('| `x\\|y` | `**bold**` | no outcome |');
    expect(row).toContain('| `javascript:alert(1)//](https://evil.example)` |');
    expect(row).not.toContain('](javascript');
    // Seven cells: the escaped | does not split one.
    expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(9);
  });
});
