import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { formatDuration } from '../config/duration';
import type { MigrationConfig } from '../config/types';
import type { StageContext } from '../runtime/context';
import { MigrationError, tail } from './errors';
import type { MigrationTarget } from './target';
import { taskOutcome } from './task-outcome';
import { TaskOutput } from './task-output';
import { startMigrationTask, stopMigrationTask } from './task-start';
import { watchMigrationTask } from './task-watch';

const taskIdOf = (arn: string): string => arn.split('/').pop() ?? arn;

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
  const revision = `${definition.family}:${definition.revision}`;
  const taskArn = await startMigrationTask(ctx, target, definition, migration);
  const taskId = taskIdOf(taskArn);
  const startedAt = ctx.clock.now();
  ctx.log.info(`migration: task ${taskId} started (${taskArn})`);
  if (ctx.signal.aborted) {
    await stopMigrationTask(ctx, taskArn, 'ecs-release: the release was cancelled');
    throw ctx.signal.reason;
  }

  const container = definition.containerDefinitions?.find((c) => c.name === target.container);
  const output = new TaskOutput(ctx, target.container, container, taskId);
  output.follow();
  const task = await watchMigrationTask(
    ctx,
    {
      taskArn,
      taskId,
      container: target.container,
      deadline: startedAt + migration.timeoutMs,
      timeoutMs: migration.timeoutMs,
    },
    output,
  );
  await output.drainAfterStop(task);

  const ms = ctx.clock.now() - startedAt;
  const outcome = taskOutcome(task, target.container);
  if (outcome?.ok) {
    ctx.log.info(`migration: task ${taskId} exited 0 after ${formatDuration(ms)}`);
    return { taskArn, ms };
  }
  const summary = outcome?.summary ?? 'the task stopped without a status';
  const lines = output.lastLines.toArray();
  throw new MigrationError(
    `migration failed: ${summary} (task ${taskId}, ${revision}). Nothing was deployed.${output.follower || lines.length > 0 ? tail(lines) : ''}`,
    outcome?.kind ?? 'lost',
    { taskArn, ...(outcome?.exitCode !== undefined && { exitCode: outcome.exitCode }), lastLines: lines },
  );
}
