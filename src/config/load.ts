import { parseDocument } from 'yaml';
import { BAKE_BOUNDS, badTagValue, PLATFORM_PATTERN, TIMEOUT_BOUNDS } from './bounds';
import { parseDuration } from './duration';
import { ConfigError, type Problem } from './errors';
import { type ConfigFile, configFileSchema, type EnvironmentOverlay } from './file-schema';
import { InputReader } from './inputs-parse';
import { migrationEnvironment } from './migration-env';
import { DEFAULT_CONFIG_FILE, INPUT_IMAGE_KEYS, INPUTS, type InputName } from './names';
import type {
  Command,
  ContainerMapping,
  GateConfig,
  ImageConfig,
  MigrationConfig,
  ReleaseConfig,
  ServiceConfig,
} from './types';
import { escapesWorkspace } from './workspace-path';
import { problemsFromZod } from './zod-problems';

export type RawInputs = Partial<Record<InputName, string>>;

export interface LoadOptions {
  inputs: RawInputs;
  env: Readonly<Record<string, string | undefined>>;
  /** Contents of a file relative to the workspace, or undefined when it does not exist. */
  readFile(path: string): string | undefined;
  /** `git rev-parse HEAD`, or undefined outside a checkout. */
  gitHead(): string | undefined;
}

const DEFAULTS = {
  command: 'deploy' as Command,
  environment: 'production',
  platform: 'linux/amd64',
  migrationTimeoutMs: 15 * 60_000,
  bakeTimeMs: 5 * 60_000,
  waitTimeoutMs: 30 * 60_000,
};

type Sections = Omit<EnvironmentOverlay, never>;

/** Objects merge key by key; lists and scalars from the overlay replace the base. */
function mergeSections(base: Sections, overlay: Sections | null | undefined): Sections {
  if (!overlay) return base;
  const images = { ...base.images };
  for (const [key, image] of Object.entries(overlay.images ?? {})) {
    images[key] = { ...images[key], ...image };
  }
  return {
    ...base,
    ...overlay,
    ...(base.images || overlay.images ? { images } : {}),
    ...(base.migrations || overlay.migrations
      ? { migrations: { ...base.migrations, ...overlay.migrations } as Sections['migrations'] }
      : {}),
    ...(base.gate || overlay.gate ? { gate: { ...base.gate, ...overlay.gate } } : {}),
  };
}

/**
 * The sections of a broken file that are valid on their own, so one typo does not
 * also produce "cluster is missing" and the like for keys the file does set.
 */
function validSections(document: unknown): ConfigFile {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return {};
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(document)) {
    // Own keys only: `__proto__` or `toString` must not find Object.prototype's members.
    if (!Object.hasOwn(configFileSchema.shape, key)) continue;
    const section = configFileSchema.shape[key as keyof typeof configFileSchema.shape].safeParse(value);
    if (section?.success) kept[key] = section.data;
  }
  return kept as ConfigFile;
}

