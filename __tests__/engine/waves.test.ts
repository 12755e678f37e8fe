import { DescribeServicesCommand, DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { fargateTaskDefinition } from '../../lab/scenarios/task-definition';
import { rollOut } from '../../src/engine';
import { watchDeployments } from '../../src/engine/rolling/watch';
import { runPreflight } from '../../src/preflight';
import { TAGS } from '../../src/record/release-record';
import { renderRelease, rolloutTargets } from '../../src/render';
import { CLUSTER, NEW, OLD, type Scenario, scenario } from './rolling/scenario';

const READS = /^(Describe|List|Get|BatchGet)/;

async function deploy(s: Scenario, onUpdate?: (service: string, id: string) => void) {
  const ctx = s.context(s.config);
  const preflight = await runPreflight(ctx);
  const render = await renderRelease(ctx, preflight, s.images());
  const result = await rollOut(ctx, rolloutTargets(render), onUpdate ? { onUpdate } : {});
  return { ctx, preflight, render, result };
}

function updates(s: Scenario) {
  return s.lab.recorder.calls('ecs', 'UpdateService').filter((c) => !c.error);
}

async function running(s: Scenario, service: string) {
  const out = await s.aws.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [service] }));
  return out.services?.[0];
}

describe('rollOut', () => {
  it('rolls three services in two waves, in order, to revisions that keep every tag and carry the record', async () => {
    const s = scenario();
    const { result, render } = await deploy(s);

    expect(result.ok).toBe(true);
    expect(result.services.map((r) => [r.service, r.state])).toEqual([
      ['demo-api', 'completed'],
      ['demo-worker', 'completed'],
      ['demo-web', 'completed'],
    ]);
    // Wave 1's two updates at the same instant; wave 2 only after both wave 1 deployments completed.
    const calls = updates(s);
    expect(calls.map((c) => c.input.service)).toEqual(['demo-api', 'demo-worker', 'demo-web']);
    expect(calls[0]?.at).toBe(calls[1]?.at);
    const completedAt = (name: string, id: string | undefined) =>
      s.service(name).history.find((d) => d.id === id)?.updatedAt ?? Number.POSITIVE_INFINITY;
    const waveOneDone = Math.max(
      completedAt('demo-api', result.services[0]?.deploymentId),
      completedAt('demo-worker', result.services[1]?.deploymentId),
    );
    expect(calls[2]?.at ?? 0).toBeGreaterThanOrEqual(waveOneDone);
    // UpdateService sends only the cluster, the service and the task definition.
    for (const c of calls)
      expect(Object.keys(c.input).sort()).toEqual(['cluster', 'service', 'taskDefinition']);

    for (const r of render.services) {
      const svc = await running(s, r.live.config.service);
      expect(svc?.taskDefinition).toBe(r.targetArn);
      expect(svc?.deployments).toHaveLength(1);
      expect(svc?.deployments?.[0]?.rolloutState).toBe('COMPLETED');
      const td = await s.aws.ecs.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: r.targetArn, include: ['TAGS'] }),
      );
      expect(td.tags).toEqual(
        expect.arrayContaining([
          { key: 'team', value: 'payments' },
          { key: 'cost-center', value: 'cc-42' },
          { key: TAGS.release, value: s.config.release },
          { key: TAGS.commit, value: s.config.commit },
          { key: TAGS.environment, value: 'production' },
        ]),
      );
      expect(td.tags?.some((t) => t.key === TAGS.outcome)).toBe(false);
      const image = td.taskDefinition?.containerDefinitions?.[0]?.image;
      expect(image).toBe(
        r.live.config.service === 'demo-web'
          ? `${s.uri.frontend}@${NEW.frontend}`
          : `${s.uri.backend}@${NEW.backend}`,
      );
    }
    // One registration per distinct new revision: api and worker are separate families.
    expect(s.lab.recorder.calls('ecs', 'RegisterTaskDefinition')).toHaveLength(3);

    const text = s.log.text();
    expect(text).toMatch(/demo-api: IN_PROGRESS, desired 2, running \d, pending \d, failed 0/);
    expect(text).toContain('demo-api: deployment ecs-svc/');
    // Every service event printed exactly once.
    const eventLines = s.log.lines.map((l) => l.message).filter((m) => / event \d\d:\d\d:\d\d /.test(m));
    expect(eventLines.length).toBeGreaterThan(5);
    expect(new Set(eventLines).size).toBe(eventLines.length);
    expect(text).toContain('has reached a steady state.');
  });

  it('stays under one ECS read call per second while watching', async () => {
    const s = scenario();
    const { result } = await deploy(s);
    expect(result.ok).toBe(true);
    const all = s.lab.recorder.calls('ecs');
    const firstUpdate = all.findIndex((c) => c.operation === 'UpdateService');
    const first = all[firstUpdate]?.at ?? 0;
    const reads = all.slice(firstUpdate).filter((c) => READS.test(c.operation));
    const span = (s.clock.now() - first) / 1000;
    expect(reads.length / span).toBeLessThan(0.9);
    // …and in every 10-second window too, not only on average.
    for (let t = first; t < s.clock.now(); t += 1000) {
      expect(reads.filter((c) => c.at >= t && c.at < t + 10_000).length).toBeLessThanOrEqual(10);
    }
  });

  it('reports ECS circuit-breaker rollback with the stopped tasks’ reasons and does not fight it', async () => {
    const s = scenario();
    s.lab.ecs.behave(
      { family: 'demo-api', revision: 2 },
      {
        outcome: 'exit',
        exitCode: 3,
        after: 2000,
        logLines: ['starting api', 'FATAL: DATABASE_URL is not set'],
      },
    );
    const { result } = await deploy(s);

    expect(result.ok).toBe(false);
    const api = result.services.find((r) => r.service === 'demo-api');
    expect(api?.state).toBe('rolled-back-by-ecs');
    expect(api?.ecsRollbackDeploymentId).toMatch(/^ecs-svc\//);
    expect(api?.detail).toContain('demo-api');
    expect(api?.detail).toContain('EssentialContainerExited: Essential container in task exited');
    expect(api?.detail).toContain('container api: exit code 3');
    expect(api?.detail).toContain('FATAL: DATABASE_URL is not set');
    expect(result.services.find((r) => r.service === 'demo-web')?.state).toBe('not-started');
    // Only wave 1's two UpdateService calls: none to undo what ECS is already doing, none for wave 2.
    expect(updates(s).map((c) => c.input.service)).toEqual(['demo-api', 'demo-worker']);
    expect(s.log.text()).toContain('ecs-release leaves that rollback to ECS');
  });

  it('prints every service event once across the rollout and the later watch of ECS’s own rollback', async () => {
    // minimumHealthyPercent 0: ECS stops the old tasks at once, so its rollback starts new ones and
    // writes events of its own while the second watch follows it.
    const s = scenario({ deployment: { minimumHealthyPercent: 0 } });
    s.lab.ecs.behave({ family: 'demo-api', revision: 2 }, { outcome: 'exit', exitCode: 3, after: 2000 });
    const { ctx, result, render } = await deploy(s);
    const api = result.services.find((r) => r.service === 'demo-api');
    expect(api?.state).toBe('rolled-back-by-ecs');
    const events = () =>
      s.log.lines.map((l) => l.message).filter((m) => /^demo-api event \d\d:\d\d:\d\d /.test(m));
    const duringRollout = events();
    expect(duringRollout.length).toBeGreaterThan(0);

    // As the pipeline does after a failed rollout: watch ECS's rollback, with the events already printed.
    const previous = render.services.find((r) => r.live.config.service === 'demo-api')?.previousArn ?? '';
    const back = await watchDeployments(
      ctx,
      [
        {
          service: 'demo-api',
          deploymentId: api?.ecsRollbackDeploymentId ?? '',
          taskDefinitionArn: previous,
        },
      ],
      { failFast: false, ...(result.seenEvents && { seenEvents: result.seenEvents }) },
    );
    expect(back.map((r) => r.state)).toEqual(['completed']);
    const all = events();
    // The rollback's own events are printed (it ends in a steady state), none printed before is printed again.
    expect(all.length).toBeGreaterThan(duringRollout.length);
    expect(all.at(-1)).toContain('has reached a steady state');
    expect(new Set(all).size).toBe(all.length);
  });

  it('fails with the service named and the stopped tasks’ reasons when the circuit breaker has no rollback', async () => {
    const s = scenario({ breaker: { enable: true, rollback: false } });
    s.lab.ecs.behave(
      { family: 'demo-web', revision: 2 },
      {
        outcome: 'fail-to-start',
        reason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s): not found',
      },
    );
    const { result } = await deploy(s);

    const web = result.services.find((r) => r.service === 'demo-web');
    expect(web?.state).toBe('failed');
    expect(web?.detail).toMatch(/^demo-web: deployment ecs-svc\/\d+ FAILED: ECS deployment circuit breaker/);
    expect(web?.detail).toContain('TaskFailedToStart: CannotPullContainerError');
    expect(result.services.filter((r) => r.state === 'completed').map((r) => r.service)).toEqual([
      'demo-api',
      'demo-worker',
    ]);
    expect(updates(s)).toHaveLength(3);
  });

  it('shows the ALB target health reason codes of tasks failing health checks', async () => {
    const s = scenario({ breaker: { enable: true, rollback: false } });
    s.lab.ecs.behave({ family: 'demo-api', revision: 2 }, { outcome: 'unhealthy', httpCodes: [502] });
    const { result } = await deploy(s);
    const api = result.services.find((r) => r.service === 'demo-api');
    expect(api?.state).toBe('failed');
    expect(api?.detail).toContain('Task failed ELB health checks');
    expect(api?.detail).toMatch(
      /target 8080 unhealthy in demo-api-tg: reason Health checks failed with these codes: \[502\]/,
    );
  });

  it('reports a deployment of someone else replacing ours', async () => {
    const s = scenario();
    const other = s.lab.ecs.registerTaskDefinition(
      fargateTaskDefinition('demo-api', { name: 'api', image: `${s.uri.backend}@${OLD.backend}` }),
    );
    const { result } = await deploy(s, (service) => {
      if (service !== 'demo-api') return;
      void s.clock.sleep(5000).then(() => s.lab.ecs.externalUpdate('demo-api', other.arn, CLUSTER));
    });
    const api = result.services.find((r) => r.service === 'demo-api');
    expect(api?.state).toBe('replaced');
    expect(api?.detail).toContain('another deployment replaced ours');
    expect(api?.detail).toContain(`task definition demo-api:${other.revision}`);
    expect(result.services.find((r) => r.service === 'demo-web')?.state).toBe('not-started');
  });

  it('times out at wait-timeout and says where the deployment stood', async () => {
    const s = scenario({
      config: { gate: { alarms: [], bakeTimeMs: 60_000, autoRollback: true, waitTimeoutMs: 120_000 } },
    });
    s.lab.ecs.behave({ family: 'demo-worker', revision: 2 }, { outcome: 'hang' });
    const started = s.clock.now();
    const { result } = await deploy(s);
    const worker = result.services.find((r) => r.service === 'demo-worker');
    expect(worker?.state).toBe('timed-out');
    expect(worker?.detail).toContain('did not complete within wait-timeout 2m');
    expect(worker?.detail).toMatch(/last seen: demo-worker: IN_PROGRESS, desired 2, running 2/);
    expect(s.clock.now() - started).toBeLessThan(130_000);
  });

  it('stops watching promptly on cancellation and reports the deployments as cancelled', async () => {
    const s = scenario();
    let abortedAt = 0;
    const { result } = await deploy(s, (service) => {
      if (service !== 'demo-api') return;
      void s.clock.sleep(7000).then(() => {
        abortedAt = s.clock.now();
        s.controller.abort(new Error('cancelled'));
      });
    });
    expect(result.ok).toBe(false);
    expect(result.services.map((r) => r.state)).toEqual(['cancelled', 'cancelled', 'not-started']);
    expect(result.services[0]?.deploymentId).toMatch(/^ecs-svc\//);
    expect(s.clock.now() - abortedAt).toBeLessThan(1000);
  });
});

