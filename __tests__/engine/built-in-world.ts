/**
 * A lab world for the built-in strategy's tests: seeded built-in services (lab/scenarios/built-in.ts),
 * a StageContext on the lab's virtual clock with the real SDK clients, and the readings the tests
 * assert on (the production rule's forward weights, the service deployments, the task definition).
 */
import {
  DescribeServicesCommand,
  ListServiceDeploymentsCommand,
  type ServiceDeploymentBrief,
} from '@aws-sdk/client-ecs';
import { DescribeRulesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  type BuiltInService,
  type BuiltInServiceOptions,
  nextRevision,
  seedBuiltInService,
} from '../../lab/scenarios/built-in';
import { startDeployment } from '../../src/engine/start';
import type { StepChecks } from '../../src/engine/strategy';
import { readAlarms } from '../../src/gate/alarms';
import type { GateResult } from '../../src/model/contracts';
import type { StartedDeployment } from '../../src/observe/watched';
import type { StageContext } from '../../src/runtime/context';
import { testConfig } from '../support/config';
import { createWorld, type World, type WorldOptions } from '../support/world';

export interface BuiltInWorld {
  w: World;
  ctx: StageContext;
  services: BuiltInService[];
}

export function builtInWorld(options: BuiltInServiceOptions[], world: WorldOptions = {}): BuiltInWorld {
  const w = createWorld({ real: false, ...world });
  const services = options.map((o) => seedBuiltInService(w.lab, o));
  const ctx = w.context(testConfig({ cluster: 'lab' }));
  return { w, ctx, services };
}

/** Registers revision 2 of each service and UpdateService to it, as the engine's start does. */
export async function startAll(b: BuiltInWorld): Promise<StartedDeployment[]> {
  const out: StartedDeployment[] = [];
  for (const s of b.services) {
    const td = nextRevision(b.w.lab, s);
    out.push((await startDeployment(b.ctx, s.service, td)).started);
  }
  return out;
}

/** The production rule's forward weights: blue's share in percent. */
export async function blueWeight(b: BuiltInWorld, s: BuiltInService): Promise<number> {
  const out = await b.w.aws.elbv2.send(new DescribeRulesCommand({ RuleArns: [s.productionRuleArn] }));
  const tgs = out.Rules?.[0]?.Actions?.[0]?.ForwardConfig?.TargetGroups ?? [];
  const blue = tgs.find((t) => t.TargetGroupArn === s.blueTargetGroupArn)?.Weight ?? 0;
  const green = tgs.find((t) => t.TargetGroupArn === s.greenTargetGroupArn)?.Weight ?? 0;
  if (blue + green !== 100) throw new Error(`weights do not add up: ${JSON.stringify(tgs)}`);
  return blue;
}

/** The service's service deployments, newest first. */
export async function deployments(b: BuiltInWorld, s: BuiltInService): Promise<ServiceDeploymentBrief[]> {
  const out = await b.w.aws.ecs.send(
    new ListServiceDeploymentsCommand({ cluster: s.cluster, service: s.service }),
  );
  return out.serviceDeployments ?? [];
}

export async function runningRevision(b: BuiltInWorld, s: BuiltInService): Promise<string | undefined> {
  const out = await b.w.aws.ecs.send(
    new DescribeServicesCommand({ cluster: s.cluster, services: [s.service] }),
  );
  return out.services?.[0]?.taskDefinition?.split('/').pop();
}

/** The gate's alarm read, as the engine would pass it: any named alarm in ALARM fails. */
export function alarmChecks(
  b: BuiltInWorld,
  names: string[],
  testTraffic?: () => Promise<GateResult>,
): StepChecks {
  return {
    alarms: async () => {
      const alarms = await readAlarms(b.w.aws.cloudwatch, names, b.ctx.signal);
      const firing = alarms.find((a) => a.state === 'ALARM');
      return {
        ok: !firing,
        alarms: alarms.map((a) => ({ name: a.name, state: a.state })),
        ...(firing && { reason: `alarm ${firing.name} is in ALARM` }),
      };
    },
    ...(testTraffic && { testTraffic }),
  };
}

export const lines = (b: BuiltInWorld): string[] => b.w.log.lines.map((l) => l.message);

export function calls(b: BuiltInWorld, operation: string) {
  return b.w.lab.recorder.calls('ecs', operation).filter((c) => !c.error);
}

/**
 * Lab time from `t0` until every service's production rule is 100 % on blue, polled every
 * 100 ms of lab time while `following` (the way back's watch) runs; Infinity after a minute.
 */
export async function timeToBlue(b: BuiltInWorld, services: BuiltInService[], t0: number): Promise<number> {
  while (b.ctx.clock.now() - t0 < 60_000) {
    const weights = await Promise.all(services.map((s) => blueWeight(b, s)));
    if (weights.every((w) => w === 100)) return b.ctx.clock.now() - t0;
    await b.ctx.clock.sleep(100);
  }
  return Number.POSITIVE_INFINITY;
}
