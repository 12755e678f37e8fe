/** Starting and stopping the migration's one-off ECS task. */
import {
  RunTaskCommand,
  type RunTaskCommandOutput,
  StopTaskCommand,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { namedErrorText } from '../aws/errors';
import type { MigrationConfig } from '../config/types';
import type { StageContext } from '../runtime/context';
import { MigrationError } from './errors';
import { runTaskInput } from './run-task-input';
import type { MigrationTarget } from './target';

/** RunTask of the new revision with the migration command; the started task's ARN, or a MigrationError. */
export async function startMigrationTask(
  ctx: StageContext,
  target: MigrationTarget,
  definition: TaskDefinition,
  migration: MigrationConfig,
): Promise<string> {
  const { cluster, release } = ctx.config;
  const service = target.rendered.live.config.service;
  const revision = `${definition.family}:${definition.revision}`;
  const { input, notes } = runTaskInput({
    cluster,
    taskDefinitionArn: target.rendered.targetArn,
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
    run = await ctx.aws.ecs.send(new RunTaskCommand(input));
  } catch (error) {
    throw new MigrationError(
      `migration: RunTask of ${revision} in cluster ${cluster} failed: ${namedErrorText(error)}; nothing was deployed`,
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
  return started.taskArn;
}

/** StopTask; undefined when it worked, else what to tell the user (how to stop it by hand). */
export async function stopMigrationTask(
  ctx: StageContext,
  taskArn: string,
  reason: string,
): Promise<string | undefined> {
  const { cluster } = ctx.config;
  try {
    await ctx.aws.ecs.send(new StopTaskCommand({ cluster, task: taskArn, reason }));
    return undefined;
  } catch (error) {
    return `StopTask failed too (${namedErrorText(error)}): stop it yourself with \`aws ecs stop-task --cluster ${cluster} --task ${taskArn}\``;
  }
}
