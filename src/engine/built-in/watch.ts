/**
 * The built-in watch (docs/strategies.md "What ecs-release does at each stage"): from UpdateService's deployments to each service's
 * commit point. A PAUSE hook at POST_PRODUCTION_TRAFFIC_SHIFT is the hold (`held`
 * with `heldAt`); without one, ECS's BAKE_TIME is (blue still runs, so the gate's
 * failure costs one traffic shift back). On the way, the step checks answer the hooks
 * at POST_TEST_TRAFFIC_SHIFT (smoke on test traffic) and PRE_PRODUCTION_TRAFFIC_SHIFT
 * (alarms before each production step).
 */
import type { DeploymentLifecycleHookDetail, ServiceDeployment } from '@aws-sdk/client-ecs';
import { namedErrorText } from '../../aws/errors';
import type { GateResult, ServiceRolloutResult } from '../../model/contracts';
import { ReadBudget } from '../../observe/read-budget';
import type { StartedDeployment } from '../../observe/watched';
import type { StageContext } from '../../runtime/context';
import type { StepChecks, StrategyWatchOptions } from '../strategy';
import { Explainer } from './explain';
import { type Decide, follow, settle } from './follow';
import { answer, settleUnsuccessful, waitingHook } from './outcome';
import { findUntilSeen } from './resolve';
import { HOLD_STAGE, isFinished } from './stages';
import type { Tracked } from './tracked';

/** Runs a step check and answers the hook it guards: CONTINUE when it passed, else ROLLBACK (the service fails). */
async function checkThenAnswer(
  ctx: StageContext,
  t: Tracked,
  hookId: string,
  what: string,
  check: () => Promise<GateResult>,
): Promise<void> {
  const result = await check().catch(
    (error): GateResult => ({
      ok: false,
      alarms: [],
      reason: `the check itself failed: ${namedErrorText(error)}`,
    }),
  );
  // Cancelled while the check ran: leave the hook waiting for the way back, never move production on.
  if (result.ok && ctx.signal.aborted) return;
  if (result.ok) {
    await answer(ctx, t, hookId, 'CONTINUE', `${what} passed`);
    return;
  }
  const firing = result.alarms.filter((a) => a.state === 'ALARM').map((a) => a.name);
  t.failure = `${what} failed: ${result.reason ?? (firing.length > 0 ? `${firing.join(', ')} in ALARM` : 'no reason given')}`;
  ctx.log.error(`${t.service}: ${t.failure}`);
  await answer(ctx, t, hookId, 'ROLLBACK', t.failure);
}

function onHook(
  ctx: StageContext,
  t: Tracked,
  sd: ServiceDeployment,
  hook: DeploymentLifecycleHookDetail,
  checks: StepChecks,
): Promise<void> | undefined {
  const hookId = hook.hookId ?? '';
  // A string: the SDK's stage enum lacks PRE_PRODUCTION_TRAFFIC_SHIFT, which ECS documents (docs/aws-facts.md "Lifecycle stages").
  const stage: string = sd.lifecycleStage ?? '';
  if (stage === HOLD_STAGE) {
    t.answered.add(hookId);
    ctx.log.info(
      `${t.service}: held at ${stage} (hook ${hookId}), production traffic on green, blue still running`,
    );
    settle(t, 'held', undefined, { hookId, stage });
    return undefined;
  }
  if (stage === 'POST_TEST_TRAFFIC_SHIFT' && !checks.testTraffic)
    return answer(ctx, t, hookId, 'CONTINUE', 'no smoke-test-url to check test traffic with');
  if (stage === 'POST_TEST_TRAFFIC_SHIFT' && checks.testTraffic)
    return checkThenAnswer(ctx, t, hookId, 'the smoke check on test traffic', checks.testTraffic);
  if (stage === 'PRE_PRODUCTION_TRAFFIC_SHIFT')
    return checkThenAnswer(ctx, t, hookId, 'the alarms before this production traffic step', () =>
      checks.alarms(),
    );
  return answer(
    ctx,
    t,
    hookId,
    'CONTINUE',
    'ecs-release holds only at POST_PRODUCTION_TRAFFIC_SHIFT; a pause here would wait for nobody',
  );
}

function decideWatch(ctx: StageContext, checks: StepChecks): Decide {
  return (t, sd) => {
    if (sd.status === 'SUCCESSFUL') {
      // Nothing held it (e.g. bake 0 and no hook): it is done before the gate ran.
      settle(t, 'completed', `${t.service}: the service deployment finished before a hold point`);
      return undefined;
    }
    if (isFinished(sd.status)) {
      settleUnsuccessful(t, sd);
      return undefined;
    }
    if (sd.status !== 'IN_PROGRESS' && sd.status !== 'PENDING') return undefined; // rolling back: follow it
    const hook = waitingHook(t, sd);
    if (hook) return onHook(ctx, t, sd, hook, checks);
    // BAKE_TIME is a hold only while it lasts: with no bake, or once CLEAN_UP scales blue in, wait for SUCCESSFUL.
    const bake = sd.deploymentConfiguration?.bakeTimeInMinutes ?? 1;
    if (sd.lifecycleStage === 'BAKE_TIME' && bake > 0) {
      const why = t.holdHook
        ? `its ${HOLD_STAGE} hook was answered elsewhere`
        : `no PAUSE hook at ${HOLD_STAGE}`;
      ctx.log.info(`${t.service}: held in ${sd.lifecycleStage} (${why}), blue still running`);
      settle(t, 'held');
    }
    return undefined;
  };
}

export async function watchBuiltIn(
  ctx: StageContext,
  started: StartedDeployment[],
  options: StrategyWatchOptions,
): Promise<ServiceRolloutResult[]> {
  const deadline = options.deadline ?? ctx.clock.now() + ctx.config.gate.waitTimeoutMs;
  const budget = options.budget ?? new ReadBudget(ctx.clock);
  const base = { deadline, budget, signal: ctx.signal };
  const { tracked, missing } = await findUntilSeen(ctx, started, base);
  const explain = new Explainer(ctx, budget, started, options.seenEvents);
  await follow(ctx, tracked, decideWatch(ctx, options.checks), {
    ...base,
    explain,
    failFast: options.failFast ?? true,
    waitingFor: 'waiting for the hold point',
  });
  await explain.finish(tracked, ctx.signal);
  const byService = new Map([...tracked, ...missing].map((t) => [t.service, t.result]));
  return started.flatMap((s) => byService.get(s.service) ?? []);
}
