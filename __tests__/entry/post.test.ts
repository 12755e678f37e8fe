/** The post step whole, with a fake runtime over the lab: what it logs and writes to the summary. */
import { describe, expect, it } from 'vitest';
import { type PostRuntime, post } from '../../src/post/post';
import type { Progress } from '../../src/post/progress';
import { CLUSTER, scenario } from '../rollout/scenario';

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
});
