/** Why a watched deployment's tasks stopped, printed once per task and kept for the result's detail. */
import type { Task } from '@aws-sdk/client-ecs';
import { namedErrorText } from '../aws/errors';
import type { StageContext } from '../runtime/context';
import { describeStoppedTask, lastLogLines, unhealthyTargets } from './diagnose';
import { type TaskReader, taskId } from './tasks';
import type { Watched } from './watched';

const KEPT_TASK_REPORTS = 3;

/**
 * Stopped tasks of our deployment not reported yet: why they stopped, exit codes, last log lines.
 * `explains` picks the stops worth a report (default: every one); the others are passed over
 * once, so a later diagnosis does not read them again (the built-in watch skips ECS's scale-in).
 */
export async function diagnose(
  ctx: StageContext,
  reader: TaskReader,
  w: Watched,
  withTargets: boolean,
  explains: (task: Task) => boolean = () => true,
): Promise<void> {
  try {
    const stopped = (await reader.deploymentTasks(w.target.deploymentId, 'STOPPED')).filter(
      (t) => t.lastStatus === 'STOPPED' && t.taskArn && !w.reported.has(t.taskArn),
    );
    for (const task of stopped) {
      w.reported.add(task.taskArn ?? '');
      if (!explains(task)) continue;
      const health = w.healthReasons.get(taskId(task));
      const lines = [
        ...describeStoppedTask(task),
        ...(health ? [health] : []),
        ...(await lastLogLines(ctx, reader, task)),
      ];
      for (const l of lines) ctx.log.info(`${w.target.service}: ${l}`);
      w.taskReports.push(lines);
      if (w.taskReports.length > KEPT_TASK_REPORTS) w.taskReports.shift();
    }
    if (withTargets || stopped.length > 0) {
      const targets = await unhealthyTargets(ctx, w.loadBalancers);
      for (const l of targets) ctx.log.info(`${w.target.service}: ${l}`);
      if (targets.length > 0) w.targetReport = targets;
    }
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    ctx.log.debug(`${w.target.service}: could not read the stopped tasks: ${namedErrorText(error)}`);
  }
}
