import { formatDuration } from '../config/duration';
import type { Report } from '../model/report';
import type { StageContext } from '../runtime/context';

/** Stage names, as log groups and in the summary's timings. */
export const STAGES = {
  configuration: 'Configuration',
  preflight: 'Preflight',
  images: 'Images',
  render: 'Render',
  migrate: 'Migrate',
  rollout: 'Rollout',
  gate: 'Gate',
  commit: 'Commit',
  rollback: 'Rollback',
  history: 'History',
  ground: 'Ground',
} as const;

function returnedFailure(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'ok' in value && value.ok === false;
}

/** One log group per stage, with its duration recorded in the report. */
export async function stage<T>(
  ctx: StageContext,
  report: Report,
  name: string,
  fn: () => Promise<T>,
): Promise<T> {
  const started = ctx.clock.now();
  return ctx.log.group(name, async () => {
    try {
      const value = await fn();
      const ms = ctx.clock.now() - started;
      // A stage that returns its failure (the gate, the rollout) failed: the summary, log and post step say so.
      if (returnedFailure(value)) {
        report.stages.push({ stage: name, ms, outcome: 'failed' });
        ctx.log.info(`${name}: failed after ${formatDuration(ms)}`);
        return value;
      }
      report.stages.push({ stage: name, ms, outcome: 'ok' });
      ctx.log.info(`${name}: done in ${formatDuration(ms)}`);
      return value;
    } catch (error) {
      const ms = ctx.clock.now() - started;
      report.stages.push({ stage: name, ms, outcome: 'failed' });
      ctx.log.info(`${name}: failed after ${formatDuration(ms)}`);
      throw error;
    }
  });
}
