/** Every action input, output and saved-state name, in one place. */

export const INPUTS = {
  command: 'command',
  config: 'config',
  environment: 'environment',
  awsRegion: 'aws-region',
  cluster: 'cluster',
  release: 'release',
  frontendService: 'frontend-service',
  backendService: 'backend-service',
  frontendContainer: 'frontend-container',
  backendContainer: 'backend-container',
  frontendRepository: 'frontend-repository',
  backendRepository: 'backend-repository',
  frontendContext: 'frontend-context',
  backendContext: 'backend-context',
  frontendDockerfile: 'frontend-dockerfile',
  backendDockerfile: 'backend-dockerfile',
  frontendBuildArgs: 'frontend-build-args',
  backendBuildArgs: 'backend-build-args',
  frontendTarget: 'frontend-target',
  backendTarget: 'backend-target',
  platform: 'platform',
  migrationCommand: 'migration-command',
  migrationMode: 'migration-mode',
  migrationTimeout: 'migration-timeout',
  migrationAlways: 'migration-always',
  dbInstance: 'db-instance',
  dbSnapshot: 'db-snapshot',
  dbSecret: 'db-secret',
  alarms: 'alarms',
  alarmPrefix: 'alarm-prefix',
  bakeTime: 'bake-time',
  smokeUrl: 'smoke-url',
  smokeTestUrl: 'smoke-test-url',
  waitTimeout: 'wait-timeout',
  autoRollback: 'auto-rollback',
  to: 'to',
  run: 'run',
  githubToken: 'github-token',
  githubDeployment: 'github-deployment',
  createRepositories: 'create-repositories',
  hosts: 'hosts',
  certificateMinDays: 'certificate-min-days',
  ground: 'ground',
  images: 'images',
} as const;

export type InputName = (typeof INPUTS)[keyof typeof INPUTS];
export const INPUT_NAMES: readonly InputName[] = Object.values(INPUTS);

export const OUTPUTS = {
  release: 'release',
  result: 'result',
  images: 'images',
  taskDefinitions: 'task-definitions',
} as const;

/** Saved between the main and post steps (core.saveState). */
export const STATE = {
  isPost: 'isPost',
  /** JSON of what the main step had issued, for the post step's report. */
  progress: 'progress',
} as const;

export const DEFAULT_CONFIG_FILE = '.github/ecs-release.yml';

/** Image keys used when everything comes from inputs (docs/config.md "Inputs and the file together"). */
export const INPUT_IMAGE_KEYS = ['frontend', 'backend'] as const;
export type InputImageKey = (typeof INPUT_IMAGE_KEYS)[number];
