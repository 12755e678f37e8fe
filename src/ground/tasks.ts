/** What a task definition needs to start, parsed without AWS (docs/ground.md#tasks). */
import type { ContainerDefinition, LoadBalancer, TaskDefinition } from '@aws-sdk/client-ecs';

const ECS_TASKS = 'ecs-tasks.amazonaws.com';

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Principal?: { Service?: string | string[] } | string;
}

/** Whether a role's trust policy (GetRole's URL-encoded JSON) lets ECS tasks assume it. */
export function trustsEcsTasks(encodedPolicy: string | undefined): boolean {
  if (!encodedPolicy) return false;
  let doc: { Statement?: Statement | Statement[] };
  try {
    doc = JSON.parse(decodeURIComponent(encodedPolicy));
  } catch {
    try {
      doc = JSON.parse(encodedPolicy);
    } catch {
      return false;
    }
  }
  const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
  return statements.some(
    (s) => s.Effect === 'Allow' && assumes(s.Action) && principalIsEcsTasks(s.Principal),
  );
}

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function assumes(action: string | string[] | undefined): boolean {
  return list(action).some((a) => ['sts:assumerole', 'sts:*', '*'].includes(a.toLowerCase()));
}

function principalIsEcsTasks(principal: Statement['Principal']): boolean {
  if (principal === undefined || typeof principal === 'string') return false;
  return list(principal.Service).includes(ECS_TASKS);
}

export interface ArnParts {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

export function parseArn(arn: string): ArnParts | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const [, partition = '', service = '', region = '', account = ''] = parts;
  return { partition, service, region, account, resource: parts.slice(5).join(':') };
}

/** A role ARN's name (GetRole takes the last path segment). */
export function roleName(arn: string): string {
  return arn.split('/').pop() ?? arn;
}

/** Where a `valueFrom` points: a secret (its id for DescribeSecret), a parameter (its name), or elsewhere. */
export type SecretRef =
  | { store: 'secretsmanager'; id: string; account?: string; region?: string }
  | { store: 'ssm'; name: string; account?: string; region?: string }
  | { store: 'unknown' };

/**
 * `secrets[].valueFrom`: a Secrets Manager ARN, full or partial, optionally followed by
 * `:json-key:version-stage:version-id`; an SSM parameter ARN; or a parameter name.
 */
export function parseValueFrom(valueFrom: string): SecretRef {
  const arn = parseArn(valueFrom);
  if (!arn) return valueFrom ? { store: 'ssm', name: valueFrom } : { store: 'unknown' };
  const where = { account: arn.account, region: arn.region };
  if (arn.service === 'secretsmanager' && arn.resource.startsWith('secret:')) {
    // arn:partition:secretsmanager:region:account:secret:name[:json-key:stage:id]
    return { store: 'secretsmanager', id: valueFrom.split(':').slice(0, 7).join(':'), ...where };
  }
  if (arn.service === 'ssm' && arn.resource.startsWith('parameter/')) {
    const rest = arn.resource.slice('parameter/'.length);
    // A hierarchical name's leading slash merges into the ARN's `parameter/`.
    return { store: 'ssm', name: rest.includes('/') ? `/${rest}` : rest, ...where };
  }
  return { store: 'unknown' };
}

/** A reference of another account or region: this run's credentials cannot see it. */
export function isForeign(
  ref: { account?: string; region?: string },
  account: string,
  region: string,
): boolean {
  return (!!ref.account && ref.account !== account) || (!!ref.region && ref.region !== region);
}

export interface TaskNeeds {
  roles: { field: 'executionRoleArn' | 'taskRoleArn'; arn: string }[];
  secrets: { container: string; valueFrom: string; field: string }[];
  logGroups: { container: string; group: string; region?: string }[];
}

/** Every role, secret, parameter and log group a task definition names. */
export function taskNeeds(td: TaskDefinition): TaskNeeds {
  const needs: TaskNeeds = { roles: [], secrets: [], logGroups: [] };
  if (td.executionRoleArn) needs.roles.push({ field: 'executionRoleArn', arn: td.executionRoleArn });
  if (td.taskRoleArn) needs.roles.push({ field: 'taskRoleArn', arn: td.taskRoleArn });
  for (const c of td.containerDefinitions ?? []) containerNeeds(c, needs);
  return needs;
}

function containerNeeds(c: ContainerDefinition, needs: TaskNeeds): void {
  const container = c.name ?? '?';
  for (const s of c.secrets ?? []) {
    if (s.valueFrom) needs.secrets.push({ container, valueFrom: s.valueFrom, field: `secret ${s.name}` });
  }
  const credentials = c.repositoryCredentials?.credentialsParameter;
  if (credentials) needs.secrets.push({ container, valueFrom: credentials, field: 'repositoryCredentials' });
  const log = c.logConfiguration;
  const group = log?.options?.['awslogs-group'];
  if (log?.logDriver !== 'awslogs' || !group) return;
  if (log.options?.['awslogs-create-group']?.toLowerCase() === 'true') return;
  const region = log.options?.['awslogs-region'];
  needs.logGroups.push({ container, group, ...(region ? { region } : {}) });
}

/** A service's `loadBalancers[]` entries whose container or port the task definition lacks. */
export function missingLoadBalancerTargets(
  td: TaskDefinition,
  loadBalancers: readonly LoadBalancer[],
): { entry: LoadBalancer; problem: string }[] {
  const out: { entry: LoadBalancer; problem: string }[] = [];
  for (const lb of loadBalancers) {
    if (!lb.containerName) continue;
    const container = td.containerDefinitions?.find((c) => c.name === lb.containerName);
    if (!container) {
      const names = (td.containerDefinitions ?? []).map((c) => c.name).join(', ');
      out.push({ entry: lb, problem: `has no container ${lb.containerName} (it has ${names || 'none'})` });
      continue;
    }
    if (lb.containerPort === undefined) continue;
    if (!(container.portMappings ?? []).some((p) => p.containerPort === lb.containerPort)) {
      out.push({
        entry: lb,
        problem: `container ${lb.containerName} maps no port ${lb.containerPort}`,
      });
    }
  }
  return out;
}
