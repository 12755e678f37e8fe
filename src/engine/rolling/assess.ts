import type { Deployment, Service } from '@aws-sdk/client-ecs';
import { shortArn } from '../../aws/arn';

export type Verdict =
  | { kind: 'in-progress' }
  /** COMPLETED and alone: done once the new tasks' targets are confirmed healthy. */
  | { kind: 'complete' }
  | { kind: 'failed'; reason: string }
  | { kind: 'rolled-back-by-ecs'; reason: string; rollbackDeploymentId: string }
  | { kind: 'replaced'; reason: string; by: string };

const when = (d: Date | undefined) => d?.toISOString() ?? 'an unknown time';

function describe(d: Deployment): string {
  return `${d.id ?? '?'} (task definition ${shortArn(d.taskDefinition)}, created ${when(d.createdAt)})`;
}

/**
 * Where our deployment stands, from one DescribeServices answer. `createdAt` is
 * our deployment's creation time, remembered in case it already left the list;
 * `priorDeploymentIds` the deployments the service had when ours started.
 */
export function assess(
  service: Service,
  deploymentId: string,
  createdAt: Date | undefined,
  priorDeploymentIds: string[] = [],
): Verdict {
  const deployments = service.deployments ?? [];
  const ours = deployments.find((d) => d.id === deploymentId);
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  const ourTime = ours?.createdAt ?? createdAt;
  const other = primary && primary.id !== deploymentId ? primary : undefined;
  // ECS rolls back to a deployment that existed before ours; anyone else's UpdateService makes a new one.
  const older = (d: Deployment) =>
    priorDeploymentIds.includes(d.id ?? '') ||
    (ourTime !== undefined && d.createdAt !== undefined && d.createdAt.getTime() < ourTime.getTime());

  if (other && older(other) && (ours === undefined || ours.rolloutState === 'FAILED')) {
    const why = ours?.rolloutStateReason ?? 'our deployment failed';
    return {
      kind: 'rolled-back-by-ecs',
      rollbackDeploymentId: other.id ?? '?',
      reason: `deployment ${deploymentId} FAILED (${why}); ECS is rolling the service back itself to deployment ${describe(other)}`,
    };
  }
  if (other) {
    return {
      kind: 'replaced',
      by: other.id ?? '?',
      reason:
        `another deployment replaced ours (${deploymentId}): ${describe(other)}, not started by this release ` +
        '(a console change, another pipeline or tool)',
    };
  }
  if (!ours) {
    return {
      kind: 'failed',
      reason: `deployment ${deploymentId} is no longer listed on the service and nothing replaced it`,
    };
  }
  if (ours.rolloutState === 'FAILED') {
    return {
      kind: 'failed',
      reason: `deployment ${deploymentId} FAILED: ${ours.rolloutStateReason ?? 'no reason given'}`,
    };
  }
  if (ours.status === 'PRIMARY' && ours.rolloutState === 'COMPLETED' && deployments.length === 1) {
    return { kind: 'complete' };
  }
  return { kind: 'in-progress' };
}

/** One line of progress; printed only when it differs from the last one. */
export function progressLine(name: string, service: Service, deploymentId: string): string {
  const deployments = service.deployments ?? [];
  const ours = deployments.find((d) => d.id === deploymentId);
  const others = deployments.filter((d) => d.id !== deploymentId);
  const old = others.reduce((n, d) => n + (d.runningCount ?? 0), 0);
  if (!ours) return `${name}: deployment ${deploymentId} no longer listed`;
  return (
    `${name}: ${ours.rolloutState ?? ours.status ?? '?'}, desired ${ours.desiredCount ?? 0}, running ` +
    `${ours.runningCount ?? 0}, pending ${ours.pendingCount ?? 0}, failed ${ours.failedTasks ?? 0}` +
    (others.length > 0 ? `; previous: ${old} running` : '')
  );
}
