/**
 * SSM DescribeParameters over seeded parameter names (values are never needed: the
 * ground checks only ask whether a parameter exists). docs/ground.md#the-lab.
 */
import { AwsError, type ServiceOperations, type SimClock } from '../types.js';

export class SsmWorld {
  readonly parameters = new Map<string, { name: string; type: string; modifiedAt: number }>();

  constructor(private readonly deps: { clock: SimClock; region: string; account: string }) {}

  put(name: string, type = 'SecureString'): string {
    this.parameters.set(name, { name, type, modifiedAt: this.deps.clock.now() });
    const path = name.startsWith('/') ? name.slice(1) : name;
    return `arn:aws:ssm:${this.deps.region}:${this.deps.account}:parameter/${path}`;
  }
}

interface Filter {
  Key?: string;
  Option?: string;
  Values?: string[];
}

function matches(name: string, filters: Filter[]): boolean {
  return filters.every((f) => {
    if (f.Key !== 'Name') return true;
    const values = f.Values ?? [];
    const option = f.Option ?? 'Equals';
    if (option === 'Equals') return values.includes(name);
    if (option === 'BeginsWith') return values.some((v) => name.startsWith(v));
    throw new AwsError('InvalidFilterOption', `The filter option ${option} is not valid for key Name.`);
  });
}

export function createSsm(deps: { clock: SimClock; region: string; account: string }): {
  operations: ServiceOperations;
  world: SsmWorld;
} {
  const world = new SsmWorld(deps);
  return {
    world,
    operations: {
      DescribeParameters: (input) => {
        const filters = (input.ParameterFilters as Filter[] | undefined) ?? [];
        for (const f of filters)
          if ((f.Values ?? []).length > 50)
            throw new AwsError('InvalidFilterValue', 'A filter takes at most 50 values.');
        const found = [...world.parameters.values()].filter((p) => matches(p.name, filters));
        return {
          Parameters: found.map((p) => ({
            Name: p.name,
            Type: p.type,
            LastModifiedDate: new Date(p.modifiedAt),
            Version: 1,
            Tier: 'Standard',
            DataType: 'text',
          })),
        };
      },
    },
  };
}
