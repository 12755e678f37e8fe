/**
 * What the release's tasks need to start, checked read-only: roles and their trust,
 * secrets and parameters (values never read), awslogs groups, the load balancer's
 * container and port (docs/ground.md#tasks).
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { LoadBalancer, TaskDefinition } from '@aws-sdk/client-ecs';
import { GetRoleCommand, type IAMClient } from '@aws-sdk/client-iam';
import { DescribeSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeParametersCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { chunks } from '../aws/batch';
import { errorName, type GroundReads } from './read';
import {
  isForeign,
  missingLoadBalancerTargets,
  parseArn,
  parseValueFrom,
  roleName,
  taskNeeds,
  trustsEcsTasks,
} from './tasks';
import type { RawFinding } from './types';

export interface TaskClients {
  iam: IAMClient;
  secrets: SecretsManagerClient;
  ssm: SSMClient;
  logs: CloudWatchLogsClient;
}

export interface ReleaseTask {
  service: string;
  taskDefinition: TaskDefinition;
  loadBalancers: LoadBalancer[];
}

export interface TaskScope {
  account: string;
  region: string;
}

function family(td: TaskDefinition): string {
  return td.family && td.revision !== undefined
    ? `${td.family}:${td.revision}`
    : (td.family ?? 'task definition');
}

/** Every finding for the release's task definitions; shared references are read once. */
export async function checkTasks(
  clients: TaskClients,
  reads: GroundReads,
  tasks: readonly ReleaseTask[],
  scope: TaskScope,
): Promise<RawFinding[]> {
  const parameters = new ParameterLookup(clients.ssm, reads);
  for (const t of tasks)
    for (const s of taskNeeds(t.taskDefinition).secrets) parameters.want(s.valueFrom, scope);
  const perTask = await Promise.all(
    tasks.map(async (t) => {
      const where = `service ${t.service}, task definition ${family(t.taskDefinition)}`;
      const needs = taskNeeds(t.taskDefinition);
      const found = await Promise.all([
        ...needs.roles.map((r) => checkRole(clients.iam, reads, r, where, scope)),
        ...needs.secrets.map((s) => checkSecret(clients.secrets, parameters, reads, s, where, scope)),
        ...needs.logGroups.map((g) => checkLogGroup(clients.logs, reads, g, where, scope)),
      ]);
      return [...found.flat(), ...loadBalancerFindings(t, where)];
    }),
  );
  return perTask.flat();
}

function loadBalancerFindings(t: ReleaseTask, where: string): RawFinding[] {
  return missingLoadBalancerTargets(t.taskDefinition, t.loadBalancers).map(({ entry, problem }) => ({
    kind: 'task' as const,
    what: `the service's loadBalancers[] names container ${entry.containerName} port ${entry.containerPort}, but the task definition ${problem}`,
    where,
    fix: "add the container or its port mapping to the task definition, or update the service's load balancer entry",
  }));
}

async function checkRole(
  iam: IAMClient,
  reads: GroundReads,
  role: { field: string; arn: string },
  where: string,
  scope: TaskScope,
): Promise<RawFinding[]> {
  const account = parseArn(role.arn)?.account;
  if (account && account !== scope.account) {
    return [notChecked(`${role.field} ${role.arn} is a role of account ${account}`, where)];
  }
  const name = roleName(role.arn);
  const got = await reads.once(`role ${name}`, 'iam:GetRole', `role ${role.arn}`, async () => {
    try {
      return (await iam.send(new GetRoleCommand({ RoleName: name }), reads.opts)).Role ?? null;
    } catch (error) {
      if (errorName(error) === 'NoSuchEntity' || errorName(error) === 'NoSuchEntityException') return null;
      throw error;
    }
  });
  if (got === undefined) return [];
  if (got === null) {
    return [
      {
        kind: 'task',
        what: `${role.field} ${role.arn} does not exist`,
        where,
        fix: `create the role ${name} with a trust policy for ecs-tasks.amazonaws.com, or name an existing role`,
      },
    ];
  }
  if (trustsEcsTasks(got.AssumeRolePolicyDocument)) return [];
  return [
    {
      kind: 'task',
      what: `${role.field} ${role.arn} does not trust ecs-tasks.amazonaws.com: ECS cannot assume it`,
      where,
      fix: `add ecs-tasks.amazonaws.com as a Service principal with sts:AssumeRole to the trust policy of ${name}`,
    },
  ];
}

function notChecked(what: string, where: string): RawFinding {
  return {
    kind: 'not-checked',
    what: `not checked: ${what} (this run's credentials cannot see it)`,
    where,
    fix: 'nothing, if that account grants the task access; check it there',
  };
}

