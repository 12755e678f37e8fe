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

/**
 * Reads the watch loop makes only when a decision needs them, each paid from the read
 * budget (borrowed: a verdict waits for no poll). Tasks already read that cannot have
 * changed what a verdict looks at are kept, so a later round reads only new ones.
 */
export class TaskReader {
  private readonly definitions = new Map<string, Promise<TaskDefinition | undefined>>();
  /** By task id: RUNNING tasks (address and ports fixed for their life) and STOPPED ones (final). */
  private readonly known = new Map<string, Task>();

  constructor(
    private readonly ctx: StageContext,
    private readonly budget: ReadBudget,
  ) {}

  /** Tasks a deployment started (`startedBy` = the deployment id), running or stopped. */
  async deploymentTasks(deploymentId: string, desiredStatus: 'RUNNING' | 'STOPPED'): Promise<Task[]> {
    const { ctx } = this;
    const arns: string[] = [];
    await this.budget.borrow(1, ctx.signal);
    const pages = paginateListTasks(
      { client: ctx.aws.ecs, pageSize: 100 },
      { cluster: ctx.config.cluster, startedBy: deploymentId, desiredStatus },
    );
    let first = true;
    for await (const page of pages) {
      if (!first) await this.budget.borrow(1, ctx.signal);
      first = false;
      arns.push(...(page.taskArns ?? []));
    }
    // Running tasks already read are still what they were; stopping ones are read afresh.
    return desiredStatus === 'RUNNING' ? this.recall(arns) : this.describe(arns);
  }

  /** Always read afresh (a diagnosis wants the task as it is now); what comes back is kept. */
  async describe(arns: string[]): Promise<Task[]> {
    const out: Task[] = [];
    for (const batch of chunks(arns, 100)) {
      await this.budget.borrow(1, this.ctx.signal);
      const res = await this.ctx.aws.ecs.send(
        new DescribeTasksCommand({ cluster: this.ctx.config.cluster, tasks: batch }),
        { abortSignal: this.ctx.signal },
      );
      for (const t of res.tasks ?? []) this.keep(t);
      out.push(...(res.tasks ?? []));
    }
    return out;
  }

  /**
   * Tasks by id or ARN, of any services: the kept ones from memory, the rest 100 per
   * DescribeTasks. `spare` (tasks a later verdict will want) fills the calls' free room,
   * so it costs no read of its own; only the tasks of `refs` are returned.
   */
  async recall(refs: string[], spare: string[] = []): Promise<Task[]> {
    const ids = unique(refs);
    const kept = ids.flatMap((id) => this.known.get(id) ?? []);
    const missing = ids.filter((id) => !this.known.has(id));
    if (missing.length === 0) return kept;
    const room = Math.ceil(missing.length / 100) * 100 - missing.length;
    const extra = unique(spare)
      .filter((id) => !this.known.has(id) && !missing.includes(id))
      .slice(0, room);
    const wanted = new Set(missing);
    const fresh = (await this.describe([...missing, ...extra])).filter((t) => wanted.has(taskId(t)));
    return [...kept, ...fresh];
  }

  /** A kept task whose target was not healthy may have stopped since: read it again next time. */
  forget(task: Task): void {
    this.known.delete(taskId(task));
  }

  private keep(task: Task): void {
    const settled =
      task.lastStatus === 'STOPPED' || (task.lastStatus === 'RUNNING' && task.desiredStatus === 'RUNNING');
    if (settled && task.taskArn) this.known.set(taskId(task), task);
  }

  /** Task definitions change never: one read per revision for the whole run. */
  definition(arn: string): Promise<TaskDefinition | undefined> {
    let d = this.definitions.get(arn);
    if (!d) {
      d = (async () => {
        await this.budget.borrow(1, this.ctx.signal);
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

/** Task ids (an ARN's last part), each once. */
const unique = (refs: string[]) => [...new Set(refs.map((r) => r.slice(r.lastIndexOf('/') + 1)))];
