import { parseDocument } from 'yaml';
import { parseDuration } from './duration';
import { ConfigError, type Problem } from './errors';
import { type ConfigFile, configFileSchema, type EnvironmentOverlay } from './file-schema';
import { InputReader } from './inputs-parse';
import { DEFAULT_CONFIG_FILE, INPUT_IMAGE_KEYS, INPUTS, type InputName } from './names';
import type {
  Command,
  ContainerMapping,
  ImageConfig,
  MigrationConfig,
  ReleaseConfig,
  ServiceConfig,
} from './types';
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
    const schema = configFileSchema.shape[key as keyof typeof configFileSchema.shape];
    const section = schema?.safeParse(value);
    if (section?.success) kept[key] = section.data;
  }
  return kept as ConfigFile;
}

function readConfigFile(options: LoadOptions, reader: InputReader, problems: Problem[]) {
  const explicit = reader.string(INPUTS.config);
  const path = explicit ?? DEFAULT_CONFIG_FILE;
  const text = options.readFile(path);
  if (text === undefined) {
    if (explicit)
      problems.push({ key: `input "${INPUTS.config}"`, message: `file "${path}" does not exist` });
    return undefined;
  }
  let document: unknown;
  try {
    const parsed = parseDocument(text, { prettyErrors: true, uniqueKeys: true, logLevel: 'silent' });
    const first = [...parsed.errors, ...parsed.warnings][0];
    if (first) {
      problems.push({ key: path, message: `is not valid YAML: ${first.message.split('\n')[0]}` });
      return undefined;
    }
    document = parsed.toJS({ maxAliasCount: 100 });
  } catch (error) {
    problems.push({
      key: path,
      message: `is not valid YAML: ${error instanceof Error ? error.message : String(error)}`,
    });
    return undefined;
  }
  if (document === null || document === undefined) document = {};
  const parsed = configFileSchema.safeParse(document);
  if (parsed.success) return { path, file: parsed.data };
  problems.push(...problemsFromZod(parsed.error, configFileSchema, path));
  return { path, file: validSections(document) };
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

/**
 * Inputs over the selected environment over the config file, validated into one
 * object. Throws ConfigError listing every problem; never anything else.
 */
export function loadConfig(options: LoadOptions): ReleaseConfig {
  const reader = new InputReader(options.inputs);
  const problems: Problem[] = [];
  const loaded = readConfigFile(options, reader, problems);
  const where = loaded ? `${loaded.path}: ` : '';

  const command = reader.oneOf<Command>(INPUTS.command, ['deploy', 'rollback', 'plan']) ?? DEFAULTS.command;
  const environment = reader.string(INPUTS.environment) ?? DEFAULTS.environment;

  let sections: Sections = loaded?.file ?? {};
  const environments = loaded?.file.environments;
  if (environments) {
    if (!(environment in environments)) {
      problems.push({
        key: `input "${INPUTS.environment}"`,
        message: `"${environment}" is not in ${loaded.path} environments (${Object.keys(environments).join(', ')}); refusing to fall back to the base settings`,
      });
    } else sections = mergeSections(sections, environments[environment]);
  }

  const region =
    reader.string(INPUTS.awsRegion) ??
    sections.region ??
    options.env.AWS_REGION ??
    options.env.AWS_DEFAULT_REGION;
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

  const images = imagesFromInputs(reader, sections.images ?? {}, reader.string(INPUTS.platform));
  const services = servicesFromInputs(reader, sections.services ?? []);

  const fileMigration = sections.migrations;
  const migrationCommand =
    reader.command(INPUTS.migrationCommand) ??
    (typeof fileMigration?.command === 'string'
      ? ['sh', '-c', fileMigration.command]
      : fileMigration?.command);
  const mode =
    reader.oneOf(INPUTS.migrationMode, ['task', 'runner'] as const) ?? fileMigration?.mode ?? 'task';
  const timeoutMs =
    reader.duration(INPUTS.migrationTimeout) ??
    (fileMigration?.timeout ? parseDuration(fileMigration.timeout) : undefined) ??
    DEFAULTS.migrationTimeoutMs;
  const backendService = services.find((s) => s.containers.some((c) => c.image === 'backend'));
  const migrationService =
    fileMigration?.service ?? reader.string(INPUTS.backendService) ?? backendService?.service;
  const migrationContainer =
    fileMigration?.container ??
    reader.string(INPUTS.backendContainer) ??
    backendService?.containers.find((c) => c.image === 'backend')?.container;
  const dbSecret = reader.string(INPUTS.dbSecret) ?? fileMigration?.['db-secret'];
  const migration: MigrationConfig | undefined = migrationCommand
    ? {
        service: migrationService ?? '',
        ...(migrationContainer ? { container: migrationContainer } : {}),
        command: migrationCommand,
        mode,
        timeoutMs,
        always: reader.boolean(INPUTS.migrationAlways) ?? fileMigration?.always ?? false,
        ...(dbSecret ? { dbSecret } : {}),
      }
    : undefined;
  const dbInstance = reader.string(INPUTS.dbInstance) ?? fileMigration?.['db-instance'];
  const snapshot = reader.boolean(INPUTS.dbSnapshot) ?? fileMigration?.snapshot ?? false;

  const gate = sections.gate ?? {};
  const alarmPrefix = reader.string(INPUTS.alarmPrefix) ?? gate['alarm-prefix'];
  const smokeUrl = reader.url(INPUTS.smokeUrl) ?? gate['smoke-url'];
  const commit = options.env.GITHUB_SHA?.trim() || options.gitHead();
  const release = reader.string(INPUTS.release) ?? commit;
  if (!release) {
    problems.push({
      key: `input "${INPUTS.release}"`,
      message: 'no release id: set the input, GITHUB_SHA, or run inside a git checkout',
    });
  } else if (!/^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/.test(release)) {
    problems.push({
      key: `input "${INPUTS.release}"`,
      message: `"${release}" must be 1-128 letters, digits, or . _ + -`,
    });
  }
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: runId } = options.env;
  const githubToken = reader.string(INPUTS.githubToken);
  const [owner, repoName] = (repo ?? '').split('/');
  const to = reader.string(INPUTS.to) ?? 'previous';

  const config: ReleaseConfig = {
    command,
    environment,
    region: region ?? '',
    cluster: cluster ?? '',
    release: release ?? '',
    commit: commit ?? release ?? '',
    ...(server && repo && runId ? { runUrl: `${server}/${repo}/actions/runs/${runId}` } : {}),
    ...(sections['account-id'] ? { accountId: sections['account-id'] } : {}),
    images,
    services,
    ...(migration ? { migration } : {}),
    ...(dbInstance ? { database: { instance: dbInstance, snapshot } } : {}),
    gate: {
      alarms: reader.lines(INPUTS.alarms) ?? gate.alarms ?? [],
      ...(alarmPrefix ? { alarmPrefix } : {}),
      bakeTimeMs:
        reader.duration(INPUTS.bakeTime) ??
        (gate['bake-time'] ? parseDuration(gate['bake-time']) : undefined) ??
        DEFAULTS.bakeTimeMs,
      ...(smokeUrl ? { smokeUrl } : {}),
      autoRollback: reader.boolean(INPUTS.autoRollback) ?? gate['auto-rollback'] ?? true,
      waitTimeoutMs:
        reader.duration(INPUTS.waitTimeout) ??
        (gate['wait-timeout'] ? parseDuration(gate['wait-timeout']) : undefined) ??
        DEFAULTS.waitTimeoutMs,
    },
    to,
    ...(githubToken ? { githubToken } : {}),
    githubDeployment: reader.boolean(INPUTS.githubDeployment) ?? false,
    ...(owner && repoName
      ? { github: { owner, repo: repoName, apiUrl: options.env.GITHUB_API_URL || 'https://api.github.com' } }
      : {}),
    createRepositories: reader.boolean(INPUTS.createRepositories) ?? true,
    ...(loaded ? { configFile: loaded.path } : {}),
  };
  if (snapshot && !dbInstance) {
    problems.push({ key: `input "${INPUTS.dbSnapshot}"`, message: `needs "${INPUTS.dbInstance}"` });
  }
  if (command === 'rollback' && to !== 'previous' && !/^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/.test(to)) {
    problems.push({
      key: `input "${INPUTS.to}"`,
      message: `expected "previous", a release id, or a commit SHA (7+ characters), got "${to}"`,
    });
  }
  crossCheck(config, where, problems);
  const all = [...reader.problems, ...problems];
  if (all.length > 0) throw new ConfigError(all);
  return config;
}
