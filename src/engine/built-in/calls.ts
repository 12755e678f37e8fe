/**
 * The service deployment API calls the built-in strategy makes: batched reads paid
 * from the watch's ReadBudget, and the answers (ContinueServiceDeployment,
 * StopServiceDeployment) retried on transient errors, because a way back that gives up
 * on one throttled call leaves that service on green.
 */
import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  type ServiceDeployment,
  StopServiceDeploymentCommand,
} from '@aws-sdk/client-ecs';
import { chunks } from '../../aws/batch';
import type { ReadBudget } from '../../observe/read-budget';
import type { StageContext } from '../../runtime/context';
import { untilAccepted } from '../retry';

/** DescribeServiceDeployments takes at most 20 ARNs per call. */
export const DEPLOYMENTS_PER_CALL = 20;

const abortable = (signal: AbortSignal | undefined) => (signal ? { abortSignal: signal } : {});

/** Every ARN's service deployment, 20 per call, each call paid from `budget`. */
export async function describeDeployments(
  ctx: StageContext,
  arns: readonly string[],
  budget: ReadBudget,
  signal?: AbortSignal,
): Promise<Map<string, ServiceDeployment>> {
  const out = new Map<string, ServiceDeployment>();
  for (const batch of chunks([...new Set(arns)], DEPLOYMENTS_PER_CALL)) {
    await budget.take(1, signal);
    const answer = await ctx.aws.ecs.send(
      new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: batch }),
      abortable(signal),
    );
    for (const sd of answer.serviceDeployments ?? [])
      if (sd.serviceDeploymentArn) out.set(sd.serviceDeploymentArn, sd);
  }
  return out;
}

export function answerHook(
  ctx: StageContext,
  serviceDeploymentArn: string,
  hookId: string,
  action: 'CONTINUE' | 'ROLLBACK',
): Promise<unknown> {
  return untilAccepted(ctx, () =>
    ctx.aws.ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn, hookId, action })),
  );
}

export function stopWithRollback(ctx: StageContext, serviceDeploymentArn: string): Promise<unknown> {
  return untilAccepted(ctx, () =>
    ctx.aws.ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn, stopType: 'ROLLBACK' })),
  );
}
