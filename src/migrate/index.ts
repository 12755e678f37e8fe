import { DescribeTaskDefinitionCommand, type TaskDefinition } from '@aws-sdk/client-ecs';
import { formatDuration } from '../config/duration';
import type { MigrationResult, PreflightResult, RenderedService, RenderResult } from '../model/contracts';
import type { StageContext } from '../runtime/context';
import { MigrationError } from './errors';
import { shouldMigrate } from './should-migrate';
import { containerImage, migrationTarget } from './target';
import { runMigrationTask } from './task-mode';

export { MigrationError, type MigrationFailure } from './errors';
export { type MigrationDecision, shouldMigrate } from './should-migrate';

/** The revision the release deploys: the one render registered, or the running one when unchanged. */
async function newDefinition(ctx: StageContext, rendered: RenderedService): Promise<TaskDefinition> {
  if (rendered.targetArn === rendered.previousArn) return rendered.live.taskDefinition;
  const out = await ctx.aws.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: rendered.targetArn }),
    {
      abortSignal: ctx.signal,
    },
  );
  if (!out.taskDefinition) {
    throw new MigrationError(`migration: task definition ${rendered.targetArn} was not found`, 'config');
  }
  return out.taskDefinition;
}

/**
 * Migrate stage: runs the migration command against the database when the
 * migration container's image changes (or always, when configured), after a
 * snapshot when `db-snapshot` is set. A failure throws (MigrationError) before
 * any service changes; migrations are never rolled back.
 */
export async function runMigration(
  ctx: StageContext,
  input: { preflight: PreflightResult; render: RenderResult },
): Promise<MigrationResult> {
  const migration = ctx.config.migration;
  if (!migration || migration.command.length === 0) {
    ctx.log.info('migration: no migration command configured');
    return { outcome: 'skipped', detail: 'no migration command configured' };
  }
  const target = migrationTarget(migration, input.render);
  const { rendered, container } = target;
  const definition = await newDefinition(ctx, rendered);
  const decision = shouldMigrate({
    service: rendered.live.config.service,
    container,
    currentImage: containerImage(rendered.live.taskDefinition, container),
    newImage: containerImage(definition, container),
    always: migration.always,
  });
  ctx.log.info(`migration: ${decision.detail}`);
  if (!decision.migrate) return { outcome: 'skipped', detail: decision.detail };

  // The snapshot (RDS client) and runner mode (Secrets Manager, RDS) load only when used:
  // a task-mode migration's process holds the ECS and Logs clients alone (docs/architecture.md "Budgets").
  const snapshot = ctx.config.database?.snapshot
    ? await (await import('../database/snapshot')).snapshotDatabase(ctx)
    : undefined;
  const snapshotNote = snapshot ? `; snapshot ${snapshot.id} taken before it` : '';
  if (migration.mode === 'runner') {
    const { runMigrationOnRunner } = await import('./runner-mode');
    const { ms } = await runMigrationOnRunner(ctx, migration);
    return {
      outcome: 'succeeded',
      detail: `ran on the runner in ${formatDuration(ms)} (exit code 0)${snapshotNote}`,
      ...(snapshot && { snapshot }),
    };
  }
  const { taskArn, ms } = await runMigrationTask(ctx, target, definition, migration);
  return {
    outcome: 'succeeded',
    detail: `task ${taskArn.split('/').pop()} of ${definition.family}:${definition.revision} exited 0 after ${formatDuration(ms)}${snapshotNote}`,
    taskArn,
    ...(snapshot && { snapshot }),
  };
}
