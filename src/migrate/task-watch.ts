/** Following the migration task with DescribeTasks until it stops, its output streamed meanwhile. */
import { DescribeTasksCommand, type Task } from '@aws-sdk/client-ecs';
import { namedErrorText } from '../aws/errors';
import { formatDuration } from '../config/duration';
import type { StageContext } from '../runtime/context';
import { MigrationError, tail } from './errors';
import { nextDelay, POLL_MIN_MS } from './poll';
import type { TaskOutput } from './task-output';
import { stopMigrationTask } from './task-start';

/** DescribeTasks is eventually consistent just after RunTask (docs/aws-facts.md "Tasks"). */
const MISSING_FOR_MS = 60_000;

export interface RunningTask {
  taskArn: string;
  taskId: string;
  /** The migration's container in the task. */
  container: string;
  deadline: number;
  timeoutMs: number;
}

/** The task once STOPPED; a MigrationError when it is lost or times out; the abort reason when cancelled. */
export async function watchMigrationTask(ctx: StageContext, t: RunningTask, out: TaskOutput): Promise<Task> {
  try {
    return await pollUntilStopped(ctx, t, out);
  } catch (error) {
    if (ctx.signal.aborted) {
      ctx.log.warning(`migration: cancelled: stopping task ${t.taskId}`);
      const failedStop = await stopMigrationTask(ctx, t.taskArn, 'ecs-release: the release was cancelled');
      if (failedStop) ctx.log.error(`migration: ${failedStop}`);
      throw ctx.signal.reason ?? error;
    }
    if (error instanceof MigrationError) throw error;
    throw new MigrationError(
      `migration: lost track of task ${t.taskArn} (${namedErrorText(error)}); it may still be running: \`aws ecs describe-tasks --cluster ${ctx.config.cluster} --tasks ${t.taskArn}\`. Nothing was deployed.`,
      'lost',
      { taskArn: t.taskArn, lastLines: out.lastLines.toArray() },
    );
  }
}

async function pollUntilStopped(ctx: StageContext, t: RunningTask, out: TaskOutput): Promise<Task> {
  const { cluster } = ctx.config;
  let status = '';
  let missingSince: number | undefined;
  let delay = POLL_MIN_MS;
  for (;;) {
    const answer = await ctx.aws.ecs.send(new DescribeTasksCommand({ cluster, tasks: [t.taskArn] }), {
      abortSignal: ctx.signal,
    });
    const described = answer.tasks?.[0];
    if (described) out.follow(described.containers?.find((c) => c.name === t.container)?.runtimeId);
    const drained = await out.drain();
    if (described) {
      missingSince = undefined;
      if (described.lastStatus && described.lastStatus !== status) {
        status = described.lastStatus;
        ctx.log.info(`migration: task ${t.taskId} is ${status}`);
      }
      if (status === 'STOPPED') return described;
    } else {
      missingSince ??= ctx.clock.now();
      if (ctx.clock.now() - missingSince >= MISSING_FOR_MS) {
        throw new MigrationError(
          `migration: ECS no longer knows task ${t.taskArn} (DescribeTasks: MISSING for ${formatDuration(MISSING_FOR_MS)}); check cluster ${cluster}; nothing was deployed`,
          'lost',
          { taskArn: t.taskArn, lastLines: out.lastLines.toArray() },
        );
      }
    }
    const left = t.deadline - ctx.clock.now();
    if (left <= 0) throw await timedOut(ctx, t, out, status);
    // Pages still waiting: read on at once.
    if (!drained.atEnd) continue;
    delay = nextDelay(delay, drained.lines);
    await ctx.clock.sleep(Math.min(delay, left), ctx.signal);
  }
}

/** migration-timeout reached: the task is stopped, and the error says what it was doing. */
async function timedOut(
  ctx: StageContext,
  t: RunningTask,
  out: TaskOutput,
  status: string,
): Promise<MigrationError> {
  const timeout = formatDuration(t.timeoutMs);
  ctx.log.warning(`migration: time-out after ${timeout}: stopping task ${t.taskId}`);
  const failedStop = await stopMigrationTask(
    ctx,
    t.taskArn,
    `ecs-release: migration time-out (${timeout}) reached`,
  );
  await out.follower?.drainAll().catch(() => 0);
  const lines = out.lastLines.toArray();
  return new MigrationError(
    `migration timed out: task ${t.taskId} was still ${status || 'starting'} after ${timeout} (migration-timeout), so ecs-release stopped it (StopTask)${failedStop ? `; ${failedStop}` : ''}. Nothing was deployed. Raise migration-timeout if the migration needs longer; if it waits on a lock, look at the database's sessions.${tail(lines)}`,
    'timeout',
    { taskArn: t.taskArn, lastLines: lines },
  );
}
