/**
 * What the run did, filled in as stages finish. Outputs, the job summary and the
 * post step's report are all derived from this one object.
 */
import type { BuiltInProgress, StrategyName } from './contracts';

export type Result = 'deployed' | 'unchanged' | 'rolled-back' | 'failed' | 'planned';

export interface ImageOutcome {
  uri: string;
  digest: string;
  built: boolean;
}

export interface ServiceOutcome {
  service: string;
  previous?: string | undefined;
  /** The revision this release moves the service to (kept when the service goes back). */
  target?: string | undefined;
  current?: string | undefined;
  /** What the service runs at the end of the run, as far as we know. */
  state: 'unchanged' | 'updated' | 'rolled-back' | 'rolled-back-by-ecs' | 'failed' | 'pending';
  detail?: string;
  /** Set for services ECS moves with a built-in strategy (absent: ROLLING). */
  strategy?: StrategyName;
  /** A built-in deployment's stages reached (with times) and last traffic weights: the release's, then the way back's. */
  builtIn?: BuiltInProgress[];
}

export interface StageTiming {
  stage: string;
  ms: number;
  outcome: 'ok' | 'failed' | 'skipped';
}

export interface Report {
  command: string;
  environment: string;
  cluster: string;
  region: string;
  release: string;
  /** The release running when the run ends (deployed, or rolled back to). */
  runningRelease?: string | undefined;
  result?: Result;
  images: Record<string, ImageOutcome>;
  services: ServiceOutcome[];
  migration?: { outcome: 'succeeded' | 'failed' | 'skipped'; detail: string };
  alarms: { name: string; state: string }[];
  stages: StageTiming[];
  notes: string[];
  error?: string;
}

export function newReport(
  fields: Pick<Report, 'command' | 'environment' | 'cluster' | 'region' | 'release'>,
): Report {
  // Only these fields: callers pass the whole config, which holds the GitHub token.
  const { command, environment, cluster, region, release } = fields;
  return {
    command,
    environment,
    cluster,
    region,
    release,
    images: {},
    services: [],
    alarms: [],
    stages: [],
    notes: [],
  };
}
