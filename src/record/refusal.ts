/**
 * What a refused run prints (docs/rollout.md, "One release at a time"): the run that
 * holds the environment, where to see it, when its claim expires, and the exact command
 * that clears it when that run is dead, in the workflow and in a shell.
 */
import type { ReleaseConfig } from '../config/types';
import { type RunRef, runIdText, runOfClaimId } from './run-status';

/** A run's page on this repository's GitHub, when this run knows its server (claims carry only the run id). */
export function runLink(config: Pick<ReleaseConfig, 'runUrl'>, run: RunRef): string | undefined {
  const base = /^(.*\/actions\/runs\/)\d+(?:\/attempts\/\d+)?$/.exec(config.runUrl ?? '')?.[1];
  if (!base) return undefined;
  return `${base}${run.id}${run.attempt === undefined ? '' : `/attempts/${run.attempt}`}`;
}

/** A word a shell reads as itself: names are validated, but an environment name may hold anything. */
function shellWord(text: string): string {
  return /^[\w.:/@+=-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The two ways to clear a dead run's claim and its release: the workflow's inputs, and the CLI. */
export function unlockCommands(
  config: Pick<ReleaseConfig, 'environment' | 'cluster' | 'region'>,
  run: string,
): string {
  const cli = [
    'ecs-release unlock',
    `--run ${shellWord(run)}`,
    `--environment ${shellWord(config.environment)}`,
    `--cluster ${shellWord(config.cluster)}`,
    `--aws-region ${shellWord(config.region)}`,
  ].join(' ');
  return (
    `If that run is dead (cancelled without cleaning up, killed, runner lost), clear it: in the workflow, ` +
    `\`command: unlock\` with \`run: ${run}\` (environment ${config.environment}); from a shell, \`${cli}\`.`
  );
}

/** The refusal of a run while another run's claim stands. `why`: what GitHub said of that run, when asked. */
export function claimRefusal(
  config: Pick<ReleaseConfig, 'environment' | 'cluster' | 'region' | 'runUrl'>,
  standing: { runId: string; expiresAt: number },
  why: string | undefined,
): string {
  const ref = runOfClaimId(standing.runId);
  const link = ref && runLink(config, ref);
  const run = ref ? runIdText(ref) : standing.runId;
  return (
    `environment ${config.environment} is claimed by another run, ${run}${link ? ` (${link})` : ''}, ` +
    `until ${new Date(standing.expiresAt).toISOString()} (its claim expires then): nothing was changed` +
    `${why ? `; ${why}` : ''}. Wait for that run to finish, then run again. ${unlockCommands(config, run)}`
  );
}
