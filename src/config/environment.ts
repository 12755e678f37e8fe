/** The config file's base sections with the selected environment's overlay merged over them. */
import { badEnvironmentName } from './bounds';
import type { Problem } from './errors';
import type { ConfigFile, EnvironmentOverlay } from './file-schema';
import { INPUTS } from './names';

export type Sections = Omit<EnvironmentOverlay, never>;

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

/** The environment's sections merged over the base; only the file's own environment keys count. */
export function selectEnvironment(
  environment: string,
  loaded: { path: string; file: ConfigFile } | undefined,
  problems: Problem[],
): Sections {
  const tag = badEnvironmentName(environment);
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