/** The file's text, or the problem with it; a problem that is not a missing file stops the load. */
function readText(options: LoadOptions, path: string, explicit: boolean, problems: Problem[]) {
  try {
    const text = options.readFile(path);
    if (text === undefined && explicit) {
      problems.push({ key: `input "${INPUTS.config}"`, message: `file "${path}" does not exist` });
    }
    return text;
  } catch (error) {
    problems.push({
      key: `input "${INPUTS.config}"`,
      message: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
}

/** YAML to a plain value, or undefined after recording why it is not YAML. */
function parseYaml(text: string, path: string, problems: Problem[]): unknown {
  try {
    const parsed = parseDocument(text, { prettyErrors: true, uniqueKeys: true, logLevel: 'silent' });
    const first = [...parsed.errors, ...parsed.warnings][0];
    if (first) {
      problems.push({ key: path, message: `is not valid YAML: ${first.message.split('\n')[0]}` });
      return undefined;
    }
    return parsed.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    problems.push({
      key: path,
      message: `is not valid YAML: ${error instanceof Error ? error.message : String(error)}`,
    });
    return undefined;
  }
}

/**
 * The config file, validated. `broken` when it could not be read or parsed at all:
 * then nothing else is checked, since "cluster: required" would only be noise.
 */
function readConfigFile(options: LoadOptions, reader: InputReader, problems: Problem[]) {
  const explicit = reader.string(INPUTS.config);
  const path = explicit ?? DEFAULT_CONFIG_FILE;
  const before = problems.length;
  const text = readText(options, path, explicit !== undefined, problems);
  const document = text === undefined ? undefined : parseYaml(text, path, problems);
  if (document === undefined) return { broken: problems.length > before };
  const parsed = configFileSchema.safeParse(document);
  if (parsed.success) return { broken: false, loaded: { path, file: parsed.data } };
  problems.push(...problemsFromZod(parsed.error, configFileSchema, path, document));
  return { broken: false, loaded: { path, file: validSections(document) } };
}

function imagesFromInputs(
  reader: InputReader,
  fileImages: NonNullable<ConfigFile['images']>,
  platform: string | undefined,
): ImageConfig[] {
  const keys = new Set([...Object.keys(fileImages), ...INPUT_IMAGE_KEYS]);
  const images: ImageConfig[] = [];
  for (const key of keys) {
    const file = fileImages[key];
    const isInputKey = (INPUT_IMAGE_KEYS as readonly string[]).includes(key);
    const input = (suffix: string) => (isInputKey ? `${key}-${suffix}` : '');
    // Read every input of the key first, so a malformed one is reported even when the key is unused.
    const inputArgs = reader.keyValues(input('build-args'));
    const repository = reader.string(input('repository')) ?? file?.repository;
    if (!repository) continue;
    const context = reader.string(input('context')) ?? file?.context ?? key;
    const buildArgs = Object.fromEntries(
      Object.entries(file?.['build-args'] ?? {}).map(([k, v]) => [k, String(v)]),
    );
    Object.assign(buildArgs, inputArgs ?? {});
    const target = reader.string(input('target')) ?? file?.target;
    images.push({
      key,
      repository,
      context,
      dockerfile:
        reader.string(input('dockerfile')) ?? file?.dockerfile ?? `${context.replace(/\/$/, '')}/Dockerfile`,
      buildArgs,
      ...(target ? { target } : {}),
      platform: platform ?? file?.platform ?? DEFAULTS.platform,
    });
  }
  return images;
}

function servicesFromInputs(
  reader: InputReader,
  fileServices: NonNullable<ConfigFile['services']>,
): ServiceConfig[] {
  let services: ServiceConfig[] = fileServices.map((s) => ({
    service: s.service,
    containers: Object.entries(s.containers).map(([container, image]) => ({ container, image })),
    wave: s.wave ?? 1,
  }));
  for (const key of INPUT_IMAGE_KEYS) {
    const service = reader.string(`${key}-service`);
    const container = reader.string(`${key}-container`);
    if (!service) {
      if (container) {
        // A container input without a service input refines the file's mapping for that image key.
        const matches = services.filter((s) => s.containers.some((c) => c.image === key));
        if (matches.length !== 1 || matches[0]?.containers.length !== 1) {
          reader.problems.push({
            key: `input "${key}-container"`,
            message: `set "${key}-service" too: the config file maps image "${key}" in ${matches.length} service(s)`,
          });
        } else matches[0].containers = [{ container, image: key }];
      }
      continue;
    }
    // The input replaces the file's services that run only this image key (documented in docs/config.md).
    const replaced = services.find((s) => s.containers.every((c) => c.image === key));
    const mapping: ContainerMapping = container ? { container, image: key } : { image: key };
    const kept = replaced?.containers.length === 1 ? replaced.containers[0] : undefined;
    const entry: ServiceConfig = {
      service,
      containers: [container || !kept?.container ? mapping : { container: kept.container, image: key }],
      wave: replaced?.wave ?? 1,
    };
    services = services.filter((s) => !s.containers.every((c) => c.image === key) && s.service !== service);
    services.push(entry);
  }
  return services;
}

function crossCheck(config: ReleaseConfig, where: string, problems: Problem[]): void {
  const imageKeys = new Set(config.images.map((i) => i.key));
  const seen = new Set<string>();
  config.services.forEach((service, index) => {
    if (seen.has(service.service)) {
      problems.push({
        key: `${where}services[${index}].service`,
        message: `"${service.service}" is listed twice`,
      });
    }
    seen.add(service.service);
    for (const mapping of service.containers) {
      if (!imageKeys.has(mapping.image)) {
        const hint = (INPUT_IMAGE_KEYS as readonly string[]).includes(mapping.image)
          ? `set input "${mapping.image}-repository" or images.${mapping.image}.repository`
          : `define images.${mapping.image}`;
        problems.push({
          key: `${where}services[${index}].containers${mapping.container ? `.${mapping.container}` : ''}`,
          message: `image key "${mapping.image}" has no repository: ${hint}`,
        });
      }
    }
  });
  if (config.services.length === 0) {
    problems.push({
      key: 'services',
      message: `no service to release: set inputs "${INPUTS.frontendService}" / "${INPUTS.backendService}" or list services in the config file`,
    });
  }
  const migration = config.migration;
  if (migration && !config.services.some((s) => s.service === migration.service)) {
    problems.push({
      key: `${where}migrations.service`,
      message: migration.service
        ? `"${migration.service}" is not one of the released services (${config.services.map((s) => s.service).join(', ')})`
        : `name the service whose task definition runs the migration (or set input "${INPUTS.backendService}")`,
    });
  }
  if (migration?.mode === 'runner' && !migration.dbSecret) {
    problems.push({
      key: `input "${INPUTS.dbSecret}"`,
      message: 'runner-mode migrations need the DB credentials secret',
    });
  }
  if (migration?.mode === 'runner' && !config.database) {
    problems.push({
      key: `input "${INPUTS.dbInstance}"`,
      message: 'runner-mode migrations need the DB instance for its endpoint',
    });
  }
}

/** The environment's sections merged over the base; only the file's own environment keys count. */
function selectEnvironment(
  environment: string,
  loaded: { path: string; file: ConfigFile } | undefined,
  problems: Problem[],
): Sections {
  const tag = badTagValue(environment);
  if (tag) problems.push({ key: `input "${INPUTS.environment}"`, message: tag });
  const sections: Sections = loaded?.file ?? {};
  const environments = loaded?.file.environments;
  if (!loaded || !environments) return sections;
  // Object.hasOwn, not `in`: "constructor" or "__proto__" must not pass as an environment.
  if (!Object.hasOwn(environments, environment)) {
    problems.push({
      key: `input "${INPUTS.environment}"`,
      message: `"${environment}" is not in ${loaded.path} environments (${Object.keys(environments).join(', ')}); refusing to fall back to the base settings`,
    });
    return sections;
  }
  return mergeSections(sections, environments[environment]);
}

function fileDuration(text: string | undefined): number | undefined {
  return text ? parseDuration(text) : undefined;
}

function migrationFromInputs(
  reader: InputReader,
  fileMigration: Sections['migrations'],
  services: ServiceConfig[],
  env: LoadOptions['env'],
): MigrationConfig | undefined {
  const command =
    reader.command(INPUTS.migrationCommand) ??
    (typeof fileMigration?.command === 'string'
      ? ['sh', '-c', fileMigration.command]
      : fileMigration?.command);
  const mode =
    reader.oneOf(INPUTS.migrationMode, ['task', 'runner'] as const) ?? fileMigration?.mode ?? 'task';
  const timeoutMs =
    reader.duration(INPUTS.migrationTimeout, TIMEOUT_BOUNDS) ??
    fileDuration(fileMigration?.timeout) ??
    DEFAULTS.migrationTimeoutMs;
  const always = reader.boolean(INPUTS.migrationAlways) ?? fileMigration?.always ?? false;
  const backend = services.find((s) => s.containers.some((c) => c.image === 'backend'));
  const service = fileMigration?.service ?? reader.string(INPUTS.backendService) ?? backend?.service;
  const container =
    fileMigration?.container ??
    reader.string(INPUTS.backendContainer) ??
    backend?.containers.find((c) => c.image === 'backend')?.container;
  const dbSecret = reader.string(INPUTS.dbSecret) ?? fileMigration?.['db-secret'];
  if (!command) return undefined;
  return {
    service: service ?? '',
    ...(container ? { container } : {}),
    command,
    mode,
    timeoutMs,
    always,
    ...(dbSecret ? { dbSecret } : {}),
    ...(mode === 'runner' ? { environment: migrationEnvironment(env, fileMigration?.env ?? []) } : {}),
  };
}

function gateFromInputs(reader: InputReader, gate: NonNullable<Sections['gate']>): GateConfig {
  const alarmPrefix = reader.string(INPUTS.alarmPrefix) ?? gate['alarm-prefix'];
  const smokeUrl = reader.url(INPUTS.smokeUrl) ?? gate['smoke-url'];
  const smokeTestUrl = reader.url(INPUTS.smokeTestUrl) ?? gate['smoke-test-url'];
  return {
    alarms: reader.lines(INPUTS.alarms) ?? gate.alarms ?? [],
    ...(alarmPrefix ? { alarmPrefix } : {}),
    bakeTimeMs:
      reader.duration(INPUTS.bakeTime, BAKE_BOUNDS) ?? fileDuration(gate['bake-time']) ?? DEFAULTS.bakeTimeMs,
    ...(smokeUrl ? { smokeUrl } : {}),
    ...(smokeTestUrl ? { smokeTestUrl } : {}),
    autoRollback: reader.boolean(INPUTS.autoRollback) ?? gate['auto-rollback'] ?? true,
    waitTimeoutMs:
      reader.duration(INPUTS.waitTimeout, TIMEOUT_BOUNDS) ??
      fileDuration(gate['wait-timeout']) ??
      DEFAULTS.waitTimeoutMs,
  };
}

const RELEASE_ID = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;

/** The release id and commit, and where this run's GitHub deployment goes. */
function runIdentity(reader: InputReader, options: LoadOptions, problems: Problem[]) {
  const commit = options.env.GITHUB_SHA?.trim() || options.gitHead();
  const release = reader.string(INPUTS.release) ?? commit;
  if (!release) {
    problems.push({
      key: `input "${INPUTS.release}"`,
      message: 'no release id: set the input, GITHUB_SHA, or run inside a git checkout',
    });
  } else if (!RELEASE_ID.test(release)) {
    problems.push({
      key: `input "${INPUTS.release}"`,
      message: `"${release}" must be 1-128 letters, digits, or . _ + -`,
    });
  }
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: runId } = options.env;
  const [owner, repoName] = (repo ?? '').split('/');
  return {
    release: release ?? '',
    commit: commit ?? release ?? '',
    ...(server && repo && runId ? { runUrl: `${server}/${repo}/actions/runs/${runId}` } : {}),
    ...(owner && repoName
      ? { github: { owner, repo: repoName, apiUrl: options.env.GITHUB_API_URL || 'https://api.github.com' } }
      : {}),
  };
}

/** Where the release goes: region and cluster, each required. */
function target(reader: InputReader, sections: Sections, env: LoadOptions['env'], problems: Problem[]) {
  const region =
    reader.string(INPUTS.awsRegion) ?? sections.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) {
    problems.push({
      key: `input "${INPUTS.awsRegion}"`,
      message: 'no region: set the input, "region" in the config file, or AWS_REGION',
    });
  }
  const cluster = reader.string(INPUTS.cluster) ?? sections.cluster;
  if (!cluster) {
    problems.push({
      key: `input "${INPUTS.cluster}"`,
      message: 'required: the ECS cluster name or ARN (input or "cluster" in the config file)',
    });
  }
  return { region: region ?? '', cluster: cluster ?? '' };
}

/** Build contexts and Dockerfiles stay in the workspace: `../../etc` would send /etc to the engine. */
function pathChecks(images: ImageConfig[], where: string, problems: Problem[]): void {
  for (const image of images) {
    for (const field of ['context', 'dockerfile'] as const) {
      if (!escapesWorkspace(image[field])) continue;
      const input = (INPUT_IMAGE_KEYS as readonly string[]).includes(image.key)
        ? ` or input "${image.key}-${field}"`
        : '';
      problems.push({
        key: `${where}images.${image.key}.${field}${input}`,
        message: `"${image[field]}" leaves the workspace: use a path relative to the repository root, without ".."`,
      });
    }
  }
}

/** Checks that span several keys and need the assembled configuration. */
function finalChecks(config: ReleaseConfig, where: string, problems: Problem[]): void {
  if (config.command === 'rollback' && config.to !== 'previous' && !RELEASE_ID.test(config.to)) {
    problems.push({
      key: `input "${INPUTS.to}"`,
      message: `expected "previous", a release id, or a commit SHA (7+ characters), got "${config.to}"`,
    });
  }
  pathChecks(config.images, where, problems);
  crossCheck(config, where, problems);
}

/**
 * Inputs over the selected environment over the config file, validated into one
 * object. Throws ConfigError listing every problem; never anything else.
 */
/** AWS_CREDENTIAL_EXPIRATION as epoch ms; a value that is not a date means "unknown". */
function credentialExpiry(env: LoadOptions['env']): { credentialExpiresAt?: number } {
  const text = env.AWS_CREDENTIAL_EXPIRATION?.trim();
  const at = text ? Date.parse(text) : Number.NaN;
  return Number.isFinite(at) ? { credentialExpiresAt: at } : {};
}

export function loadConfig(options: LoadOptions): ReleaseConfig {
  const reader = new InputReader(options.inputs);
  const problems: Problem[] = [];
  const { broken, loaded } = readConfigFile(options, reader, problems);
  const where = loaded ? `${loaded.path}: ` : '';

  const command = reader.oneOf<Command>(INPUTS.command, ['deploy', 'rollback', 'plan']) ?? DEFAULTS.command;
  const environment = reader.string(INPUTS.environment) ?? DEFAULTS.environment;
  const sections = selectEnvironment(environment, loaded, problems);
  const platform = reader.matching(INPUTS.platform, PLATFORM_PATTERN, 'os/arch, e.g. linux/amd64');
  const images = imagesFromInputs(reader, sections.images ?? {}, platform);
  const services = servicesFromInputs(reader, sections.services ?? []);
  const migration = migrationFromInputs(reader, sections.migrations, services, options.env);
  const dbInstance = reader.string(INPUTS.dbInstance) ?? sections.migrations?.['db-instance'];
  const snapshot = reader.boolean(INPUTS.dbSnapshot) ?? sections.migrations?.snapshot ?? false;
  const githubToken = reader.string(INPUTS.githubToken);

  const config: ReleaseConfig = {
    command,
    environment,
    ...target(reader, sections, options.env, problems),
    ...runIdentity(reader, options, problems),
    ...(sections['account-id'] ? { accountId: sections['account-id'] } : {}),
    images,
    services,
    ...(migration ? { migration } : {}),
    ...(dbInstance ? { database: { instance: dbInstance, snapshot } } : {}),
    gate: gateFromInputs(reader, sections.gate ?? {}),
    to: reader.string(INPUTS.to) ?? 'previous',
    ...(githubToken ? { githubToken } : {}),
    githubDeployment: reader.boolean(INPUTS.githubDeployment) ?? false,
    createRepositories: reader.boolean(INPUTS.createRepositories) ?? true,
    ...(loaded ? { configFile: loaded.path } : {}),
    ...credentialExpiry(options.env),
  };
  // A file that is not even YAML would make every key it sets look missing: report it and the inputs only.
  if (broken) throw new ConfigError([...problems, ...reader.problems]);
  if (snapshot && !dbInstance) {
    problems.push({ key: `input "${INPUTS.dbSnapshot}"`, message: `needs "${INPUTS.dbInstance}"` });
  }
  finalChecks(config, where, problems);
  const all = [...reader.problems, ...problems];
  if (all.length > 0) throw new ConfigError(all);
  return config;
}
