/**
 * docs/targets.md: the credentials expire in the middle of the rollout (no call can succeed
 * any more). The run must stop, not hang, and say per service what it runs (or was
 * last seen running) and the command that finishes the rollback.
 */
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { beforeAll, describe, expect, it } from 'vitest';
import { STAGES } from '../../src/engine/stage';
import { renderSummary } from '../../src/report/summary';
import { MemoryLogger } from '../../src/runtime/log';
import type { World } from '../support/world';
import { buildOnce, demoWorld, deploy, MIN, releaseConfig, running } from './harness';

const config = releaseConfig('rx');

describe('expired credentials mid-rollout', () => {
  beforeAll(() => buildOnce(config()), 240_000);

  it('stops, reports what each service runs, and gives the command that finishes the rollback', async () => {
    let world: World | undefined;
    // 20 s (virtual) into the rollout, every AWS call starts failing with ExpiredToken.
    const log = new (class extends MemoryLogger {
      override async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
        if (name === STAGES.rollout && world) {
          const w = world;
          void w.clock
            .sleep(20_000)
            .then(() => w.lab.faults.add({ service: '*', kind: 'expired-credentials' }));
        }
        return super.group(name, fn);
      }
    })();
    const demo = demoWorld();
    world = demo.world;
    const run = await deploy(world, config(), log);
    // It stopped on its own, within minutes of virtual time (no waiting out wait-timeout).
    expect(run.tookMs).toBeLessThan(5 * MIN);
    expect(run.report.result).toBe('failed');
    expect(run.error).toMatch(/ExpiredToken/);
    // Per service, what it was last seen running.
    const detail = (service: string) => run.report.services.find((s) => s.service === service)?.detail ?? '';
    expect(detail('demo-api')).toMatch(/last seen: runs demo-api:2 \(its deployment completed\)/);
    expect(detail('demo-web')).toMatch(
      /last seen: deployment ecs-svc\/\d+ to demo-web:2 .*possibly still in progress/,
    );
    // One command line that finishes the rollback, in the notes, the summary and the log.
    const notes = run.report.notes.filter((n) => n.includes('aws ecs update-service'));
    expect(notes).toHaveLength(1);
    const command = /`(aws ecs update-service [^`]+)`/.exec(notes[0] ?? '')?.[1] ?? '';
    const steps = command.split(' && ').map((part) => ({
      service: /--service (\S+)/.exec(part)?.[1],
      taskDefinition: /--task-definition (\S+)/.exec(part)?.[1],
      cluster: /--cluster (\S+)/.exec(part)?.[1],
      region: /--region (\S+)/.exec(part)?.[1],
    }));
    expect(steps).toEqual([
      { service: 'demo-api', taskDefinition: demo.initial.api, cluster: 'demo', region: 'eu-west-1' },
      { service: 'demo-web', taskDefinition: demo.initial.web, cluster: 'demo', region: 'eu-west-1' },
    ]);
    expect(renderSummary(run.report)).toContain(command);
    expect(log.text()).toContain(`to finish it, run: ${command}`);
    // With fresh credentials, running exactly that puts every service back on one release.
    world.lab.faults.clear();
    for (const s of steps) {
      await world.aws.ecs.send(
        new UpdateServiceCommand({
          cluster: s.cluster,
          service: s.service,
          taskDefinition: s.taskDefinition,
        }),
      );
    }
    world.clock.advance(10 * MIN);
    const now = await running(world);
    expect(now['demo-api']).toEqual({ taskDefinition: demo.initial.api, deployments: 1 });
    expect(now['demo-web']).toEqual({ taskDefinition: demo.initial.web, deployments: 1 });
  });
});