async function checkSecret(
  secrets: SecretsManagerClient,
  parameters: ParameterLookup,
  reads: GroundReads,
  s: { container: string; valueFrom: string; field: string },
  where: string,
  scope: TaskScope,
): Promise<RawFinding[]> {
  const at = `${where}, container ${s.container} (${s.field})`;
  const ref = parseValueFrom(s.valueFrom);
  if (ref.store === 'unknown') return [];
  if (isForeign(ref, scope.account, scope.region))
    return [notChecked(`${s.valueFrom} is in account ${ref.account} / region ${ref.region}`, at)];
  if (ref.store === 'ssm') {
    const exists = await parameters.exists(ref.name);
    if (exists !== false) return [];
    return [
      {
        kind: 'task',
        what: `SSM parameter ${ref.name} does not exist`,
        where: at,
        fix: `create the parameter ${ref.name} (aws ssm put-parameter) or correct valueFrom`,
      },
    ];
  }
  const found = await reads.once(
    `secret ${ref.id}`,
    'secretsmanager:DescribeSecret',
    `secret ${ref.id}`,
    async () => {
      try {
        await secrets.send(new DescribeSecretCommand({ SecretId: ref.id }), reads.opts);
        return true;
      } catch (error) {
        if (errorName(error) === 'ResourceNotFoundException') return false;
        throw error;
      }
    },
  );
  if (found !== false) return [];
  return [
    {
      kind: 'task',
      what: `Secrets Manager secret ${ref.id} does not exist`,
      where: at,
      fix: 'create the secret or correct valueFrom (an ARN, optionally followed by :json-key:version-stage:version-id)',
    },
  ];
}

/** SSM parameters looked up together: DescribeParameters with a `Name` `Equals` filter of up to 10 names a call. */
class ParameterLookup {
  private readonly names = new Set<string>();
  private found?: Promise<Set<string> | undefined>;

  constructor(
    private readonly ssm: SSMClient,
    private readonly reads: GroundReads,
  ) {}

  want(valueFrom: string, scope: TaskScope): void {
    const ref = parseValueFrom(valueFrom);
    if (ref.store === 'ssm' && !isForeign(ref, scope.account, scope.region)) this.names.add(ref.name);
  }

  /** `undefined`: could not be read. */
  async exists(name: string): Promise<boolean | undefined> {
    this.found ??= this.lookUp();
    const found = await this.found;
    return found === undefined ? undefined : found.has(name);
  }

  private async lookUp(): Promise<Set<string> | undefined> {
    const found = new Set<string>();
    const pages = await Promise.all(
      chunks([...this.names], 10).map((batch) =>
        this.reads.once(
          `params ${batch.join(' ')}`,
          'ssm:DescribeParameters',
          'the SSM parameters the tasks name',
          async () => {
            const out: string[] = [];
            let NextToken: string | undefined;
            do {
              const page = await this.ssm.send(
                new DescribeParametersCommand({
                  ParameterFilters: [{ Key: 'Name', Option: 'Equals', Values: batch }],
                  ...(NextToken ? { NextToken } : {}),
                }),
                this.reads.opts,
              );
              out.push(...(page.Parameters ?? []).map((p) => p.Name ?? ''));
              NextToken = page.NextToken;
            } while (NextToken);
            return out;
          },
        ),
      ),
    );
    if (pages.some((p) => p === undefined)) return undefined;
    for (const p of pages) for (const n of p ?? []) found.add(n);
    return found;
  }
}

async function checkLogGroup(
  logs: CloudWatchLogsClient,
  reads: GroundReads,
  g: { container: string; group: string; region?: string },
  where: string,
  scope: TaskScope,
): Promise<RawFinding[]> {
  const at = `${where}, container ${g.container}`;
  if (g.region && g.region !== scope.region)
    return [notChecked(`log group ${g.group} is in region ${g.region}`, at)];
  const found = await reads.once(
    `group ${g.group}`,
    'logs:DescribeLogGroups',
    `log group ${g.group}`,
    async () => {
      let nextToken: string | undefined;
      do {
        const page = await logs.send(
          new DescribeLogGroupsCommand({ logGroupNamePrefix: g.group, ...(nextToken ? { nextToken } : {}) }),
          reads.opts,
        );
        if ((page.logGroups ?? []).some((l) => l.logGroupName === g.group)) return true;
        nextToken = page.nextToken;
      } while (nextToken);
      return false;
    },
  );
  if (found !== false) return [];
  return [
    {
      kind: 'task',
      what: `awslogs group ${g.group} does not exist, and the container does not create it (awslogs-create-group)`,
      where: at,
      fix: `create it (aws logs create-log-group --log-group-name ${g.group}) or set awslogs-create-group "true" (the execution role then needs logs:CreateLogGroup)`,
    },
  ];
}
