/**
 * The way back's calls, outlasting throttling, 5xx and dropped connections that outlived
 * the SDK's own retries: a way back that gives up on one throttled call leaves services
 * on different releases. Errors that cannot go away by waiting (expired credentials,
 * access denied) fail at once. The first attempt is immediate, so a cancelled run still
 * issues it within 1 s; the pauses use the run's clock but not its abort signal.
 */
import { shortArn } from '../aws/arn';
import { errorText } from '../aws/errors';
import { isTransientAwsError, ROLLBACK_RETRY_DELAYS_MS } from '../rollback/transient';
import { startDeployment } from '../rollout';
import type { StageContext } from '../runtime/context';

export async function untilAccepted<T>(
  ctx: StageContext,
  call: () => Promise<T>,
  onRetry?: (error: unknown, delayMs: number) => void,
): Promise<T> {
  for (const delay of ROLLBACK_RETRY_DELAYS_MS) {
    try {
      return await call();
    } catch (error) {
      if (!isTransientAwsError(error)) throw error;
      onRetry?.(error, delay);
      await ctx.clock.sleep(delay);
    }
  }
  return call();
}

/** startDeployment for a way back, retried while it fails transiently (untilAccepted), each retry logged. */
export function startUntilAccepted(ctx: StageContext, t: { service: string; taskDefinitionArn: string }) {
  return untilAccepted(
    ctx,
    () => startDeployment(ctx, t.service, t.taskDefinitionArn),
    (error, delay) =>
      ctx.log.warning(
        `${t.service}: UpdateService back to ${shortArn(t.taskDefinitionArn)} failed (${errorText(error)}); trying again in ${delay / 1000}s`,
      ),
  );
}
