import {
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  type LoadBalancer,
  paginateListTasks,
  type Task,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { shortArn } from '../aws/arn';
import { chunks } from '../aws/batch';
import type { StageContext } from '../runtime/context';
import type { ReadBudget } from './read-budget';

/** Reads the watch loop makes only when a decision needs them, each paid from the read budget. */
export class TaskReader {
  private readonly definitions = new Map<string, Promise<TaskDefinition | undefined>>();

  constructor(
    private readonly ctx: StageContext,
    private readonly budget: ReadBudget,
  ) {}

  /** Tasks a deployment started (`startedBy` = the deployment id), running or stopped. */
  async deploymentTasks(deploymentId: string, desiredStatus: 'RUNNING' | 'STOPPED'): Promise<Task[]> {
    const { ctx } = this;
    const arns: string[] = [];
    await this.budget.take(1, ctx.signal);
    const pages = paginateListTasks(
      { client: ctx.aws.ecs, pageSize: 100 },
      { cluster: ctx.config.cluster, startedBy: deploymentId, desiredStatus },
    );
    let first = true;
    for await (const page of pages) {
      if (!first) await this.budget.take(1, ctx.signal);
      first = false;
      arns.push(...(page.taskArns ?? []));
    }
    return this.describe(arns);
  }

  async describe(arns: string[]): Promise<Task[]> {
    const out: Task[] = [];
    for (const batch of chunks(arns, 100)) {
      await this.budget.take(1, this.ctx.signal);
      const res = await this.ctx.aws.ecs.send(
        new DescribeTasksCommand({ cluster: this.ctx.config.cluster, tasks: batch }),
        { abortSignal: this.ctx.signal },
      );
      out.push(...(res.tasks ?? []));
    }
    return out;
  }

  /** Task definitions change never: one read per revision for the whole run. */
  definition(arn: string): Promise<TaskDefinition | undefined> {
    let d = this.definitions.get(arn);
    if (!d) {
      d = (async () => {
        await this.budget.take(1, this.ctx.signal);
        const out = await this.ctx.aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }), {
          abortSignal: this.ctx.signal,
        });
        return out.taskDefinition;
      })().catch(() => undefined);
      this.definitions.set(arn, d);
    }
    return d;
  }
}

export function taskIp(task: Task): string | undefined {
  for (const a of task.attachments ?? []) {
    const ip = a.details?.find((d) => d.name === 'privateIPv4Address')?.value;
    if (ip) return ip;
  }
  return undefined;
}

/** Where a task is registered in a target group: IP and container port (awsvpc), else the host port. */
export function taskTarget(task: Task, lb: LoadBalancer): { id?: string; port?: number } {
  const ip = taskIp(task);
  if (ip) return { id: ip, ...(lb.containerPort !== undefined && { port: lb.containerPort }) };
  const c = task.containers?.find((x) => x.name === lb.containerName);
  const binding = c?.networkBindings?.find((b) => b.containerPort === lb.containerPort);
  return binding?.hostPort !== undefined ? { port: binding.hostPort } : {};
}

export const taskId = (task: Task) => shortArn(task.taskArn);
