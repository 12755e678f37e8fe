/**
 * ECS's built-in strategies (BLUE_GREEN, LINEAR, CANARY) as a Strategy for the release
 * engine (docs/strategies.md; docs/aws-facts.md "Built-in deployments"): ECS shifts the traffic itself; ecs-release
 * follows the service deployment, holds it at the commit point with blue still running,
 * and finishes it (commit) or sends it back (revert).
 */
import type { Strategy } from '../strategy';
import { commitBuiltIn } from './commit';
import { revertBuiltIn } from './revert';
import { watchBuiltIn } from './watch';

export const builtInStrategy: Strategy = {
  names: ['BLUE_GREEN', 'LINEAR', 'CANARY'],
  watch: watchBuiltIn,
  commit: commitBuiltIn,
  revert: revertBuiltIn,
};

export { STAGE_ORDER } from './stages';
