/**
 * The scenario DSL: how the application in a task definition behaves when ECS
 * runs it. Rules are matched newest first, so a test can override a default.
 *
 *   world.behave({ family: 'api', revision: 8 }, { outcome: 'unhealthy' });
 *   world.behave({ family: 'migrate' }, { outcome: 'exit', exitCode: 1, logLines: ['boom'] });
 */

export type Outcome = 'healthy' | 'exit' | 'unhealthy' | 'fail-to-start' | 'hang';

export interface Behaviour {
  /**
   * healthy: service tasks pass health checks; one-off tasks exit 0 after `after`.
   * exit: the essential container exits with `exitCode` `after` ms after RUNNING.
   * unhealthy: ELB (or container) health checks fail; ECS replaces the task.
   * fail-to-start: the task never reaches RUNNING (stopCode TaskFailedToStart, `reason`).
   * hang: the task runs but never turns healthy nor exits.
   */
  outcome: Outcome;
  exitCode?: number;
  /** For fail-to-start: the stoppedReason (a Fargate error prefix such as `CannotPullContainerError: …`). */
  reason?: string;
  /** Written to the task's awslogs stream, spread over the time the container runs. */
  logLines?: string[];
  /** ms after RUNNING for exit/unhealthy (after PENDING begins for fail-to-start). */
  after?: number;
  /** ms the task spends PENDING (image pull), overriding the world's timing. */
  startMs?: number;
  /** ms from RUNNING to healthy, overriding the health-check derived time. */
  healthyAfterMs?: number;
  /** HTTP codes the failing health check reports (default [503]). */
  httpCodes?: number[];
}

export interface BehaviourMatch {
  family: string;
  revision?: number;
  /** Substring of any container image in the task definition. */
  image?: string;
}

interface Rule {
  match: BehaviourMatch;
  behaviour: Behaviour;
}

export class Behaviours {
  private readonly rules: Rule[] = [];

  add(match: BehaviourMatch, behaviour: Behaviour): void {
    this.rules.push({ match, behaviour });
  }

  clear(): void {
    this.rules.length = 0;
  }

  find(family: string, revision: number, images: string[]): Behaviour {
    for (let i = this.rules.length - 1; i >= 0; i -= 1) {
      const r = this.rules[i];
      if (!r) continue;
      if (r.match.family !== family) continue;
      if (r.match.revision !== undefined && r.match.revision !== revision) continue;
      const img = r.match.image;
      if (img !== undefined && !images.some((x) => x.includes(img))) continue;
      return r.behaviour;
    }
    return { outcome: 'healthy' };
  }
}

/** Lab timings (ms). Realistic in shape, short enough that a demo deployment takes well under a minute. */
export interface Timings {
  /** PROVISIONING (ENI attachment). */
  provisioningMs: number;
  /** PENDING (image pull, container start). */
  pendingMs: number;
  /** No load balancer and no container health check: AWS counts a task healthy 40 s after RUNNING. */
  noHealthCheckHealthyMs: number;
  /** Container health check (`healthCheck` in the container definition) passing or failing. */
  containerHealthMs: number;
  /** Default time a one-off or `exit` task runs before its container exits. */
  exitAfterMs: number;
  /** SIGTERM to STOPPED. */
  stopMs: number;
  /** With deployment alarms, the time ECS keeps watching after steady state before COMPLETED. */
  alarmBakeMs: number;
  /** Built-in strategies: one traffic shift (rewriting the listener rules), and a shift back on rollback. */
  trafficShiftMs: number;
  /** Built-in strategies: a Lambda lifecycle hook's run (the lab's Lambda hooks always return SUCCEEDED). */
  lambdaHookMs: number;
  /** One minute of bakeTimeInMinutes, step bakes and hook timeouts (shorten it for real-clock demos). */
  minuteMs: number;
}

export const DEFAULT_TIMINGS: Timings = {
  provisioningMs: 2000,
  pendingMs: 3000,
  noHealthCheckHealthyMs: 40_000,
  containerHealthMs: 10_000,
  exitAfterMs: 5000,
  stopMs: 2000,
  alarmBakeMs: 10_000,
  trafficShiftMs: 1000,
  lambdaHookMs: 1000,
  minuteMs: 60_000,
};
