import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { LoadBalancer, Task, TaskDefinition } from '@aws-sdk/client-ecs';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { shortArn } from '../aws/arn';
import type { StageContext } from '../runtime/context';
import { type TaskReader, taskId } from './tasks';

const LOG_LINES = 10;

/** Why a task stopped, from its own record: stop code, reason, and each container's exit. */
export function describeStoppedTask(task: Task): string[] {
  const revision = shortArn(task.taskDefinitionArn);
  const lines = [
    `stopped task ${taskId(task)} (${revision}): ${task.stopCode ?? 'no stop code'}: ${task.stoppedReason ?? 'no reason given'}`,
  ];
  for (const c of task.containers ?? []) {
    if (c.exitCode === undefined && !c.reason) continue;
    const exit = c.exitCode !== undefined ? `exit code ${c.exitCode}` : 'no exit code';
    lines.push(`  container ${c.name ?? '?'}: ${exit}${c.reason ? ` (${c.reason})` : ''}`);
  }
  return lines;
}

/** The containers worth reading logs of: those that failed, else all of them (at most two). */
function failingContainers(task: Task): string[] {
  const failed = (task.containers ?? []).filter(
    (c) => (c.exitCode !== undefined && c.exitCode !== 0) || c.reason,
  );
  const pick = failed.length > 0 ? failed : (task.containers ?? []);
  return pick
    .map((c) => c.name ?? '')
    .filter(Boolean)
    .slice(0, 2);
}

/** The awslogs stream of a container: `<prefix>/<container>/<task id>` (docs/aws-facts.md "Tasks"). */
export function logStream(
  td: TaskDefinition,
  container: string,
  id: string,
): { group: string; stream: string } | string {
  const def = td.containerDefinitions?.find((c) => c.name === container);
  const log = def?.logConfiguration;
  if (log?.logDriver !== 'awslogs')
    return `container ${container} logs with ${log?.logDriver ?? 'no log driver'}, not awslogs: no log lines here`;
  const group = log.options?.['awslogs-group'];
  const prefix = log.options?.['awslogs-stream-prefix'];
  if (!group || !prefix)
    return `container ${container}: awslogs without awslogs-stream-prefix: the stream cannot be found by task id`;
  return { group, stream: `${prefix}/${container}/${id}` };
}

export async function lastLogLines(ctx: StageContext, reader: TaskReader, task: Task): Promise<string[]> {
  const td = task.taskDefinitionArn ? await reader.definition(task.taskDefinitionArn) : undefined;
  if (!td) return [];
  const out: string[] = [];
  for (const container of failingContainers(task)) {
    const where = logStream(td, container, taskId(task));
    if (typeof where === 'string') {
      out.push(`  ${where}`);
      continue;
    }
    try {
      const res = await ctx.aws.logs.send(
        new GetLogEventsCommand({
          logGroupName: where.group,
          logStreamName: where.stream,
          limit: LOG_LINES,
          startFromHead: false,
        }),
        { abortSignal: ctx.signal },
      );
      const events = res.events ?? [];
      if (events.length === 0)
        out.push(`  container ${container}: no log lines in ${where.group} ${where.stream}`);
      else {
        out.push(`  last log lines of ${container} (${where.group} ${where.stream}):`);
        for (const e of events) out.push(`    | ${(e.message ?? '').replace(/\s+$/, '')}`);
      }
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      out.push(`  container ${container}: could not read ${where.group} ${where.stream} (${why})`);
    }
  }
  return out;
}

export const groupName = (arn: string) => arn.split(':targetgroup/').pop()?.split('/')[0] ?? arn;

/** Targets of the service's target groups that are not healthy, with the ALB's reason codes. */
export async function unhealthyTargets(ctx: StageContext, loadBalancers: LoadBalancer[]): Promise<string[]> {
  const out: string[] = [];
  for (const arn of new Set(loadBalancers.map((lb) => lb.targetGroupArn ?? '').filter(Boolean))) {
    try {
      const res = await ctx.aws.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }), {
        abortSignal: ctx.signal,
      });
      for (const d of res.TargetHealthDescriptions ?? []) {
        const h = d.TargetHealth;
        // initial, draining and unused are a target's normal life; only failing checks explain a failure.
        if (!h || (h.State !== 'unhealthy' && h.State !== 'unavailable')) continue;
        const reason = [h.Reason, h.Description].filter(Boolean).join(': ');
        out.push(
          `target ${d.Target?.Id ?? '?'}:${d.Target?.Port ?? '?'} in ${groupName(arn)}: ${h.State}${reason ? ` (${reason})` : ''}`,
        );
      }
    } catch (error) {
      out.push(
        `target group ${groupName(arn)}: could not read target health (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
  return out;
}

const UNHEALTHY_EVENT =
  /\(task ([0-9a-f]+)\) \(port (\d+)\) is unhealthy in \(target-group ([^)]+)\) due to \((.+)\)\.?$/;

/** ECS's own words on a task's failed ALB health check: `(task …) (port …) is unhealthy in (target-group …) due to (reason …)`. */
export function unhealthyEvent(message: string): { taskId: string; line: string } | undefined {
  const m = UNHEALTHY_EVENT.exec(message);
  if (!m?.[1] || !m[3]) return undefined;
  return { taskId: m[1], line: `  target ${m[2] ?? '?'} unhealthy in ${groupName(m[3])}: ${m[4] ?? ''}` };
}
