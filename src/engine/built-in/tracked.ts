/** One service deployment a built-in follow tracks: shared by the follow loop and the explainer. */
import type { ServiceRolloutResult } from '../../model/contracts';
import type { Watched } from '../../observe/watched';
import type { Progress } from './progress';

export interface Tracked {
  service: string;
  /** The result's task definition: green for a rollout, the previous revision for a way back. */
  taskDefinitionArn: string;
  deploymentId?: string;
  progress: Progress;
  /** Hook ids already answered: ECS refuses a second answer, and a decision is made once. */
  answered: Set<string>;
  /** Set when ecs-release itself answered ROLLBACK: the service fails with this reason, not as ECS's rollback. */
  failure?: string;
  /** A PAUSE hook at POST_PRODUCTION_TRAFFIC_SHIFT is configured (else the hold is BAKE_TIME). */
  holdHook?: boolean;
  /** Clock time after which this one is `timed-out` (default: the follow's deadline). */
  deadline?: number;
  result?: ServiceRolloutResult;
  busy?: Promise<void> | undefined;
  /** What the rolling watch's diagnostics saw of it (events, stopped tasks, targets), when explained. */
  watched?: Watched;
}
