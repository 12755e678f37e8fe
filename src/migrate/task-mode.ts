import {
  DescribeTasksCommand,
  RunTaskCommand,
  type RunTaskCommandOutput,
  StopTaskCommand,
  type Task,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { formatDuration } from '../config/duration';
import type { MigrationConfig } from '../config/types';
import type { StageContext } from '../runtime/context';
import { MigrationError, tail } from './errors';
import { LogFollower } from './log-follower';
import { logTarget } from './log-target';
import { nextDelay, POLL_MIN_MS } from './poll';
import { clip, Ring } from './ring';
import { runTaskInput } from './run-task-input';
import type { MigrationTarget } from './target';
import { taskOutcome } from './task-outcome';

/** Lines quoted in a failure. */
export const TAIL_LINES = 20;
/** After STOPPED, awslogs may deliver the last batch a little later: read again this often while lines still come. */
const DRAIN_GRACE_MS = 2000;
const DRAIN_GRACE_ROUNDS = 3;
/** DescribeTasks is eventually consistent just after RunTask (AWS-BEHAVIOUR section 4). */
const MISSING_FOR_MS = 60_000;

const taskIdOf = (arn: string): string => arn.split('/').pop() ?? arn;

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * One-off ECS task of the release's new revision with the migration command,
 * its output streamed into the job log while it runs. Resolves on exit code 0;
 * anything else throws a MigrationError that says why, with the last lines.
 */
export async function runMigrationTask(
  ctx: StageContext,
  target: MigrationTarget,
  definition: TaskDefinition,
  migration: MigrationConfig,
): Promise<{ taskArn: string; ms: number }> {
  const { ecs } = ctx.aws;
  const { cluster, release } = ctx.config;
  const service = target.rendered.live.config.service;
  const taskDefinitionArn = target.rendered.targetArn;
  const revision = `${definition.family}:${definition.revision}`;
  const { input, notes } = runTaskInput({
    cluster,
    taskDefinitionArn,
    container: target.container,
    command: migration.command,
    release,
    service: target.rendered.live.service,
  });
  for (const note of notes) ctx.log.info(`migration: ${note}`);
  ctx.log.info(
    `migration: running ${JSON.stringify(migration.command)} in container ${target.container} of ${revision} (service ${service}'s network) in cluster ${cluster}`,
  );

  // No abort signal on RunTask: if it started a task, we must know its ARN to stop it.
  let run: RunTaskCommandOutput;
  try {
    run = await ecs.send(new RunTaskCommand(input));
  } catch (error) {
    throw new MigrationError(
      `migration: RunTask of ${revision} in cluster ${cluster} failed: ${errorText(error)}; nothing was deployed`,
      'run-failed',
    );
  }
  const failures = run.failures ?? [];
  const started = run.tasks?.[0];
  if (!started?.taskArn) {
    const why =
      failures.map((f) => [f.reason, f.detail].filter(Boolean).join(': ')).join('; ') ||
      'no task and no failure returned';
    const capacity = failures.some((f) => f.reason?.startsWith('RESOURCE:'));
    throw new MigrationError(
      `migration: ECS could not start the migration task of ${revision} in cluster ${cluster}: ${why}${capacity ? ' (no capacity: re-run later, or add capacity to the cluster)' : ''}; nothing was deployed`,
      'run-failed',
    );
  }
  const taskArn = started.taskArn;
  const taskId = taskIdOf(taskArn);
  const startedAt = ctx.clock.now();
  ctx.log.info(`migration: task ${taskId} started (${taskArn})`);

  const stop = async (reason: string): Promise<string | undefined> => {
    try {
      await ecs.send(new StopTaskCommand({ cluster, task: taskArn, reason }));
      return undefined;
    } catch (error) {
      return `StopTask failed too (${errorText(error)}): stop it yourself with \`aws ecs stop-task --cluster ${cluster} --task ${taskArn}\``;
    }
  };
  if (ctx.signal.aborted) {
    await stop('ecs-release: the release was cancelled');
    throw ctx.signal.reason;
  }

  const container = definition.containerDefinitions?.find((c) => c.name === target.container);
  const lastLines = new Ring<string>(TAIL_LINES);
  const onLine = (line: string): void => {
    lastLines.push(clip(line));
    ctx.log.info(`| ${line}`);
  };
  let follower: LogFollower | undefined;
  let followNotice = false;
  const follow = (runtimeId?: string): void => {
    if (follower || followNotice || !container) return;
    const where = logTarget(container, taskId, runtimeId);
    if (where.kind === 'awslogs' && where.region && where.region !== ctx.config.region) {
      followNotice = true;
      ctx.log.notice(
        `migration: container ${target.container} logs to CloudWatch Logs in ${where.region}, not ${ctx.config.region}: its output is not shown here, only the exit code (log group ${where.group}, stream ${where.stream})`,
      );
      return;
    }
    if (where.kind === 'awslogs') {
      follower = new LogFollower(ctx.aws.logs, where.group, where.stream, onLine, ctx.signal);
      ctx.log.info(`migration: output from log group ${where.group}, stream ${where.stream}`);
      return;
    }
    if (where.reason.includes('not known yet')) return;
    followNotice = true;
    ctx.log.notice(`migration: ${where.reason}: its output cannot be shown here, only the exit code`);
  };
  follow();

  const timeout = formatDuration(migration.timeoutMs);
  const deadline = startedAt + migration.timeoutMs;
  let task: Task | undefined;
  let status = '';
  let missingSince: number | undefined;
  let delay = POLL_MIN_MS;
  try {
    for (;;) {
      const out = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }), {
        abortSignal: ctx.signal,
      });
      const described = out.tasks?.[0];
      if (described) {
        follow(described.containers?.find((c) => c.name === target.container)?.runtimeId);
      }
      const drained = follower ? await follower.drain() : { lines: 0, atEnd: true };
      if (described) {
        task = described;
        missingSince = undefined;
        if (described.lastStatus && described.lastStatus !== status) {
          status = described.lastStatus;
          ctx.log.info(`migration: task ${taskId} is ${status}`);
        }
        if (status === 'STOPPED') break;
      } else {
        missingSince ??= ctx.clock.now();
        if (ctx.clock.now() - missingSince >= MISSING_FOR_MS) {
          throw new MigrationError(
            `migration: ECS no longer knows task ${taskArn} (DescribeTasks: MISSING for ${formatDuration(MISSING_FOR_MS)}); check cluster ${cluster}; nothing was deployed`,
            'lost',
            { taskArn, lastLines: lastLines.toArray() },
          );
        }
      }
      const left = deadline - ctx.clock.now();
      if (left <= 0) {
        ctx.log.warning(`migration: time-out after ${timeout}: stopping task ${taskId}`);
        const failedStop = await stop(`ecs-release: migration time-out (${timeout}) reached`);
        await follower?.drainAll().catch(() => 0);
        throw new MigrationError(
          `migration timed out: task ${taskId} was still ${status || 'starting'} after ${timeout} (migration-timeout), so ecs-release stopped it (StopTask)${failedStop ? `; ${failedStop}` : ''}. Nothing was deployed. Raise migration-timeout if the migration needs longer; if it waits on a lock, look at the database's sessions.${tail(lastLines.toArray())}`,
          'timeout',
          { taskArn, lastLines: lastLines.toArray() },
        );
      }
      // Pages still waiting: read on at once.
      if (!drained.atEnd) continue;
      delay = nextDelay(delay, drained.lines);
      await ctx.clock.sleep(Math.min(delay, left), ctx.signal);
    }
  } catch (error) {
    if (ctx.signal.aborted) {
      ctx.log.warning(`migration: cancelled: stopping task ${taskId}`);
      const failedStop = await stop('ecs-release: the release was cancelled');
      if (failedStop) ctx.log.error(`migration: ${failedStop}`);
      throw ctx.signal.reason ?? error;
    }
    if (error instanceof MigrationError) throw error;
    throw new MigrationError(
      `migration: lost track of task ${taskArn} (${errorText(error)}); it may still be running: \`aws ecs describe-tasks --cluster ${cluster} --tasks ${taskArn}\`. Nothing was deployed.`,
      'lost',
      { taskArn, lastLines: lastLines.toArray() },
    );
  }

  const ran = task?.startedAt !== undefined || task?.containers?.some((c) => c.exitCode !== undefined);
  if (follower && ran) {
    await follower.drainAll();
    for (let round = 0; round < DRAIN_GRACE_ROUNDS; round += 1) {
      await ctx.clock.sleep(DRAIN_GRACE_MS, ctx.signal);
      if ((await follower.drainAll()) === 0 && follower.found) break;
    }
    if (!follower.found) {
      ctx.log.notice(
        `migration: log stream ${follower.stream} does not exist in log group ${follower.group}: the container wrote nothing, or the task cannot write to that group`,
      );
    }
  }
  const ms = ctx.clock.now() - startedAt;
  const outcome = task ? taskOutcome(task, target.container) : undefined;
  if (outcome?.ok) {
    ctx.log.info(`migration: task ${taskId} exited 0 after ${formatDuration(ms)}`);
    return { taskArn, ms };
  }
  const summary = outcome?.summary ?? 'the task stopped without a status';
  const lines = lastLines.toArray();
  throw new MigrationError(
    `migration failed: ${summary} (task ${taskId}, ${revision}). Nothing was deployed.${follower || lines.length > 0 ? tail(lines) : ''}`,
    outcome?.kind ?? 'lost',
    { taskArn, ...(outcome?.exitCode !== undefined && { exitCode: outcome.exitCode }), lastLines: lines },
  );
}
