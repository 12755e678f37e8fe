import { shellWord as q } from '../../aws/cli-command';
import type { RollbackStep } from './decide';

/**
 * The one command line that finishes a rollback ecs-release could not (expired
 * credentials; docs/rollback.md "Automatic rollback"): one `aws ecs update-service` per service still to move,
 * joined with `&&`, to paste into a shell with fresh credentials. Re-sending a
 * service to the revision it already runs is harmless, so it is safe to run as is.
 */
export function finishRollbackCommand(region: string, cluster: string, steps: RollbackStep[]): string {
  return steps
    .map(
      (s) =>
        `aws ecs update-service --region ${q(region)} --cluster ${q(cluster)} --service ${q(s.service)} --task-definition ${q(s.taskDefinitionArn)}`,
    )
    .join(' && ');
}
