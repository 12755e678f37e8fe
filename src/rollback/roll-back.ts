import { shortArn } from '../aws/arn';
import { errorText } from '../aws/errors';
import type { RolloutResult, ServiceRolloutResult } from '../model/contracts';
import { type StartedDeployment, startAll, startDeployment, watchDeployments } from '../rollout';
import type { StageContext } from '../runtime/context';
import type { RollbackStep } from './decide';
import { finishRollbackCommand } from './finish-command';
import { isTransientAwsError, ROLLBACK_RETRY_DELAYS_MS } from './transient';

export interface IssuedRollback {
  started: StartedDeployment[];
  /** Services whose UpdateService failed (after the SDK's retries), with why. */
  refused: ServiceRolloutResult[];
  /** Event ids UpdateService's answers already carried, so the watch prints only new ones. */
  seenEvents: Map<string, Set<string>>;
}

/**
 * Every UpdateService of a rollback at once, without waiting for anything else:
 * what a cancelled run calls (SPEC 3.6: within 1 s), and the first half of rollBack.
 * Deliberately not tied to the run's abort signal: a cancelled run must still issue them.
 * UpdateService carries only the cluster, the service and the task definition.
 */
export async function issueRollback(ctx: StageContext, targets: RollbackStep[]): Promise<IssuedRollback> {
  const all = await startAll(
    targets,
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
  return { started: all.started, refused, seenEvents: all.seenEvents };
}

/**
 * startDeployment for a rollback, outlasting throttling, 5xx and dropped
 * connections that outlived the SDK's own retries (SPEC 5): the rollout's failed
 * UpdateService may have been exactly such a burst, and giving up on the way back
 * would leave the services on different releases. Errors that cannot go away by
 * waiting (expired credentials, access denied) fail at once. The first attempt is
 * immediate, so a cancelled run still issues it within 1 s; the pauses use the
 * run's clock but not its abort signal, for the same reason as issueRollback.
 */
async function startUntilAccepted(ctx: StageContext, t: RollbackStep) {
  for (const delay of [...ROLLBACK_RETRY_DELAYS_MS, undefined]) {
    try {
      return await startDeployment(ctx, t.service, t.taskDefinitionArn);
    } catch (error) {
      if (delay === undefined || !isTransientAwsError(error)) throw error;
      const why = errorText(error);
      ctx.log.warning(
        `${t.service}: UpdateService back to ${shortArn(t.taskDefinitionArn)} failed (${why}); trying again in ${delay / 1000}s`,
      );
      await ctx.clock.sleep(delay);
    }
  }
  throw new Error('unreachable: the last attempt returns or throws');
}

/**
 * Moves every target service at once (one wave) and watches all of them to the end,
 * the same way as the rollout, but without stopping at the first failure: each
 * service's final state is reported. `ok` when every one completed.
 */
export async function rollBack(ctx: StageContext, targets: RollbackStep[]): Promise<RolloutResult> {
  if (targets.length === 0) return { ok: true, services: [] };
  const issued = await issueRollback(ctx, targets);
  const watched =
    issued.started.length > 0
      ? await watchDeployments(ctx, issued.started, { failFast: false, seenEvents: issued.seenEvents })
      : [];
  const byService = new Map([...watched, ...issued.refused].map((r) => [r.service, r]));
  const services = targets
    .map((t) => byService.get(t.service))
    .filter((r): r is ServiceRolloutResult => r !== undefined);
  const ok = services.length === targets.length && services.every((s) => s.state === 'completed');
  return { ok, services };
}
