/**
 * What a command hands the engine: the services to move, where each goes and
 * comes back to, and what the transaction is called in the log and the summary.
 * Deploy builds it after render and migrate; manual rollback after resolving its
 * target. The engine does the rest (docs/architecture.md "The engine").
 */
import type { GateDeps } from '../gate';
import type { RolloutTarget, StrategyName } from '../model/contracts';
import type { Claim } from '../record';

/** One service to move: to `taskDefinitionArn`, in `wave`, back to `previousArn` on failure. */
export interface Move extends RolloutTarget {
  /** The revision it runs now; undefined when unknown (then it cannot be put back). */
  previousArn: string | undefined;
  strategy: StrategyName;
}

export interface Transaction {
  /** `deploy` moves to a new release; `rollback` to an earlier one (its failure messages say so). */
  kind: 'deploy' | 'rollback';
  moves: Move[];
  /** The gate alarms preflight resolved. */
  alarms: string[];
  claim: Claim;
  /** The release the moves lead to. */
  release: string;
  /** The release running before: what runs again after the way back. */
  running?: string | undefined;
  /** Revisions whose outcome tag this transaction writes (deploy: the ones it registered). */
  registered: string[];
  /** Called before AWS changes, so the post step can report even after a kill. */
  checkpoint(phase: string): void;
  gate?: GateDeps;
}