describe('render + rollout edge cases', () => {
  it('renders from the running revision when the family has a newer one', async () => {
    const s = scenario();
    // Someone registered demo-api:2 (different environment) without deploying it.
    s.lab.ecs.registerTaskDefinition({
      family: 'demo-api',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '1024',
      memory: '2048',
      containerDefinitions: [
        { name: 'api', image: 'elsewhere/api:latest', environment: [{ name: 'MODE', value: 'debug' }] },
      ],
    });
    const { render, result } = await deploy(s);
    const api = render.services.find((r) => r.live.config.service === 'demo-api');
    expect(api?.previousArn).toMatch(/task-definition\/demo-api:1$/);
    expect(api?.targetArn).toMatch(/task-definition\/demo-api:3$/);
    const td = await s.aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: api?.targetArn }));
    expect(td.taskDefinition?.cpu).toBe('256');
    expect(td.taskDefinition?.containerDefinitions?.[0]?.environment).toEqual([
      { name: 'MODE', value: 'production' },
    ]);
    expect(result.ok).toBe(true);
  });

  it('an already-running release registers nothing and updates nothing', async () => {
    const s = scenario();
    const ctx = s.context(s.config);
    const preflight = await runPreflight(ctx);
    const render = await renderRelease(ctx, preflight, s.images(OLD));
    const result = await rollOut(ctx, rolloutTargets(render));
    expect(render.services.every((r) => !r.changed && r.targetArn === r.previousArn)).toBe(true);
    expect(result).toEqual({ ok: true, services: [] });
    expect(s.lab.recorder.calls('ecs', 'RegisterTaskDefinition')).toHaveLength(0);
    expect(s.lab.recorder.calls('ecs', 'UpdateService')).toHaveLength(0);
    expect(s.lab.recorder.mutations()).toEqual([]);
  });
});
