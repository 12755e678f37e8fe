import type Docker from 'dockerode';
import type { AwsClients } from '../aws/clients';
import type { ReleaseConfig } from '../config/types';
import type { Clock } from './clock';
import type { Logger } from './log';

/**
 * What every stage gets. Stages never read action inputs or the environment:
 * everything arrives here, so a test builds one of these and runs a stage.
 */
export interface StageContext {
  config: ReleaseConfig;
  aws: AwsClients;
  /** The Docker engine's client, made on first call (only the images stage needs it). */
  docker(): Promise<Docker>;
  clock: Clock;
  log: Logger;
  /** Aborted on cancellation (SIGINT/SIGTERM from the runner). */
  signal: AbortSignal;
  /** Masks a secret in every later log line (core.setSecret in the action). */
  mask(secret: string): void;
  /** Working directory that build contexts and Dockerfiles are relative to. */
  workdir: string;
}
