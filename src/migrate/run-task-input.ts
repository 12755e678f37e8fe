import type { CapacityProviderStrategyItem, RunTaskCommandInput, Service } from '@aws-sdk/client-ecs';

/**
 * A migration interrupted halfway is worse than a slow one: Spot capacity is
 * swapped for on-demand, keeping the strategy's shape (one base, summed weights).
 */
export function onDemandStrategy(
  strategy: readonly CapacityProviderStrategyItem[],
): CapacityProviderStrategyItem[] {
  const merged = new Map<string, CapacityProviderStrategyItem>();
  for (const item of strategy) {
    const provider = item.capacityProvider === 'FARGATE_SPOT' ? 'FARGATE' : (item.capacityProvider ?? '');
    const seen = merged.get(provider);
    if (!seen) {
      merged.set(provider, { ...item, capacityProvider: provider });
      continue;
    }
    seen.weight = (seen.weight ?? 0) + (item.weight ?? 0);
    if (item.base) seen.base = Math.max(seen.base ?? 0, item.base);
  }
  const out = [...merged.values()];
  const first = out[0];
  // RunTask refuses a strategy where every weight is 0.
  if (first && out.every((i) => !i.weight)) first.weight = 1;
  return out;
}

/** `startedBy`: up to 36 letters, digits, `-`, `/`, `_` (ECS API RunTask). */
export function startedByFor(release: string): string {
  return `ecs-release/${release.replace(/[^A-Za-z0-9_/-]/g, '-').slice(0, 24)}`;
}

export interface MigrationTaskSpec {
  cluster: string;
  taskDefinitionArn: string;
  container: string;
  command: string[];
  release: string;
  /** The migration service as DescribeServices returned it: network, launch type, platform. */
  service: Service;
}

/** RunTask of the new revision, in the service's network and on its (on-demand) capacity. */
export function runTaskInput(spec: MigrationTaskSpec): { input: RunTaskCommandInput; notes: string[] } {
  const { service } = spec;
  const notes: string[] = [];
  const input: RunTaskCommandInput = {
    cluster: spec.cluster,
    taskDefinition: spec.taskDefinitionArn,
    count: 1,
    startedBy: startedByFor(spec.release),
    overrides: { containerOverrides: [{ name: spec.container, command: [...spec.command] }] },
  };
  if (service.networkConfiguration) input.networkConfiguration = service.networkConfiguration;
  if (service.launchType) {
    input.launchType = service.launchType;
  } else if (service.capacityProviderStrategy && service.capacityProviderStrategy.length > 0) {
    input.capacityProviderStrategy = onDemandStrategy(service.capacityProviderStrategy);
    if (service.capacityProviderStrategy.some((i) => i.capacityProvider === 'FARGATE_SPOT')) {
      notes.push(
        'the migration runs on FARGATE instead of FARGATE_SPOT: a migration must not be interrupted',
      );
    }
  }
  if (service.platformVersion) input.platformVersion = service.platformVersion;
  return { input, notes };
}
