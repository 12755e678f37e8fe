/** The one resolved, validated configuration every stage reads. */

export type Command = 'deploy' | 'rollback' | 'plan' | 'history' | 'check' | 'unlock';
/** `warn`: ground errors do not refuse a deploy (docs/ground.md). */
export type GroundMode = 'enforce' | 'warn';
export type MigrationMode = 'task' | 'runner';

export interface ImageConfig {
  /** Image key: `frontend`, `backend`, or a key of the config file's `images`. */
  key: string;
  repository: string;
  context: string;
  dockerfile: string;
  buildArgs: Record<string, string>;
  target?: string;
  platform: string;
}

/** An image of an earlier run to deploy by digest instead of building (input `images`, docs/promotion.md). */
export interface PromotedImage {
  /** The source repository: `<host>/<repository>`. */
  uri: string;
  host: string;
  repository: string;
  digest: string;
  /** The source's content tag (the input's `tag`, or the URI's `:tag`), carried over as it is. */
  contentTag?: string;
  /**
   * The region of the run that reported it (the images output's `region`): where to ask
   * GetAuthorizationToken for a registry whose host names none (not an ECR host).
   */
  region?: string;
}

export interface ContainerMapping {
  /** Undefined: the task definition's only container (resolved when rendering). */
  container?: string;
  image: string;
}

export interface ServiceConfig {
  service: string;
  containers: ContainerMapping[];
  wave: number;
}

export interface MigrationConfig {
  /** Service whose new task definition and network the migration task uses. */
  service: string;
  container?: string;
  /** Exec form; a string command becomes `['sh', '-c', command]`. */
  command: string[];
  mode: MigrationMode;
  timeoutMs: number;
  always: boolean;
  /** Secrets Manager ARN of the DB credentials (runner mode). */
  dbSecret?: string;
  /**
   * Runner mode: the environment the migration starts from, taken from the action's
   * environment through the allowlist (src/config/migration-env.ts) when the config
   * is loaded, so the stage never reads process.env.
   */
  environment?: Record<string, string>;
}

export interface DatabaseConfig {
  /** RDS DB instance or Aurora cluster identifier. */
  instance: string;
  snapshot: boolean;
}

export interface GateConfig {
  alarms: string[];
  alarmPrefix?: string;
  bakeTimeMs: number;
  smokeUrl?: string;
  /** Built-in strategies: checked against green's test traffic before production traffic moves (docs/config.md). */
  smokeTestUrl?: string;
  autoRollback: boolean;
  waitTimeoutMs: number;
}

export interface ReleaseConfig {
  command: Command;
  environment: string;
  region: string;
  cluster: string;
  /** Release id: the input, else the commit. */
  release: string;
  commit: string;
  /** The workflow run URL, with its attempt (`…/actions/runs/<id>/attempts/<n>`). */
  runUrl?: string;
  /** This workflow run and its attempt, when running in GitHub Actions. */
  githubRun?: { id: string; attempt: number };
  /** `command: unlock`: the run id whose claim to remove, as a refusal printed it (input `run`). */
  unlockRun?: string;
  accountId?: string;
  images: ImageConfig[];
  /** By image key: the images to promote instead of building (input `images`); absent: build. */
  promote?: Record<string, PromotedImage>;
  services: ServiceConfig[];
  migration?: MigrationConfig;
  database?: DatabaseConfig;
  gate: GateConfig;
  /** Rollback target: `previous`, a release id, or a commit prefix. */
  to: string;
  githubToken?: string;
  githubDeployment: boolean;
  /** Where GitHub deployments go: from GITHUB_REPOSITORY and GITHUB_API_URL, when running in Actions. */
  github?: { owner: string; repo: string; apiUrl: string };
  createRepositories: boolean;
  /**
   * The ground checks (docs/ground.md): declared public hosts, the imported-certificate
   * horizon in days (30), enforce or warn (enforce). The loader always sets them; absent
   * in hand-made configs means the defaults.
   */
  hosts?: string[];
  certificateMinDays?: number;
  ground?: GroundMode;
  /** Where the config file was read from, when one was. */
  configFile?: string;
  /**
   * When the AWS credentials expire (epoch ms), from AWS_CREDENTIAL_EXPIRATION: the
   * reusable workflow passes configure-aws-credentials' `aws-expiration` output there,
   * because the environment credentials it exports carry no expiry the SDK can see.
   */
  credentialExpiresAt?: number;
}
