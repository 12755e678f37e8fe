/** SPEC 3.4 success: every new task's target healthy in every target group of the service. */
import type { LoadBalancer, Task } from '@aws-sdk/client-ecs';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { StageContext } from '../runtime/context';
import { type TaskReader, taskId, taskTarget } from './tasks';
import { errorText, type Watched } from './watched';

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
function notHealthy(tasks: Task[], loadBalancers: LoadBalancer[], byGroup: Map<string, Target[]>): string[] {
  const waiting: string[] = [];
  for (const task of tasks) {
    for (const lb of loadBalancers) {
      const want = taskTarget(task, lb);
      const found = (byGroup.get(lb.targetGroupArn ?? '') ?? []).find(
        (t) =>
          (want.id === undefined || t.id === want.id) && (want.port === undefined || t.port === want.port),
      );
      if (found?.state !== 'healthy')
        waiting.push(`task ${taskId(task)}: ${found?.state ?? 'not registered'}`);
    }
  }
  return waiting;
}

export async function targetsHealthy(ctx: StageContext, reader: TaskReader, w: Watched): Promise<boolean> {
  if (w.loadBalancers.length === 0) return true;
  try {
    const tasks = await reader.deploymentTasks(w.target.deploymentId, 'RUNNING');
    const waiting = notHealthy(tasks, w.loadBalancers, await targetsByGroup(ctx, w.loadBalancers));
    if (waiting.length > 0)
      ctx.log.debug(`${w.target.service}: COMPLETED, waiting for targets: ${waiting.join(', ')}`);
    return tasks.length > 0 && waiting.length === 0;
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    ctx.log.debug(`${w.target.service}: could not check target health: ${errorText(error)}`);
    return false;
  }
}
