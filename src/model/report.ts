/**
 * What the run did, filled in as stages finish. Outputs, the job summary and the
 * post step's report are all derived from this one object.
 */
import type { BuiltInProgress, ReleaseOutcome, StrategyName } from './contracts';

/**
 * `listed`: `command: history` read the environment's releases (it changes nothing).
 * `checked`: `command: check` found no ground error (docs/ground.md).
 * `unlocked`: `command: unlock` removed a dead run's claim and marked its unfinished release `abandoned`.
 */
export type Result =
  | 'deployed'
  | 'unchanged'
  | 'rolled-back'
  | 'failed'
  | 'planned'
  | 'listed'
  | 'checked'
  | 'unlocked';

/** One finding of the ground checks (docs/ground.md), as the log and the summary show it. */
export interface GroundFinding {
  severity: 'error' | 'warning' | 'note';
  what: string;
  where: string;
  fix: string;
}

export interface ImageOutcome {
  uri: string;
  digest: string;
  /** The content tag the image carries (docs/images.md); another run's `images` input carries it over. */
  tag?: string;
  /** The region of this run: where another run asks for a token for this image's registry. */
  region?: string;
  built: boolean;
  /** Taken from the `images` input instead of built (docs/promotion.md). */
  promoted?: true;
  /** The repository a promoted image came from. */
  from?: string;
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

/** One release of the environment as `command: history` lists it (also its `--json` element). */
export interface HistoryEntry {
  release: string;
  /** '' when the record has none (the baseline). */
  commit: string;
  /** null: the release never recorded how it ended (unfinished, or killed). */
  outcome: ReleaseOutcome | null;
  /** When its first own revision was registered (ISO 8601). */
  registeredAt: string;
  runUrl: string | null;
  /** The release the services run now. */
  running: boolean;
  services: HistoryService[];
}

export interface HistoryService {
  service: string;
  /** The revision the service runs in this release; null when unknown. */
  taskDefinition: string | null;
  /** The release that registered it: this one, or an older one for a service this release left alone. */
  fromRelease: string | null;
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
  /** `command: history`: the environment's releases, newest first. */
  history?: HistoryEntry[];
  /** The ground checks' findings (docs/ground.md), when they ran. */
  ground?: GroundFinding[];
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
