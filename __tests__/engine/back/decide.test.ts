import { describe, expect, it } from 'vitest';
import { decideRollback } from '../../../src/engine/back/decide';
import type { RolloutResult, ServiceRolloutResult } from '../../../src/model/contracts';

const td = (family: string, revision: number) =>
  `arn:aws:ecs:eu-west-1:111122223333:task-definition/${family}:${revision}`;

const previous = [
  { service: 'demo-api', previousArn: td('demo-api', 3) },
  { service: 'demo-web', previousArn: td('demo-web', 7) },
];

function rollout(...services: ServiceRolloutResult[]): RolloutResult {
  return { ok: services.every((s) => s.state === 'completed'), services };
}

const apiDone: ServiceRolloutResult = {
  service: 'demo-api',
  taskDefinitionArn: td('demo-api', 4),
  deploymentId: 'ecs-svc/1',
  state: 'completed',
};

/** demo-web's rollout to demo-web:8 (deployment ecs-svc/2), ended in `state`. */
const web = (state: ServiceRolloutResult['state'], detail?: string): ServiceRolloutResult => ({
  service: 'demo-web',
  taskDefinitionArn: td('demo-web', 8),
  deploymentId: 'ecs-svc/2',
  state,
  ...(detail ? { detail } : {}),
});

describe('decideRollback', () => {
  it('nothing to do when the rollout and the gate passed', () => {
    const webDone = web('completed');
    expect(
      decideRollback({
        previous,
        rollout: rollout(apiDone, webDone),
        gate: { ok: true, alarms: [] },
        autoRollback: true,
      }),
    ).toEqual({ failed: false, targets: [], left: [] });
  });

  it('frontend failed while the backend succeeded: both go back to their previous revisions', () => {
    const decision = decideRollback({
      previous,
      rollout: rollout(apiDone, web('failed', 'circuit breaker: 3 tasks failed to start')),
      autoRollback: true,
    });
    expect(decision).toEqual({
      failed: true,
      reason: 'rollout failed: demo-web failed: circuit breaker: 3 tasks failed to start',
      targets: [
        { service: 'demo-api', taskDefinitionArn: td('demo-api', 3) },
        { service: 'demo-web', taskDefinitionArn: td('demo-web', 7) },
      ],
      left: [],
      result: 'rolled-back',
    });
  });

  it('a service ECS already rolled back is not rolled back twice; one never started needs nothing', () => {
    const decision = decideRollback({
      previous: [...previous, { service: 'demo-worker', previousArn: td('demo-worker', 2) }],
      rollout: rollout(apiDone, web('rolled-back-by-ecs'), {
        service: 'demo-worker',
        taskDefinitionArn: td('demo-worker', 3),
        state: 'not-started',
      }),
      autoRollback: true,
    });
    expect(decision.targets).toEqual([{ service: 'demo-api', taskDefinitionArn: td('demo-api', 3) }]);
    expect(decision.left).toEqual([
      { service: 'demo-web', why: 'ECS circuit breaker already rolled it back' },
      { service: 'demo-worker', why: 'never updated by this release' },
    ]);
    expect(decision.result).toBe('rolled-back');
  });

  it("a service someone else's deployment replaced is left to them; the rest go back; the result is failed", () => {
    const decision = decideRollback({
      previous,
      rollout: rollout(apiDone, web('replaced', 'deployment ecs-svc/9 (demo-web:9) replaced ours')),
      autoRollback: true,
    });
    expect(decision.targets).toEqual([{ service: 'demo-api', taskDefinitionArn: td('demo-api', 3) }]);
    expect(decision.result).toBe('failed');
    expect(decision.left).toEqual([
      {
        service: 'demo-web',
        why: 'another deployment replaced ours and is left to whoever started it (deployment ecs-svc/9 (demo-web:9) replaced ours)',
      },
    ]);
  });

  it('the gate failed after a complete rollout: every updated service goes back', () => {
    const webDone = web('completed');
    const decision = decideRollback({
      previous,
      rollout: rollout(apiDone, webDone),
      gate: {
        ok: false,
        alarms: [{ name: 'demo-alb-5xx', state: 'ALARM' }],
        reason: 'alarm demo-alb-5xx went into ALARM',
      },
      autoRollback: true,
    });
    expect(decision.reason).toBe('gate failed: alarm demo-alb-5xx went into ALARM');
    expect(decision.targets.map((t) => t.taskDefinitionArn)).toEqual([td('demo-api', 3), td('demo-web', 7)]);
    expect(decision.result).toBe('rolled-back');
  });

  it('a service this release left alone (same revision) is not moved', () => {
    const decision = decideRollback({
      previous,
      rollout: rollout({ ...apiDone, taskDefinitionArn: td('demo-api', 3) }, web('timed-out')),
      autoRollback: true,
    });
    expect(decision.targets).toEqual([{ service: 'demo-web', taskDefinitionArn: td('demo-web', 7) }]);
    expect(decision.left).toEqual([{ service: 'demo-api', why: 'already on its previous revision' }]);
  });

  it('with auto-rollback off: nothing moves and the result is failed', () => {
    const decision = decideRollback({
      previous,
      rollout: rollout(apiDone, web('failed')),
      autoRollback: false,
    });
    expect(decision.targets).toEqual([]);
    expect(decision.result).toBe('failed');
    expect(decision.left.map((l) => l.why)).toEqual([
      'auto-rollback is off: left on demo-api:4',
      'auto-rollback is off: left on demo-web:8',
    ]);
  });

  it('failed before any service changed: result failed, nothing to move', () => {
    const decision = decideRollback({
      previous,
      rollout: rollout(
        { service: 'demo-api', taskDefinitionArn: td('demo-api', 4), state: 'cancelled' },
        { service: 'demo-web', taskDefinitionArn: td('demo-web', 8), state: 'not-started' },
      ),
      autoRollback: true,
    });
    expect(decision).toMatchObject({ failed: true, targets: [], result: 'failed' });
  });
});
