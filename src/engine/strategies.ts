import type { Service } from '@aws-sdk/client-ecs';
import type { StrategyName } from '../model/contracts';
import { rollingStrategy } from './rolling';
import type { Strategy } from './strategy';

/** Every way of moving a service the engine knows; preflight refuses the rest before anything changes. */
const STRATEGIES: readonly Strategy[] = [rollingStrategy];

export function strategyFor(name: StrategyName | undefined): Strategy {
  const found = STRATEGIES.find((s) => s.names.includes(name ?? 'ROLLING'));
  if (!found) throw new Error(`this version of ecs-release cannot move ${name} services`);
  return found;
}

/** Items grouped by the strategy that moves them, in first-seen order. */
export function byStrategy<T>(
  items: readonly T[],
  nameOf: (item: T) => StrategyName | undefined,
): [Strategy, T[]][] {
  const groups = new Map<Strategy, T[]>();
  for (const item of items) {
    const strategy = strategyFor(nameOf(item));
    groups.set(strategy, [...(groups.get(strategy) ?? []), item]);
  }
  return [...groups];
}

const NAMES: readonly StrategyName[] = ['ROLLING', 'BLUE_GREEN', 'LINEAR', 'CANARY'];

/** How ECS moves `service`: its `deploymentConfiguration.strategy`, ROLLING when unset. */
export function strategyOf(service: Pick<Service, 'deploymentConfiguration'>): StrategyName {
  const name = service.deploymentConfiguration?.strategy;
  return NAMES.find((n) => n === name) ?? 'ROLLING';
}
