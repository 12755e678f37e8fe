/**
 * Task definition families and revisions.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTaskDefinitions.html
 */
import { AwsError } from '../types.js';
import { clone, type Input, invalid, optString, optTags, reqString } from './input.js';
import type { ContainerDef, TaskDefinition } from './model.js';

export class TaskDefinitions {
  /** family → revisions in order (index = revision - 1). */
  readonly families = new Map<string, TaskDefinition[]>();

  constructor(
    private readonly region: string,
    private readonly account: string,
  ) {}

  register(input: Input, now: number): TaskDefinition {
    const family = reqString(input, 'family');
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(family)) {
      throw new AwsError('ClientException', 'Family contains invalid characters.');
    }
    if (!Array.isArray(input.containerDefinitions) || input.containerDefinitions.length === 0) {
      throw new AwsError('ClientException', 'Container list cannot be empty.');
    }
    const tags = optTags(input) ?? [];
    const { tags: _tags, ...rest } = input;
    const revisions = this.families.get(family) ?? [];
    const revision = revisions.length + 1;
    const td: TaskDefinition = {
      arn: `arn:aws:ecs:${this.region}:${this.account}:task-definition/${family}:${revision}`,
      family,
      revision,
      status: 'ACTIVE',
      registeredAt: now,
      tags,
      body: clone(rest),
    };
    parseContainers(td);
    revisions.push(td);
    this.families.set(family, revisions);
    return td;
  }

  /** `family`, `family:revision` or a full ARN. A bare family means its latest ACTIVE revision. */
  find(ref: string): TaskDefinition | undefined {
    const m = /^(?:arn:aws[a-z-]*:ecs:[^:]+:\d+:task-definition\/)?([A-Za-z0-9_-]+)(?::(\d+))?$/.exec(ref);
    if (!m?.[1]) return undefined;
    const revisions = this.families.get(m[1]);
    if (!revisions) return undefined;
    if (m[2] === undefined) return [...revisions].reverse().find((r) => r.status === 'ACTIVE');
    return revisions[Number(m[2]) - 1];
  }

  get(ref: string): TaskDefinition {
    const td = this.find(ref);
    if (!td) throw new AwsError('ClientException', 'Unable to describe task definition.');
    return td;
  }

  all(): TaskDefinition[] {
    return [...this.families.values()].flat();
  }

  /** The API's TaskDefinition shape: the registered body verbatim plus what ECS adds. */
  describe(td: TaskDefinition): Input {
    const requires = td.body.requiresCompatibilities;
    return {
      ...clone(td.body),
      taskDefinitionArn: td.arn,
      family: td.family,
      revision: td.revision,
      status: td.status,
      registeredAt: new Date(td.registeredAt),
      registeredBy: `arn:aws:sts::${this.account}:assumed-role/lab/ecs-release`,
      ...(td.deregisteredAt !== undefined && { deregisteredAt: new Date(td.deregisteredAt) }),
      requiresAttributes: [],
      compatibilities: Array.isArray(requires) && requires.includes('FARGATE') ? ['EC2', 'FARGATE'] : ['EC2'],
    };
  }
}

/** The parts of container definitions the engine acts on; the body stays verbatim for Describe. */
export function parseContainers(td: TaskDefinition): ContainerDef[] {
  const list = td.body.containerDefinitions;
  if (!Array.isArray(list)) return [];
  return list.map((raw: unknown, i: number) => {
    if (typeof raw !== 'object' || raw === null)
      throw invalid(`containerDefinitions[${i}] must be an object.`);
    const c = raw as Input;
    const name = optString(c, 'name');
    const image = optString(c, 'image');
    if (!name || !image)
      throw new AwsError(
        'ClientException',
        'Container.name and Container.image should not be null or empty.',
      );
    const env = Array.isArray(c.environment) ? (c.environment as Input[]) : [];
    const ports = Array.isArray(c.portMappings) ? (c.portMappings as Input[]) : [];
    const log = (c.logConfiguration ?? {}) as Input;
    const opts = (log.options ?? {}) as Record<string, string>;
    const strings = (v: unknown) => (Array.isArray(v) ? v.map(String) : undefined);
    const def: ContainerDef = {
      name,
      image,
      essential: c.essential !== false,
      environment: env.map((e) => ({ name: String(e.name), value: String(e.value ?? '') })),
      healthCheck: typeof c.healthCheck === 'object' && c.healthCheck !== null,
      portMappings: ports.map((p) => ({ containerPort: Number(p.containerPort) })),
    };
    const command = strings(c.command);
    if (command) def.command = command;
    const entryPoint = strings(c.entryPoint);
    if (entryPoint) def.entryPoint = entryPoint;
    if (log.logDriver === 'awslogs' && opts['awslogs-group']) {
      def.logGroup = opts['awslogs-group'];
      if (opts['awslogs-stream-prefix']) def.logPrefix = opts['awslogs-stream-prefix'];
    }
    if (typeof c.workingDirectory === 'string') def.workingDirectory = c.workingDirectory;
    if (typeof c.user === 'string') def.user = c.user;
    return def;
  });
}
