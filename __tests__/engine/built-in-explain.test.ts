/**
 * A failed built-in deployment explained as a rolling one is (docs/rollout.md, docs/strategies.md): the stopped
 * tasks' reasons, exit codes and last log lines, the ALB's reason codes, and every new service
 * event printed once. Lab worlds on the virtual clock, through the real SDK.
 */
import { describe, expect, it } from 'vitest';
import { nextRevision } from '../../lab/scenarios/built-in';
import { builtInStrategy } from '../../src/engine/built-in';
import { startDeployment } from '../../src/engine/start';
import { alarmChecks, builtInWorld, lines, runningRevision } from './built-in-world';

const HOLD = { stage: 'POST_PRODUCTION_TRAFFIC_SHIFT' };

type World = ReturnType<typeof builtInWorld>;

/** Revision 2 logging with awslogs (so its last log lines can be read), then UpdateService to it. */
async function start(b: World, withLogs = false) {
  const s = b.services[0] ?? expect.fail('seeded');
  const arn = nextRevision(b.w.lab, s);
  if (withLogs) {
    const body = structuredClone(b.w.lab.ecs.taskDefinitions.get(arn).body) as {
      containerDefinitions: Record<string, unknown>[];
    };
    for (const c of body.containerDefinitions)
      c.logConfiguration = {
        logDriver: 'awslogs',
        options: {
          'awslogs-group': `/ecs/${s.family}`,
          'awslogs-region': b.w.lab.region,
          'awslogs-stream-prefix': 'ecs',
        },
      };
    const logged = b.w.lab.ecs.registerTaskDefinition(body as unknown as Record<string, unknown>).arn;
    return { s, ...(await startDeployment(b.ctx, s.service, logged)) };
  }
  return { s, ...(await startDeployment(b.ctx, s.service, arn)) };
}

const events = (b: World, service: string) =>
  lines(b).filter((l) => new RegExp(`^${service} event \\d\\d:\\d\\d:\\d\\d `).test(l));

