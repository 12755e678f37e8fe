import type { AwsClients } from '../aws/clients';
import type { ReadBudget } from '../observe/read-budget';
import type { Logger } from '../runtime/log';

/** What discovery needs: no release configuration yet (init writes the first one). */
export interface DiscoverContext {
  aws: AwsClients;
  log: Logger;
  /** Aborted on SIGINT/SIGTERM: every call carries it, a cancelled init reads nothing more. */
  signal: AbortSignal;
  /** ECS reads are paid from it, as the rest of the code's ECS reads are. */
  budget: ReadBudget;
}
