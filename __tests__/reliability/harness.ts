/**
 * The deploy pipeline in-process on the demo world (virtual clock, real builds and
 * registry), as deploy.test.ts runs it, plus what the reliability tests judge a run
 * by: which revision each service runs at the end.
 */

import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { expect } from 'vitest';
import { DEMO, seedDemo } from '../../lab/scenarios/demo';
import { type AwsClients, createClients } from '../../src/aws/clients';
import { run } from '../../src/commands/run';
import type { ReleaseConfig } from '../../src/config/types';
import { newReport, type Report } from '../../src/model/report';
import type { MemoryLogger } from '../../src/runtime/log';
import { fakeRuntime } from '../support/runtime';
import { createWorld, needsLab, type World, type WorldOptions } from '../support/world';

export { changedImage, MIN, releaseConfig } from '../support/config';

/** The SDK attempts per call in these tests (createWorld's default). */
export const ATTEMPTS = 3;

/**
 * SDK clients like createWorld's (same attempts, same lab handler), but retrying
 * without backoff: the SDK's retry delays are real time (up to seconds for
 * throttling), which would make a table of faulted runs take minutes. Which errors
 * are retried, and how many times, is the SDK's standard decision, unchanged.
 */
function fastRetryClients(world: World): AwsClients {
  return createClients({
    region: world.lab.region,
    requestHandler: world.lab.handler,
    credentials: { accessKeyId: 'lab', secretAccessKey: 'lab' },
    retryStrategy: new ConfiguredRetryStrategy(ATTEMPTS, 0),
  });
}

export interface Run {
  world: World;
  report: Report;
  /** The run's error, as main.ts reports it. */
  error?: string;
  /** Virtual time the run took. */
  tookMs: number;
}

export function demoWorld(options: WorldOptions = {}) {
  const world = createWorld(options);
  const initial = seedDemo(world.lab, { labEnv: world.labEnv });
  return { world, initial };
}

/**
 * The first release of a demo world (in `beforeAll`): it builds both images, which every
 * later run of the same config reuses (content tags), so each test's own run builds nothing.
 */
export async function buildOnce(cfg: ReleaseConfig): Promise<void> {
  needsLab();
  const { world } = demoWorld();
  const first = await deploy(world, cfg);
  expect(first.report.result, first.error).toBe('deployed');
}

/** Runs the deploy through run(), the action's own entry, with a fake Runtime over the world. */
export async function deploy(world: World, cfg: ReleaseConfig, log?: MemoryLogger): Promise<Run> {
  const started = world.clock.now();
  const rt = fakeRuntime(world, { aws: async () => fastRetryClients(world), ...(log ? { log } : {}) });
  const outcome = await run(rt, cfg);
  const report = outcome.report ?? newReport(cfg);
  return {
    world,
    report,
    tookMs: world.clock.now() - started,
    ...(report.error ? { error: report.error } : {}),
  };
}

/**
 * What each demo service runs, read with fresh (fault-free) SDK calls: the PRIMARY
 * deployment's task definition, and how many deployments it has (1 = settled).
 */
export async function running(
  world: World,
): Promise<Record<string, { taskDefinition: string; deployments: number }>> {
  world.lab.faults.clear();
  const out = await world.aws.ecs.send(
    new DescribeServicesCommand({ cluster: DEMO.cluster, services: [DEMO.api.service, DEMO.web.service] }),
  );
  return Object.fromEntries(
    (out.services ?? []).map((s) => [
      s.serviceName ?? '',
      {
        taskDefinition: s.deployments?.find((d) => d.status === 'PRIMARY')?.taskDefinition ?? '',
        deployments: s.deployments?.length ?? 0,
      },
    ]),
  );
}

/** Every operation the run called, as `service:Operation`, once each. */
export function operationsCalled(world: World): string[] {
  return [...new Set(world.lab.recorder.calls().map((c) => `${c.service}:${c.operation}`))].sort();
}
