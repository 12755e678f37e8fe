/** Each part of the release config: its input over the selected sections of the file, over the default. */
import { BAKE_BOUNDS, TIMEOUT_BOUNDS } from './bounds';
import { parseDuration } from './duration';
import type { Sections } from './environment';
import type { ConfigFile } from './file-schema';
import type { InputReader } from './inputs-parse';
import type { LoadOptions } from './load-options';
import { migrationEnvironment } from './migration-env';
import { INPUT_IMAGE_KEYS, INPUTS } from './names';
import type {
  Command,
  ContainerMapping,
  GateConfig,
  ImageConfig,
  MigrationConfig,
  ServiceConfig,
} from './types';

export const DEFAULTS = {
  command: 'deploy' as Command,
  environment: 'production',
  platform: 'linux/amd64',
  migrationTimeoutMs: 15 * 60_000,
  bakeTimeMs: 5 * 60_000,
  waitTimeoutMs: 30 * 60_000,
};

export function imagesFromInputs(
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

export function servicesFromInputs(
  reader: InputReader,
  fileServices: NonNullable<ConfigFile['services']>,
): ServiceConfig[] {
  let services: ServiceConfig[] = fileServices.map((s) => ({
    service: s.service,
    containers: Object.entries(s.containers).map(([container, image]) => ({ container, image })),
    wave: s.wave ?? 1,
  }));
  for (const key of INPUT_IMAGE_KEYS) {
    const service = reader.ecsName(`${key}-service`);
    const container = reader.ecsName(`${key}-container`);
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

function fileDuration(text: string | undefined): number | undefined {
  return text ? parseDuration(text) : undefined;
}

export function migrationFromInputs(
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

export function gateFromInputs(reader: InputReader, gate: NonNullable<Sections['gate']>): GateConfig {
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
