/**
 * Built-in strategy rollback vs rolling rollback on the lab's timelines alone, calling
 * the lab's ECS directly (run.ts beside it measures the same through ecs-release's
 * engine). Measures, on a virtual clock in 250 ms steps, how long after a gate failure
 * production traffic is back on the previous revision:
 *  - BLUE_GREEN held at a POST_PRODUCTION_TRAFFIC_SHIFT pause (blue still runs):
 *    ContinueServiceDeployment ROLLBACK → the production rule forwards 100 to blue;
 *  - BLUE_GREEN during BAKE_TIME, no hook: StopServiceDeployment ROLLBACK → same;
 *  - rolling (the ECS controller): UpdateService back to the previous revision →
 *    that deployment COMPLETED (old tasks started and healthy, new ones drained),
 *    with the lab's target group timings and with AWS's defaults.
 * The lab's default timings (lab/sim/ecs/behaviours.ts DEFAULT_TIMINGS) decide
 * every figure here: they are realistic in shape, not AWS's measured times.
 *
 *   npx tsx bench/built-in/lab-timelines.ts
 */
import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  ECSClient,
  type ServiceDeployment,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { type BuiltInService, nextRevision, seedBuiltInService } from '../../lab/scenarios/built-in';
import { VirtualClock } from '../../lab/sim/clock';
import { createLab, type Lab } from '../../lab/sim/lab';

const STEP_MS = 250;
const LIMIT_MS = 60 * 60_000;

interface World {
  lab: Lab;
  clock: VirtualClock;
  ecs: ECSClient;
  elb: ElasticLoadBalancingV2Client;
}

function world(): World {
  const clock = new VirtualClock();
  const lab = createLab({ clock, sleep: (ms) => clock.sleep(ms) });
  const config = lab.clientConfig();
  return { lab, clock, ecs: new ECSClient(config), elb: new ElasticLoadBalancingV2Client(config) };
}

/** Advances lab time in steps until `done`; returns the lab time it took. */
async function until(w: World, done: () => Promise<boolean>): Promise<number> {
  const from = w.clock.now();
  while (!(await done())) {
    if (w.clock.now() - from > LIMIT_MS) throw new Error('not done within an hour of lab time');
    w.clock.advance(STEP_MS);
  }
  return w.clock.now() - from;
}

async function sd(w: World, arn: string): Promise<ServiceDeployment> {
  const out = await w.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
  const d = out.serviceDeployments?.[0];
  if (!d) throw new Error(`service deployment ${arn} missing`);
  return d;
}

async function blueWeight(w: World, s: BuiltInService): Promise<number> {
  const out = await w.elb.send(new DescribeRulesCommand({ RuleArns: [s.productionRuleArn] }));
  const tgs = out.Rules?.[0]?.Actions?.[0]?.ForwardConfig?.TargetGroups ?? [];
  return tgs.find((t) => t.TargetGroupArn === s.blueTargetGroupArn)?.Weight ?? 0;
}

async function deployBlueGreen(w: World, hold: boolean) {
  const s = seedBuiltInService(w.lab, {
    service: 'web',
    strategy: 'BLUE_GREEN',
    bakeTimeInMinutes: 30,
    ...(hold && { hooks: [{ stage: 'POST_PRODUCTION_TRAFFIC_SHIFT' }] }),
  });
  const out = await w.ecs.send(
    new UpdateServiceCommand({
      cluster: s.cluster,
      service: s.service,
      taskDefinition: nextRevision(w.lab, s),
    }),
  );
  return { s, arn: out.service?.currentServiceDeployment ?? '' };
}

/** Gate failure at the hold (production already on green): the hook answered ROLLBACK. */
export async function blueGreenHold(): Promise<number> {
  const w = world();
  const { s, arn } = await deployBlueGreen(w, true);
  const awaiting = (d: ServiceDeployment) =>
    d.lifecycleHookDetails?.find((x) => x.status === 'AWAITING_ACTION');
  await until(w, async () => awaiting(await sd(w, arn)) !== undefined);
  if ((await blueWeight(w, s)) !== 0) throw new Error('production was not on green at the hold');
  const hookId = awaiting(await sd(w, arn))?.hookId;
  await w.ecs.send(
    new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId, action: 'ROLLBACK' }),
  );
  return until(w, async () => (await blueWeight(w, s)) === 100);
}

/** Gate failure during BAKE_TIME (production on green, blue kept for the bake): StopServiceDeployment ROLLBACK. */
export async function blueGreenBake(): Promise<number> {
  const w = world();
  const { s, arn } = await deployBlueGreen(w, false);
  await until(w, async () => (await sd(w, arn)).lifecycleStage === 'BAKE_TIME');
  w.clock.advance(60_000);
  if ((await blueWeight(w, s)) !== 0) throw new Error('production was not on green during the bake');
  await w.ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }));
  return until(w, async () => (await blueWeight(w, s)) === 100);
}

/**
 * A rolling service deployed to revision 2, then the gate fails: UpdateService
 * back to revision 1 → COMPLETED. Its target group has the lab's short health
 * check and deregistration delay, or (`awsDefaults`) CreateTargetGroup's: 30 s
 * interval, 300 s delay.
 */
export async function rolling(awsDefaults = false): Promise<number> {
  const w = world();
  const cluster = 'lab';
  const service = 'web';
  w.lab.ecs.createCluster(cluster);
  const seed = { name: 'web-tg', port: 8080 };
  const tg = awsDefaults ? w.lab.elbv2.addGroup(seed) : w.lab.elbv2.createTargetGroup(seed);
  const td = (image: string) =>
    w.lab.ecs.registerTaskDefinition({
      family: service,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        { name: service, image, essential: true, portMappings: [{ containerPort: 8080 }] },
      ],
    });
  const v1 = td('127.0.0.1:5055/web:v1');
  w.lab.ecs.createService({
    cluster,
    serviceName: service,
    taskDefinition: v1.arn,
    desiredCount: 2,
    launchType: 'FARGATE',
    loadBalancers: [{ targetGroupArn: tg.arn, containerName: service, containerPort: 8080 }],
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
  });
  const v2 = td('127.0.0.1:5055/web:v2');
  const completed = async () => {
    const out = await w.ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
    const svc = out.services?.[0];
    return svc?.deployments?.length === 1 && svc.deployments[0]?.rolloutState === 'COMPLETED';
  };
  await w.ecs.send(new UpdateServiceCommand({ cluster, service, taskDefinition: v2.arn }));
  await until(w, completed);
  await w.ecs.send(new UpdateServiceCommand({ cluster, service, taskDefinition: v1.arn }));
  return until(w, completed);
}

if (require.main === module) {
  (async () => {
    console.log(
      JSON.stringify({
        hold: await blueGreenHold(),
        bake: await blueGreenBake(),
        rolling: await rolling(),
        rollingAws: await rolling(true),
      }),
    );
  })().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