describe('a failed built-in deployment, explained', () => {
  it('BLUE_GREEN green fails to start (CannotPullContainerError): the stopped reason in the log and the detail', async () => {
    const b = builtInWorld([
      { service: 'pull', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5, hooks: [HOLD], circuitBreaker: true },
    ]);
    const reason = 'CannotPullContainerError: pull access denied for 127.0.0.1:5055/pull';
    b.w.lab.ecs.behave({ family: 'pull', revision: 2 }, { outcome: 'fail-to-start', reason });
    const { s, started, seenEvents } = await start(b);
    const [r] = await builtInStrategy.watch(b.ctx, [started], {
      checks: alarmChecks(b, []),
      seenEvents: new Map([['pull', seenEvents]]),
    });

    expect(r).toMatchObject({ state: 'rolled-back-by-ecs', builtIn: { status: 'ROLLBACK_SUCCESSFUL' } });
    expect(await runningRevision(b, s)).toBe('pull:1');
    const detail = r?.detail ?? '';
    expect(detail.split('\n')[0]).toContain('circuit breaker threshold was exceeded');
    expect(detail).toMatch(
      /stopped task [0-9a-f]+ \(pull:2\): TaskFailedToStart: CannotPullContainerError: pull access denied/,
    );
    expect(detail).toContain(`container pull: no exit code (${reason})`);
    const log = lines(b);
    expect(
      log.some((l) => /^pull: stopped task [0-9a-f]+ \(pull:2\): TaskFailedToStart: CannotPull/.test(l)),
    ).toBe(true);
    // ECS's own words too: its events, each printed once, none from before this release.
    const printed = events(b, 'pull');
    expect(printed.some((l) => l.includes('has started 2 tasks'))).toBe(true);
    expect(new Set(printed).size).toBe(printed.length);
    expect(printed.some((l) => l.includes('deployment failed: tasks failed to start'))).toBe(true);
    // The seeded service's steady state came with UpdateService's answer: only the one after the rollback is new.
    expect(seenEvents.size).toBeGreaterThan(0);
    expect(printed.filter((l) => l.includes('has reached a steady state'))).toHaveLength(1);
  });

  it('green exits 3: the exit code and its last log lines in the detail', async () => {
    const b = builtInWorld([
      { service: 'crash', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5, hooks: [HOLD], circuitBreaker: true },
    ]);
    b.w.lab.ecs.behave(
      { family: 'crash', revision: 3 },
      {
        outcome: 'exit',
        exitCode: 3,
        after: 2000,
        logLines: ['starting crash', 'FATAL: DATABASE_URL is not set'],
      },
    );
    const { started, seenEvents } = await start(b, true);
    const [r] = await builtInStrategy.watch(b.ctx, [started], {
      checks: alarmChecks(b, []),
      seenEvents: new Map([['crash', seenEvents]]),
    });

    expect(r?.state).toBe('rolled-back-by-ecs');
    const detail = r?.detail ?? '';
    expect(detail).toContain('EssentialContainerExited: Essential container in task exited');
    expect(detail).toContain('container crash: exit code 3');
    expect(detail).toContain('| FATAL: DATABASE_URL is not set');
    expect(lines(b)).toContain('crash:     | FATAL: DATABASE_URL is not set');
  });

  it('green fails its ALB health checks: the target group reason codes are shown', async () => {
    const b = builtInWorld([
      { service: 'sick', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5, hooks: [HOLD], circuitBreaker: true },
    ]);
    b.w.lab.ecs.behave({ family: 'sick', revision: 2 }, { outcome: 'unhealthy', httpCodes: [502] });
    const { started, seenEvents } = await start(b);
    const [r] = await builtInStrategy.watch(b.ctx, [started], {
      checks: alarmChecks(b, []),
      seenEvents: new Map([['sick', seenEvents]]),
    });
    expect(r?.state).toBe('rolled-back-by-ecs');
    expect(r?.detail).toContain('Task failed ELB health checks');
    expect(r?.detail).toMatch(
      /target 8080 unhealthy in sick-green: reason Health checks failed with these codes: \[502\]/,
    );
  });

  it('a held deployment prints its events once, none of those UpdateService already returned', async () => {
    const b = builtInWorld([{ service: 'ok', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5, hooks: [HOLD] }]);
    const { started, seenEvents } = await start(b);
    const before = seenEvents.size;
    const [r] = await builtInStrategy.watch(b.ctx, [started], {
      checks: alarmChecks(b, []),
      seenEvents: new Map([['ok', seenEvents]]),
    });
    expect(r?.state).toBe('held');
    const printed = events(b, 'ok');
    expect(printed.some((l) => l.includes('has started 2 tasks'))).toBe(true);
    expect(new Set(printed).size).toBe(printed.length);
    // The engine's map now holds what was printed: a later watch will not print it again.
    expect(seenEvents.size).toBe(before + printed.length);
  });

  it('without a circuit breaker, tasks failing until the wait-timeout: the timed-out detail says why', async () => {
    const b = builtInWorld([
      { service: 'loop', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5, hooks: [HOLD], circuitBreaker: false },
    ]);
    const reason = 'CannotPullContainerError: 127.0.0.1:5055/loop:v2: not found';
    b.w.lab.ecs.behave({ family: 'loop', revision: 2 }, { outcome: 'fail-to-start', reason });
    const { started, seenEvents } = await start(b);
    const [r] = await builtInStrategy.watch(b.ctx, [started], {
      checks: alarmChecks(b, []),
      seenEvents: new Map([['loop', seenEvents]]),
      deadline: b.ctx.clock.now() + 60_000,
    });
    expect(r?.state).toBe('timed-out');
    expect(r?.detail?.split('\n')[0]).toContain('loop: timed out waiting for the hold point');
    expect(r?.detail).toContain(`container loop: no exit code (${reason})`);
    const printed = events(b, 'loop');
    expect(new Set(printed).size).toBe(printed.length);
  });

  it('held, then committed: the commit prints the events from its start, none printed twice', async () => {
    const b = builtInWorld([{ service: 'go', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1, hooks: [HOLD] }]);
    const { started, seenEvents } = await start(b);
    const held = await builtInStrategy.watch(b.ctx, [started], {
      checks: alarmChecks(b, []),
      seenEvents: new Map([['go', seenEvents]]),
    });
    const atHold = events(b, 'go').length;
    const [done] = await builtInStrategy.commit(b.ctx, held);
    expect(done?.state).toBe('completed');
    const printed = events(b, 'go');
    expect(printed.length).toBeGreaterThan(atHold);
    expect(printed.at(-1)).toContain('has reached a steady state');
    expect(new Set(printed).size).toBe(printed.length);
  });
});
