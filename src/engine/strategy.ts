/**
 * A strategy is one way ECS moves a service: ROLLING (replace tasks in place) or a
 * built-in one (BLUE_GREEN, LINEAR, CANARY: ECS shifts traffic itself and keeps the
 * previous revision running until CLEAN_UP). The engine (`engine/index.ts`) owns the
 * transaction: waves, the one gate, the way back, the report and the outcome tags.
 * A strategy only knows how to follow, finish and undo its own kind of deployment.
 *
 * Starting is the same for every strategy (UpdateService with only the task
 * definition, `engine/start.ts`), so it is not part of this interface.
 */
import type { GateResult, ServiceRolloutResult, StrategyName } from '../model/contracts';
import type { StartedDeployment } from '../observe/watched';
import type { StageContext } from '../runtime/context';
import type { WatchOptions } from './rolling/watch';

/** Checks a strategy may run on its own at a lifecycle stage, before the release's gate. */
export interface StepChecks {
  /** The gate alarms, read once now (LINEAR/CANARY: before each production traffic step). */
  alarms(): Promise<GateResult>;
  /** The smoke check against `smoke-test-url` (green's test traffic), when one is configured. */
  testTraffic?: () => Promise<GateResult>;
}

export interface StrategyWatchOptions extends WatchOptions {
  checks: StepChecks;
}

/** A service to put back on the revision it ran before, with what the release saw of it. */
export interface RevertStep {
  service: string;
  /** Where it goes back to. */
  taskDefinitionArn: string;
  /** The release's own deployment of it (its state tells whether blue still runs). */
  moved: ServiceRolloutResult;
}

/** The way back, as issued (cancellation needs every call out within 1 s) and not yet watched. */
export interface IssuedRevert {
  /** Follow each issued call to its end; never tied to the run's abort signal. */
  watch(): Promise<ServiceRolloutResult[]>;
  /** Services whose call was refused (after retries), already reported as `failed`. */
  refused: ServiceRolloutResult[];
}

export interface Strategy {
  readonly names: readonly StrategyName[];
  /**
   * Follows the deployments UpdateService started until each is ready for the
   * release's gate: ROLLING, `completed`; built-in, `held` at its commit point (or a
   * failure state). Runs the step checks at the stages that call for them.
   */
  watch(
    ctx: StageContext,
    started: StartedDeployment[],
    options: StrategyWatchOptions,
  ): Promise<ServiceRolloutResult[]>;
  /** The gate passed: finish every held service (CONTINUE its hook, follow it to the end). */
  commit(ctx: StageContext, held: ServiceRolloutResult[]): Promise<ServiceRolloutResult[]>;
  /**
   * Goes back: a deployment still in progress (blue running) by answering its hook or
   * StopServiceDeployment ROLLBACK; one that finished by UpdateService to the previous revision.
   */
  revert(ctx: StageContext, steps: RevertStep[]): Promise<IssuedRevert>;
}
