/** The config file: read from the workspace, parsed as YAML, validated against its schema. */
import type { Problem } from './errors';
import { type ConfigFile, configFileSchema } from './file-schema';
import type { InputReader } from './inputs-parse';
import type { LoadOptions } from './load-options';
import { DEFAULT_CONFIG_FILE, INPUTS } from './names';
import { keyLines, parseConfigYaml } from './yaml-file';
import { problemsFromZod } from './zod-problems';

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

/** YAML to a plain value within bounds, or undefined after recording why it is not one. */
function parseYaml(text: string, path: string, problems: Problem[]): unknown {
  try {
    return parseConfigYaml(text, path, problems);
  } catch (error) {
    // An alias bomb: the library stops at maxAliasCount.
    problems.push({
      key: path,
      message: `is not valid YAML: ${error instanceof Error ? error.message : String(error)}`,
      file: path,
    });
    return undefined;
  }
}

/**
 * The config file, validated. `broken` when it could not be read or parsed at all:
 * then nothing else is checked, since "cluster: required" would only be noise.
 */
export function readConfigFile(options: LoadOptions, reader: InputReader, problems: Problem[]) {
  const explicit = reader.string(INPUTS.config);
  const path = explicit ?? DEFAULT_CONFIG_FILE;
  const before = problems.length;
  const text = readText(options, path, explicit !== undefined, problems);
  const document = text === undefined ? undefined : parseYaml(text, path, problems);
  if (document === undefined) return { broken: problems.length > before };
  const parsed = configFileSchema.safeParse(document);
  if (parsed.success) return { broken: false, loaded: { path, file: parsed.data } };
  problems.push(...problemsFromZod(parsed.error, configFileSchema, path, document, keyLines(text ?? '')));
  return { broken: false, loaded: { path, file: validSections(document) } };
}
