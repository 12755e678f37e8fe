import { OUTPUTS, STATE } from '../config/names';
import type { ReleaseConfig } from '../config/types';
import { newReport, type Report } from '../model/report';
import { progressOf } from '../post/progress';
import { githubServerOf } from '../report/markdown';
import { renderSummary } from '../report/summary';
import type { StageContext } from '../runtime/context';
import type { Runtime } from '../runtime/runtime';
import { VERSION } from '../version';

export interface RunOutcome {
  exitCode: 0 | 1;
  /** The failure to report with core.setFailed (once, at the top). */
  error?: string;
  report?: Report;
}

/**
 * The main step for a validated configuration: the start line, the command, then what the
 * runner gets back (outputs, the progress the post step reads, the summary) and the exit
 * code. Every stage's work lives in its own module; the entry (entry/main.ts) only reads,
 * runs this, and writes.
 */
export async function run(rt: Runtime, config: ReleaseConfig): Promise<RunOutcome> {
  if (config.githubToken) rt.mask(config.githubToken);

  // The first log line, before anything a later stage needs is loaded (docs/architecture.md "Budgets").
  rt.log.info(startLine(config));
  const report = newReport(config);
  let lastPhase: string | undefined;
  try {
    // Loaded only now: a configuration error is reported before the SDK and the stages are even parsed.
    const [{ runCommand }, aws] = await Promise.all([import('../pipeline/commands'), rt.aws(config.region)]);
    let docker: ReturnType<Runtime['docker']> | undefined;
    const ctx: StageContext = {
      config,
      aws,
      // The engine's client (dockerode) loads only when a stage asks for it.
      docker: () => {
        docker ??= rt.docker();
        return docker;
      },
      clock: rt.clock,
      log: rt.log,
      signal: rt.signal,
      mask: rt.mask,
      workdir: rt.workdir,
    };
    // Saved whenever AWS is about to change, so the post step can report even after a kill.
    const checkpoint = (phase: string) => {
      lastPhase = phase;
      rt.saveState(STATE.progress, JSON.stringify(progressOf(report, phase)));
    };
    await runCommand(ctx, report, checkpoint);
  } catch (error) {
    report.error = error instanceof Error ? error.message : String(error);
    report.result ??= 'failed';
  } finally {
    // A failed run that had changed AWS leaves its phase: the post step then checks each service.
    const settled = !lastPhase || report.result !== 'failed';
    // Read-only commands, and unlock (it moves no service), leave the post step nothing to check.
    if (!['plan', 'history', 'check', 'unlock'].includes(config.command)) {
      rt.saveState(
        STATE.progress,
        JSON.stringify(progressOf(report, settled ? 'done' : (lastPhase ?? 'done'))),
      );
    }
    writeOutputs(rt, report);
    await rt
      .writeSummary(renderSummary(report, { githubServer: githubServerOf(config.runUrl) }))
      .catch((error: unknown) => {
        rt.log.warning(
          `could not write the job summary: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
  }
  const ok = (
    ['deployed', 'unchanged', 'planned', 'listed', 'checked', 'unlocked'] as (string | undefined)[]
  ).includes(report.result);
  return ok
    ? { exitCode: 0, report }
    : { exitCode: 1, error: report.error ?? `release ${report.result}`, report };
}

/** What this run is, in one line: printed first, so the log shows it has started. */
export function startLine(config: ReleaseConfig): string {
  const services = config.services.length;
  return (
    `ecs-release ${VERSION}: ${config.command} of release ${config.release} in ${config.environment} ` +
    `(cluster ${config.cluster}, ${config.region}, ${services} service${services === 1 ? '' : 's'})`
  );
}

function writeOutputs(rt: Runtime, report: Report): void {
  const taskDefinitions = Object.fromEntries(
    report.services.map((s) => [s.service, { previous: s.previous ?? null, current: s.current ?? null }]),
  );
  rt.setOutput(OUTPUTS.release, report.runningRelease ?? '');
  rt.setOutput(OUTPUTS.result, report.result ?? 'failed');
  rt.setOutput(OUTPUTS.images, JSON.stringify(report.images));
  rt.setOutput(OUTPUTS.taskDefinitions, JSON.stringify(taskDefinitions));
}
