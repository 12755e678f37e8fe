import { PLATFORM_PATTERN } from './bounds';
import { readConfigFile } from './config-file';
import { finalChecks } from './cross-checks';
import { selectEnvironment } from './environment';
import { ConfigError, type Problem } from './errors';
import {
  DEFAULTS,
  gateFromInputs,
  imagesFromInputs,
  migrationFromInputs,
  servicesFromInputs,
} from './from-inputs';
import { groundFromInputs } from './ground';
import { InputReader } from './inputs-parse';
import type { LoadOptions } from './load-options';
import { INPUTS } from './names';
import { promotionFromInput } from './promotion';
import { credentialExpiry, runIdentity, target, unlockRunOf } from './run-identity';
import type { Command, ReleaseConfig } from './types';

export type { LoadOptions, RawInputs } from './load-options';

/**
 * Inputs over the selected environment over the config file, validated into one
 * object. Throws ConfigError listing every problem; never anything else.
 */
export function loadConfig(options: LoadOptions): ReleaseConfig {
  const reader = new InputReader(options.inputs);
  const problems: Problem[] = [];
  const { broken, loaded } = readConfigFile(options, reader, problems);
  const where = loaded ? `${loaded.path}: ` : '';

  const command =
    reader.oneOf<Command>(INPUTS.command, ['deploy', 'rollback', 'plan', 'history', 'check', 'unlock']) ??
    DEFAULTS.command;
  const environment = reader.string(INPUTS.environment) ?? DEFAULTS.environment;
  const sections = selectEnvironment(environment, loaded, problems);
  const platform = reader.matching(INPUTS.platform, PLATFORM_PATTERN, 'os/arch, e.g. linux/amd64');
  const images = imagesFromInputs(reader, sections.images ?? {}, platform);
  const services = servicesFromInputs(reader, sections.services ?? []);
  const migration = migrationFromInputs(reader, sections.migrations, services, options.env);
  const dbInstance = reader.string(INPUTS.dbInstance) ?? sections.migrations?.['db-instance'];
  const snapshot = reader.boolean(INPUTS.dbSnapshot) ?? sections.migrations?.snapshot ?? false;
  const githubToken = reader.string(INPUTS.githubToken);
  const unlockRun = unlockRunOf(reader, command, problems);
  const promote = promotionFromInput(reader.string(INPUTS.images), services, problems);

  const config: ReleaseConfig = {
    command,
    environment,
    // A broken file sets nothing: "cluster is required" would only be noise beside its problem.
    ...target(reader, sections, options.env, broken ? [] : problems),
    ...runIdentity(reader, options, problems, command),
    ...(sections['account-id'] ? { accountId: sections['account-id'] } : {}),
    images,
    ...(promote ? { promote } : {}),
    services,
    ...(migration ? { migration } : {}),
    ...(dbInstance ? { database: { instance: dbInstance, snapshot } } : {}),
    gate: gateFromInputs(reader, sections.gate ?? {}),
    to: reader.string(INPUTS.to) ?? 'previous',
    ...(unlockRun ? { unlockRun } : {}),
    ...(githubToken ? { githubToken } : {}),
    githubDeployment: reader.boolean(INPUTS.githubDeployment) ?? false,
    createRepositories: reader.boolean(INPUTS.createRepositories) ?? true,
    ...groundFromInputs(reader, sections, problems),
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
