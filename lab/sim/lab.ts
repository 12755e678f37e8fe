/**
 * Composition: one lab = one clock, every service's world, the recorder, the
 * faults, and the dispatch that the in-process handler and the HTTP server share.
 */

import type { HttpHandler } from '@smithy/protocol-http';
import type Docker from 'dockerode';
import { type AcmWorld, createAcm } from './acm/index.js';
import { type AlarmStore, createCloudWatch } from './cloudwatch/index.js';
import { createEcr, type EcrWorld, ecrByRegion } from './ecr/index.js';
import { createEcs, type EcsWorld } from './ecs/index.js';
import { createElbv2, type Elbv2World } from './elbv2/index.js';
import { Faults } from './faults.js';
import { createLabHandler } from './handler.js';
import { createIam, type IamWorld } from './iam/index.js';
import { createLogs, type LogStore } from './logs/index.js';
import type { DispatchDeps } from './protocol/dispatch.js';
import { createRds, type RdsWorld } from './rds/index.js';
import { Recorder } from './recorder.js';
import { createRoute53, type Route53World } from './route53/index.js';
import { createSecrets, type SecretsWorld } from './secrets/index.js';
import { createSsm, type SsmWorld } from './ssm/index.js';
import { createSts, type StsWorld } from './sts/index.js';
import { LAB_ACCOUNT, type ServiceOperations, type SimClock } from './types.js';

export interface LabOptions {
  clock: SimClock;
  /** The lab registry (`.lab/env` LAB_REGISTRY, LAB_REGISTRY_USER, LAB_REGISTRY_PASSWORD); without it ECR keeps images in memory. */
  registry?: { host: string; user: string; password: string } | undefined;
  /**
   * A second registry standing for another account and region (`.lab/env` LAB_REGISTRY2*):
   * ECR requests signed for its region, and GetAuthorizationToken naming its account in
   * `registryIds`, are answered from it (docs/lab.md#a-second-registry).
   */
  registry2?: { region: string; account: string; host: string; user: string; password: string } | undefined;
  /** The lab Docker engine: ECS RunTask then runs containers for real. */
  docker?: Docker | undefined;
  /** Default `eu-west-1`; a request signed for another region still gets answers from the same world. */
  region?: string;
  account?: string;
  /** How latency faults wait. Default: real timers; pass `(ms) => clock.sleep(ms)` of a VirtualClock to make them virtual. */
  sleep?: (ms: number) => Promise<void>;
  /** Seed for the ECS world's ids. */
  seed?: number;
}

export interface Lab {
  clock: SimClock;
  region: string;
  account: string;
  /** The clock's reading at createLab: scenario times are relative to it. */
  startedAt: number;
  /** The lab as the SDK's `requestHandler`. */
  handler: HttpHandler;
  /** Operations by signing name, then operation name. */
  services: Record<string, ServiceOperations>;
  recorder: Recorder;
  faults: Faults;
  ecs: EcsWorld;
  elbv2: Elbv2World;
  ecr: EcrWorld;
  /** The second registry's ECR (its region and account), when the lab has one. */
  ecr2: EcrWorld | undefined;
  cloudwatch: AlarmStore;
  logs: LogStore;
  rds: RdsWorld;
  secrets: SecretsWorld;
  sts: StsWorld;
  /** The ground checks' services (docs/ground.md#the-lab). */
  acm: AcmWorld;
  iam: IamWorld;
  ssm: SsmWorld;
  route53: Route53World;
  /** What server.ts needs to answer over HTTP. */
  dispatchDeps: DispatchDeps;
  /** Client settings for an in-process SDK client: `new ECSClient(lab.clientConfig())`. */
  clientConfig(): {
    region: string;
    requestHandler: HttpHandler;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
}

function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' }));
    });
  });
}

export function createLab(options: LabOptions): Lab {
  const clock = options.clock;
  const region = options.region ?? 'eu-west-1';
  const account = options.account ?? LAB_ACCOUNT;
  const startedAt = clock.now();
  const base = { clock, region, account };

  const logs = createLogs(base);
  const cloudwatch = createCloudWatch({ ...base, startedAt });
  const elbv2 = createElbv2(base);
  const ecs = createEcs({
    ...base,
    logs: logs.world,
    elb: elbv2.world,
    ...(options.docker && { docker: options.docker }),
    ...(options.registry && {
      registryAuth: {
        username: options.registry.user,
        password: options.registry.password,
        serveraddress: options.registry.host,
      },
    }),
    ...(options.registry2 && {
      otherRegistryAuth: [
        {
          username: options.registry2.user,
          password: options.registry2.password,
          serveraddress: options.registry2.host,
        },
      ],
    }),
    alarmState: (name) => (cloudwatch.world.has(name) ? cloudwatch.world.stateOf(name) : undefined),
    ...(options.seed !== undefined && { seed: options.seed }),
  });
  const ecr = createEcr({ ...base, registry: options.registry });
  const r2 = options.registry2;
  const ecr2 = r2 && {
    ...createEcr({ clock, region: r2.region, account: r2.account, registry: r2 }),
    region: r2.region,
    account: r2.account,
  };
  const rds = createRds({ ...base, startedAt });
  const secrets = createSecrets(base);
  const sts = createSts(base);
  const acm = createAcm(base);
  const iam = createIam(base);
  const ssm = createSsm(base);
  const route53 = createRoute53();

  const services: Record<string, ServiceOperations> = {
    ecs: ecs.operations,
    elasticloadbalancing: elbv2.operations,
    ecr: ecr2 ? ecrByRegion(ecr.operations, ecr2, account) : ecr.operations,
    monitoring: cloudwatch.operations,
    logs: logs.operations,
    rds: rds.operations,
    secretsmanager: secrets.operations,
    sts: sts.operations,
    acm: acm.operations,
    iam: iam.operations,
    ssm: ssm.operations,
    route53: route53.operations,
  };
  const recorder = new Recorder();
  const faults = new Faults();
  const sleep = options.sleep;
  const dispatchDeps: DispatchDeps = {
    clock,
    region,
    account,
    services,
    recorder,
    faults,
    sleep: sleep ? (ms) => sleep(ms) : realSleep,
  };
  const handler = createLabHandler(dispatchDeps);
  return {
    clock,
    region,
    account,
    startedAt,
    handler,
    services,
    recorder,
    faults,
    ecs: ecs.world,
    elbv2: elbv2.world,
    ecr: ecr.world,
    ecr2: ecr2?.world,
    cloudwatch: cloudwatch.world,
    logs: logs.world,
    rds: rds.world,
    secrets: secrets.world,
    sts: sts.world,
    acm: acm.world,
    iam: iam.world,
    ssm: ssm.world,
    route53: route53.world,
    dispatchDeps,
    clientConfig: () => ({
      region,
      requestHandler: handler,
      credentials: { accessKeyId: 'lab', secretAccessKey: 'lab' },
    }),
  };
}
