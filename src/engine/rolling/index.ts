/**
 * ROLLING: ECS replaces tasks in place. Ready for the gate once the deployment is
 * COMPLETED; nothing to commit; the way back is a new deployment of the previous
 * revision (UpdateService), watched to the end like the rollout.
 */
import { shortArn } from '../../aws/arn';
import { errorText } from '../../aws/errors';
import type { ServiceRolloutResult } from '../../model/contracts';
import type { StageContext } from '../../runtime/context';
import { finishRollbackCommand } from '../back/finish-command';
import { movedByOthersSince } from '../recheck';
import { startUntilAccepted } from '../retry';
import { type StartedAll, startAll } from '../start';
import type { IssuedRevert, Strategy } from '../strategy';
import { watchDeployments } from './watch';

export const rollingStrategy: Strategy = {
  names: ['ROLLING'],
  watch: (ctx, started, options) => watchDeployments(ctx, started, options),
  commit: async (_ctx, held) => held,
  revert: async (ctx, steps) => {
    const left = await movedByOthersSince(ctx, steps);
    const issued = await issueBack(
      ctx,
      steps.filter((s) => !left.some((l) => l.service === s.service)),
    );
    return {
      refused: [...left, ...issued.refused],
      watch: () =>
        issued.started.length > 0
          ? watchDeployments(ctx, issued.started, { failFast: false, seenEvents: issued.seenEvents })
          : Promise.resolve([]),
    } satisfies IssuedRevert;
  },
};

/**
 * Every UpdateService of a way back at once, without waiting for anything else
 * (a cancelled run must issue them within 1 s). Deliberately not tied to the run's
 * abort signal. UpdateService carries only the cluster, the service and the task definition.
 */
export async function issueBack(
  ctx: StageContext,
  steps: readonly { service: string; taskDefinitionArn: string }[],
): Promise<{
  started: StartedAll['started'];
  seenEvents: StartedAll['seenEvents'];
  refused: ServiceRolloutResult[];
}> {
  const all = await startAll(
    steps,
    (t) => startUntilAccepted(ctx, t),
    (started) =>
      ctx.log.info(
        `${started.service}: rolling back to ${shortArn(started.taskDefinitionArn)} (deployment ${started.deploymentId})`,
      ),
  );
  const refused = all.refused.map((t): ServiceRolloutResult => {
    const detail =
      `${t.service}: UpdateService back to ${shortArn(t.taskDefinitionArn)} failed (${errorText(t.error)}); finish it with ` +
      finishRollbackCommand(ctx.config.region, ctx.config.cluster, [t]);
    ctx.log.error(detail);
    return { service: t.service, taskDefinitionArn: t.taskDefinitionArn, state: 'failed', detail };
  });
  return { started: all.started, seenEvents: all.seenEvents, refused };
}
