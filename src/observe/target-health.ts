/** Success (docs/rollout.md "Reading the new tasks at completion"): every new task's target healthy in every target group of the service. */
import type { LoadBalancer, Task } from '@aws-sdk/client-ecs';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { namedErrorText } from '../aws/errors';
import type { StageContext } from '../runtime/context';
import { type TaskReader, taskId, taskTarget } from './tasks';
import type { Watched } from './watched';

type Target = { id?: string; port?: number; state?: string };

/** The targets of each target group the service's load balancers name, by target group ARN. */
async function targetsByGroup(
  ctx: StageContext,
  loadBalancers: LoadBalancer[],
): Promise<Map<string, Target[]>> {
  const byGroup = new Map<string, Target[]>();
  for (const arn of new Set(loadBalancers.map((lb) => lb.targetGroupArn ?? ''))) {
    const res = await ctx.aws.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }), {
      abortSignal: ctx.signal,
    });
    byGroup.set(
      arn,
      (res.TargetHealthDescriptions ?? []).map((d) => ({
        ...(d.Target?.Id !== undefined && { id: d.Target.Id }),
        ...(d.Target?.Port !== undefined && { port: d.Target.Port }),
        ...(d.TargetHealth?.State !== undefined && { state: d.TargetHealth.State }),
      })),
    );
  }
  return byGroup;
}

/** `task <id>: <state>` for every task whose target is not healthy yet in some target group. */
function notHealthy(
  tasks: Task[],
  loadBalancers: LoadBalancer[],
  byGroup: Map<string, Target[]>,
): { task: Task; line: string }[] {
  const waiting: { task: Task; line: string }[] = [];
  for (const task of tasks) {
    for (const lb of loadBalancers) {
      const want = taskTarget(task, lb);
      const found = (byGroup.get(lb.targetGroupArn ?? '') ?? []).find(
        (t) =>
          (want.id === undefined || t.id === want.id) && (want.port === undefined || t.port === want.port),
      );
      if (found?.state !== 'healthy')
        waiting.push({ task, line: `task ${taskId(task)}: ${found?.state ?? 'not registered'}` });
    }
  }
  return waiting;
}

/** A COMPLETED deployment behind a load balancer, and how many tasks its DescribeServices entry counts. */
export interface Completing {
  w: Watched;
  /** runningCount + pendingCount of our deployment: the tasks ListTasks would find. */
  expected: number;
}

/**
 * Our deployment's tasks for each completing service, read together: the tasks ECS's
 * "has started" events named, 100 per DescribeTasks across services, minus those read
 * before. Only a service where those do not add up to its deployment's count pays for
 * a ListTasks of its own (an event missed, a task replaced).
 */
async function newTasks(
  ctx: StageContext,
  reader: TaskReader,
  completing: Completing[],
  spare: Watched[],
): Promise<Map<Watched, Task[]>> {
  const named = await reader.recall(
    completing.flatMap((c) => [...c.w.startedTasks]),
    spare.flatMap((w) => [...w.startedTasks]),
  );
  const out = new Map<Watched, Task[]>();
  for (const { w, expected } of completing) {
    const ours = named.filter((t) => t.startedBy === w.target.deploymentId && t.desiredStatus === 'RUNNING');
    if (ours.length === expected) {
      out.set(w, ours);
      continue;
    }
    try {
      out.set(w, await reader.deploymentTasks(w.target.deploymentId, 'RUNNING'));
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      ctx.log.debug(`${w.target.service}: could not check target health: ${namedErrorText(error)}`);
    }
  }
  return out;
}

/**
 * The services of `completing` whose every new task is healthy in every target group.
 * The tasks of `spare` (services still deploying) ride along in the same reads.
 */
export async function targetsHealthy(
  ctx: StageContext,
  reader: TaskReader,
  completing: Completing[],
  spare: Watched[] = [],
): Promise<Set<Watched>> {
  const healthy = new Set(completing.filter((c) => c.w.loadBalancers.length === 0).map((c) => c.w));
  const behindLb = completing.filter((c) => c.w.loadBalancers.length > 0);
  if (behindLb.length === 0) return healthy;
  let tasks: Map<Watched, Task[]>;
  try {
    tasks = await newTasks(ctx, reader, behindLb, spare);
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    ctx.log.debug(
      `could not read the new tasks of ${behindLb.map((c) => c.w.target.service).join(', ')}: ${namedErrorText(error)}`,
    );
    return healthy;
  }
  for (const { w } of behindLb) {
    if (await targetsOf(ctx, reader, w, tasks.get(w) ?? [])) healthy.add(w);
  }
  return healthy;
}

async function targetsOf(ctx: StageContext, reader: TaskReader, w: Watched, tasks: Task[]): Promise<boolean> {
  try {
    const byGroup = await targetsByGroup(ctx, w.loadBalancers);
    const waiting = notHealthy(tasks, w.loadBalancers, byGroup);
    if (waiting.length > 0) {
      ctx.log.debug(
        `${w.target.service}: COMPLETED, waiting for targets: ${waiting.map((x) => x.line).join(', ')}`,
      );
      for (const x of waiting) reader.forget(x.task);
    }
    return tasks.length > 0 && waiting.length === 0;
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    ctx.log.debug(`${w.target.service}: could not check target health: ${namedErrorText(error)}`);
    return false;
  }
}
