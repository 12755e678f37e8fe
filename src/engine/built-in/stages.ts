/**
 * ECS's lifecycle stages and service deployment statuses (docs/aws-facts.md "Lifecycle stages"), as
 * the watch compares them: polls can miss a short stage, so decisions compare positions
 * ("BAKE_TIME or later"), never equality with the stage that was expected next.
 */

/** ServiceDeployment.lifecycleStage in the order a deployment goes through them. */
export const STAGE_ORDER = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP',
] as const;

/** A stage's position; -1 for a stage this version does not know (no stage counts as passed before or after it). */
export function position(stage: string | undefined): number {
  return STAGE_ORDER.indexOf(stage as (typeof STAGE_ORDER)[number]);
}

/** The stage a PAUSE hook makes the release's commit point (docs/strategies.md "What ecs-release does at each stage"). */
export const HOLD_STAGE = 'POST_PRODUCTION_TRAFFIC_SHIFT';

/** Still moving: ECS has not said its last word on the deployment. */
export const RUNNING_STATUSES = ['PENDING', 'IN_PROGRESS'];
/** Going back to blue (ECS's own, a hook's ROLLBACK, or StopServiceDeployment ROLLBACK): wait for it. */
export const ROLLING_BACK = ['ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS', 'STOP_REQUESTED'];
export const FINISHED = ['SUCCESSFUL', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED', 'STOPPED'];

export const isFinished = (status: string | undefined): boolean => FINISHED.includes(status ?? '');

/** The numeric id ECS shares between a deployment (`ecs-svc/<digits>`) and its service revision (docs/aws-facts.md "Rollback and the revision id"). */
export const revisionId = (arnOrId: string | undefined): string =>
  (arnOrId ?? '')
    .replace(/^ecs-svc\//, '')
    .split('/')
    .pop() ?? '';
