import type Docker from 'dockerode';
import type { AwsClients } from '../aws/clients';
import type { Clock } from './clock';
import type { Logger } from './log';

/** Everything the action needs from the outside world, injected so tests run it whole. */
export interface Runtime {
  log: Logger;
  clock: Clock;
  signal: AbortSignal;
  mask(secret: string): void;
  setOutput(name: string, value: string): void;
  writeSummary(markdown: string): Promise<void>;
  /** core.saveState: read back by the post step. */
  saveState(name: string, value: string): void;
  aws(region: string): Promise<AwsClients>;
  docker(): Promise<Docker>;
  workdir: string;
}
