/** Checks that need the assembled configuration: they span several keys. */
import type { Problem } from './errors';
import { INPUT_IMAGE_KEYS, INPUTS } from './names';
import { RELEASE_ID } from './run-identity';
import type { ImageConfig, ReleaseConfig } from './types';
import { escapesWorkspace } from './workspace-path';

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
export function finalChecks(config: ReleaseConfig, where: string, problems: Problem[]): void {
  if (config.command === 'rollback' && config.to !== 'previous' && !RELEASE_ID.test(config.to)) {
    problems.push({
      key: `input "${INPUTS.to}"`,
      message: `expected "previous", a release id, or a commit SHA (7+ characters), got "${config.to}"`,
    });
  }
  pathChecks(config.images, where, problems);
  crossCheck(config, where, problems);
}
