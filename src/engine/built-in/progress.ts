/**
 * What one service deployment went through, as the log prints it once and the
 * result carries it (`BuiltInProgress`): stages with the clock time they were first
 * seen, traffic weights by revision, hook states and the status.
 */
import type { ServiceDeployment, ServiceRevisionSummary } from '@aws-sdk/client-ecs';
import type { BuiltInProgress } from '../../model/contracts';
import type { StageContext } from '../../runtime/context';
import { position, ROLLING_BACK, revisionId, STAGE_ORDER } from './stages';

export interface Progress {
  service: string;
  serviceDeploymentArn: string;
  /** Readable revision names (`web:7`) by service revision id: weights are given per service revision. */
  names: Map<string, string>;
  /** Name of the source revision when ECS's answer names one this watch did not see started (the way back). */
  sourceName?: string | undefined;
  stages: { stage: string; at: string }[];
  weights?: { production: Record<string, number>; test?: Record<string, number> } | undefined;
  status?: string | undefined;
  statusReason?: string | undefined;
  stage?: string | undefined;
  /** The last stage line printed: a LINEAR step within one stage prints again only when weights move. */
  printed?: string | undefined;
  hooks: Map<string, string>;
}

export function newProgress(service: string, arn: string, names: Map<string, string>): Progress {
  return { service, serviceDeploymentArn: arn, names, stages: [], hooks: new Map() };
}

function nameOf(p: Progress, rev: ServiceRevisionSummary, source: boolean): string {
  const id = revisionId(rev.arn);
  return p.names.get(id) ?? (source ? p.sourceName : undefined) ?? `revision ${id}`;
}

function weightsOf(p: Progress, sd: ServiceDeployment): Progress['weights'] {
  const revisions: [ServiceRevisionSummary, boolean][] = [
    ...(sd.targetServiceRevision
      ? [[sd.targetServiceRevision, false] as [ServiceRevisionSummary, boolean]]
      : []),
    ...(sd.sourceServiceRevisions ?? []).map((r) => [r, true] as [ServiceRevisionSummary, boolean]),
  ];
  const pick = (key: 'requestedProductionTrafficWeight' | 'requestedTestTrafficWeight') => {
    const entries = revisions
      .filter(([r]) => r[key] !== undefined)
      .map(([r, s]) => [nameOf(p, r, s), r[key] ?? 0]);
    return entries.length > 0 ? (Object.fromEntries(entries) as Record<string, number>) : undefined;
  };
  const production = pick('requestedProductionTrafficWeight');
  const test = pick('requestedTestTrafficWeight');
  if (!production) return undefined;
  return test ? { production, test } : { production };
}

const percent = (w: Record<string, number>) =>
  Object.entries(w)
    .map(([name, pct]) => `${name} ${Math.round(pct * 10) / 10}%`)
    .join(', ');

export function weightsText(w: Progress['weights']): string {
  if (!w) return 'no traffic weights';
  return `production: ${percent(w.production)}${w.test ? `; test: ${percent(w.test)}` : ''}`;
}

/**
 * Stages a deployment went through between two polls (a short stage lasts about a
 * second): positions compared, forward only. The first poll counts from PRE_SCALE_UP,
 * where every deployment starts; a LINEAR/CANARY step going back to
 * PRE_PRODUCTION_TRAFFIC_SHIFT, or an unknown stage, adds none.
 */
function passedBetween(last: string | undefined, stage: string): string[] {
  const from = last === undefined ? position('RECONCILE_SERVICE') : position(last);
  const to = position(stage);
  if (from < 0 || to <= from + 1) return [];
  return STAGE_ORDER.slice(from + 1, to);
}

function printStatus(ctx: StageContext, p: Progress, sd: ServiceDeployment): void {
  if (sd.status === p.status) return;
  // The first IN_PROGRESS is what every deployment starts with: only changes are news.
  const first = p.status === undefined && (sd.status === 'IN_PROGRESS' || sd.status === 'PENDING');
  if (!first)
    ctx.log.info(
      `${p.service}: service deployment ${sd.status}${sd.statusReason ? `: ${sd.statusReason}` : ''}`,
    );
  p.status = sd.status;
}

/** Takes in one DescribeServiceDeployments answer and prints what is new: status, stage, weights, hooks. */
export function observe(ctx: StageContext, p: Progress, sd: ServiceDeployment): void {
  const stage = sd.lifecycleStage ?? '';
  printStatus(ctx, p, sd);
  p.statusReason = sd.statusReason ?? p.statusReason;
  p.weights = weightsOf(p, sd) ?? p.weights;
  // There is no ROLLBACK stage (docs/aws-facts.md "Rollback and the revision id"): a rollback re-runs the shift stages, so say so.
  const rollingBack = ROLLING_BACK.includes(sd.status ?? '') || sd.status === 'ROLLBACK_SUCCESSFUL';
  const at = new Date(ctx.clock.now()).toISOString();
  if (stage && stage !== p.stage) {
    for (const missed of rollingBack ? [] : passedBetween(p.stage, stage)) {
      ctx.log.info(`${p.service}: stage ${missed} (passed between polls)`);
      p.stages.push({ stage: missed, at });
    }
    p.stages.push({ stage, at });
  }
  const back = rollingBack ? ', rolling back' : '';
  const line = `${p.service}: stage ${stage}${back} (${weightsText(p.weights)})`;
  if (stage && line !== p.printed) ctx.log.info(line);
  if (stage) p.printed = line;
  p.stage = stage || p.stage;
  for (const h of sd.lifecycleHookDetails ?? []) {
    const id = h.hookId ?? '';
    if (p.hooks.get(id) === h.status) continue;
    p.hooks.set(id, h.status ?? '');
    ctx.log.info(`${p.service}: hook ${id} (${h.targetType ?? '?'}) at ${stage}: ${h.status ?? '?'}`);
  }
}

export function builtInOf(p: Progress, heldAt?: BuiltInProgress['heldAt']): BuiltInProgress {
  return {
    serviceDeploymentArn: p.serviceDeploymentArn,
    stages: [...p.stages],
    ...(p.weights && { weights: p.weights }),
    ...(heldAt && { heldAt }),
    ...(p.status !== undefined && { status: p.status }),
  };
}
