/**
 * The way back's calls go through untilAccepted (src/aws/retry.ts, one home: the claim's
 * removal in record/ retries the same way).
 */
import { shortArn } from '../aws/arn';
import { errorText } from '../aws/errors';
import { untilAccepted } from '../aws/retry';
import type { StageContext } from '../runtime/context';
import { startDeployment } from './start';

export { untilAccepted };

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
