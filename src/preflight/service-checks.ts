import type { Deployment, Service, Tag } from '@aws-sdk/client-ecs';
import { shortArn } from '../aws/arn';
import { formatDuration } from '../config/duration';
import { TAGS } from '../record/release-record';
import { BUILT_IN_STRATEGIES } from './built-in';

/** ECS's guide for moving a CodeDeploy (or task-set) blue/green service to ECS's built-in blue/green. */
export const MIGRATION_GUIDE =
  'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/migrate-code-deploy-to-ecs-blue-green.html';

const KNOWN_STRATEGIES: readonly string[] = ['ROLLING', ...BUILT_IN_STRATEGIES];

/** Deployment controllers and strategies ecs-release cannot watch by deployment id: refuse, never half-support. */
export function serviceRefusals(name: string, s: Service): string[] {
  const problems: string[] = [];
  if (s.status !== 'ACTIVE') {
    problems.push(`service ${name} is ${s.status ?? 'not ACTIVE'}; only an ACTIVE service can be deployed.`);
  }
  const controller = s.deploymentController?.type ?? 'ECS';
  if (controller !== 'ECS') {
    const how =
      controller === 'CODE_DEPLOY'
        ? "it is deployed by CodeDeploy (blue/green); deploy it with CodeDeploy, or move it to ECS's own blue/green"
        : 'its deployments are driven by an external controller (task sets); move it to the ECS deployment controller';
    problems.push(
      `service ${name} has deployment controller ${controller}: ${how} ` +
        `(deploymentController.type ECS with strategy BLUE_GREEN, LINEAR or CANARY; see ${MIGRATION_GUIDE}). ` +
        'ecs-release only deploys services whose deployment controller is ECS.',
    );
  }
  // An Express Mode service belongs to ECS (resourceManagementType ECS): its updates go through
  // UpdateExpressGatewayService, and a plain UpdateService on it is not supported.
  if (s.resourceManagementType === 'ECS') {
    problems.push(
      `service ${name} is managed by ECS Express Mode (resourceManagementType ECS): ECS deploys it through ` +
        'UpdateExpressGatewayService, not UpdateService; ecs-release only deploys services you manage ' +
        '(resourceManagementType CUSTOMER).',
    );
  }
  // ROLLING and ECS's built-in BLUE_GREEN, LINEAR and CANARY are driven (docs/strategies.md); a value this
  // version does not know is refused rather than watched as if it were one of them.
  const strategy = s.deploymentConfiguration?.strategy;
  if (strategy && !KNOWN_STRATEGIES.includes(strategy)) {
    problems.push(
      `service ${name}: deploymentConfiguration.strategy ${strategy} is not one ecs-release knows ` +
        `(${KNOWN_STRATEGIES.join(', ')}); deploy this service another way, or with a newer ecs-release.`,
    );
  }
  return problems;
}

export function hasCircuitBreaker(s: Service): boolean {
  return s.deploymentConfiguration?.deploymentCircuitBreaker?.enable === true;
}

/** The deployment that defines what the service runs now. */
export function primaryDeployment(s: Service): Deployment | undefined {
  return s.deployments?.find((d) => d.status === 'PRIMARY');
}

/** Deployments still moving: anything besides one settled PRIMARY. */
export function inFlight(s: Service): Deployment[] {
  const deployments = s.deployments ?? [];
  if (deployments.length > 1) return deployments;
  return deployments.filter((d) => d.rolloutState === 'IN_PROGRESS');
}

/**
 * Who/what is deploying: the deployment, its task definition, when, and the release record when ecs-release made it;
 * `waitedMs`: how long this run waited for it to finish (settle.ts) before refusing.
 */
export function describeInFlight(
  name: string,
  deployments: Deployment[],
  tagsByArn: Map<string, Tag[]>,
  waitedMs?: number,
): string {
  const parts = deployments.map((d) => {
    const tags = tagsByArn.get(d.taskDefinition ?? '') ?? [];
    const tag = (key: string) => tags.find((t) => t.key === key)?.value;
    const release = tag(TAGS.release);
    const run = tag(TAGS.run);
    const by = release
      ? `, registered by ecs-release for release ${release}${run ? ` (${run})` : ''}`
      : ', not registered by ecs-release (a console change, another tool or pipeline)';
    const state = [d.status, d.rolloutState].filter(Boolean).join(' ');
    return (
      `${d.id ?? '?'} (${state}) of task definition ${shortArn(d.taskDefinition)}, created ` +
      `${d.createdAt?.toISOString() ?? 'at an unknown time'}${by}`
    );
  });
  const waited =
    waitedMs === undefined
      ? ''
      : ` It did not finish in the ${formatDuration(waitedMs)} this run waited for it (wait-timeout).`;
  return (
    `service ${name}: another deployment is in flight: ${parts.join('; ')}.${waited} Wait for it to finish ` +
    '(aws ecs wait services-stable) or stop it, then run again.'
  );
}

/** A running revision of another run's release that carries no outcome yet. */
export interface UnfinishedRevision {
  service: string;
  arn: string;
  release: string;
  runUrl?: string;
  ageMinutes: number;
  /** When it stops blocking on its own (registered + the worst case of a run), epoch ms. */
  blocksUntil: number;
}

/**
 * A running revision that another ecs-release run registered and has not yet
 * recorded an outcome on: that run may still be baking or rolling back, even
 * though its ECS deployments look finished. Deploying over it would interleave two
 * releases. Older than `windowMs` (the worst case of a run), it is a run that was
 * killed, and no longer blocks. `rollback` skips this check: it is the way out.
 * Preflight then asks GitHub whether that run is over (record/stale.ts).
 */
export function unfinishedRelease(
  name: string,
  arn: string,
  tags: Tag[],
  registeredAt: Date | undefined,
  context: { release: string; now: number; windowMs: number },
): UnfinishedRevision | undefined {
  const value = (key: string) => tags.find((t) => t.key === key)?.value;
  const other = value(TAGS.release);
  if (!other || other === context.release || other === 'baseline' || value(TAGS.outcome)) return undefined;
  const age = context.now - (registeredAt?.getTime() ?? 0);
  if (age > context.windowMs) return undefined;
  const run = value(TAGS.run);
  return {
    service: name,
    arn,
    release: other,
    ...(run ? { runUrl: run } : {}),
    ageMinutes: Math.round(age / 60_000),
    blocksUntil: context.now - age + context.windowMs,
  };
}

/** The refusal for an unfinished release whose run may still be going: `why` from GitHub, `clear` how to unlock it. */
export function unfinishedProblem(u: UnfinishedRevision, why: string, clear: string): string {
  return (
    `service ${u.service}: it runs release ${u.release}${u.runUrl ? ` (${u.runUrl})` : ''}, registered ${u.ageMinutes} min ago, ` +
    `which has not recorded an outcome yet: that run may still be gating or rolling back (${why}). ` +
    `Wait for it to finish (it stops blocking at ${new Date(u.blocksUntil).toISOString()}). ${clear}`
  );
}
