import type { TaskDefinition } from '@aws-sdk/client-ecs';
import type { MigrationConfig } from '../config/types';
import type { RenderedService, RenderResult } from '../model/contracts';
import { MigrationError } from './errors';

export interface MigrationTarget {
  rendered: RenderedService;
  container: string;
}

function revision(td: TaskDefinition): string {
  return td.family && td.revision !== undefined
    ? `${td.family}:${td.revision}`
    : (td.taskDefinitionArn ?? 'unknown');
}

/**
 * The service whose new revision the migration runs in, and the container in
 * it: the configured one, else the service's only mapped container, else the
 * task definition's only container.
 */
export function migrationTarget(config: MigrationConfig, render: RenderResult): MigrationTarget {
  const rendered = render.services.find((s) => s.live.config.service === config.service);
  if (!rendered) {
    const names = render.services.map((s) => s.live.config.service).join(', ');
    throw new MigrationError(
      `migrations.service "${config.service}" is not one of this release's services (${names || 'none'}): name the service whose task definition runs the migration`,
      'config',
    );
  }
  const td = rendered.live.taskDefinition;
  const inDefinition = (td.containerDefinitions ?? []).map((c) => c.name ?? '');
  if (config.container !== undefined) {
    if (!inDefinition.includes(config.container)) {
      throw new MigrationError(
        `migrations.container "${config.container}" is not a container of ${revision(td)} (service ${config.service}); its containers: ${inDefinition.join(', ')}`,
        'config',
      );
    }
    return { rendered, container: config.container };
  }
  const mapped = rendered.live.containers.map((c) => c.container);
  const only = mapped.length === 1 ? mapped[0] : inDefinition.length === 1 ? inDefinition[0] : undefined;
  if (only === undefined) {
    throw new MigrationError(
      `migrations.container is needed: ${revision(td)} (service ${config.service}) has several containers (${inDefinition.join(', ')}); say which one runs the migration`,
      'config',
    );
  }
  return { rendered, container: only };
}

export function containerImage(td: TaskDefinition, container: string): string | undefined {
  return td.containerDefinitions?.find((c) => c.name === container)?.image;
}
