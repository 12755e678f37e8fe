/**
 * A built-in deployment explained as a rolling one is (docs/strategies.md): the service's new
 * events printed once, and when green's tasks fail, why (stopped reason, container exit
 * codes and reasons, last log lines, ALB target health), with the rolling watch's own
 * code (observe/watch-events.ts, watch-diagnose.ts) on one `Watched` per service.
 *
 * Read policy: events come only from DescribeServices (10 services per call), which the
 * service deployment answers do not replace, so a service is described only when it is
 * worth it: its circuit breaker's failure count or green's running count changed (the
 * first tasks included), its status left PENDING/IN_PROGRESS (rolling back, failed,
 * finished), EVENTS_EVERY_ROUNDS rounds passed since its last read, or the follow ended
 * (`finish`). Everything is paid from the follow's ReadBudget, so
 * the total stays under its 0.8 ECS reads/s however many services; the diagnosis reads
 * (ListTasks, DescribeTasks, DescribeTaskDefinition) happen only when tasks failed.
 */
import {
  DescribeServicesCommand,
  type LoadBalancer,
  type ServiceDeployment,
  type Task,
} from '@aws-sdk/client-ecs';
import { chunks } from '../../aws/batch';
import { errorText } from '../../aws/errors';
import type { ReadBudget } from '../../observe/read-budget';
import { TaskReader } from '../../observe/tasks';
import { diagnose } from '../../observe/watch-diagnose';
import { printEvents } from '../../observe/watch-events';
import type { StartedDeployment } from '../../observe/watched';
import { newWatched, type Watched } from '../../observe/watched';
import type { StageContext } from '../../runtime/context';
import { RUNNING_STATUSES } from './stages';
import type { Tracked } from './tracked';

/** At one round a second (more with many services), about every ten seconds per service. */
export const EVENTS_EVERY_ROUNDS = 10;

/** ECS scaling green in after a rollback (or blue at CLEAN_UP) is no failure to explain. */
const SCALE_IN = /^Scaling activity initiated by/;
const explains = (task: Task) => !SCALE_IN.test(task.stoppedReason ?? '');

/** What the last round saw of one service deployment. */
interface Look {
  counts: string;
  failures: number;
  running: boolean;
  rounds: number;
}

/**
 * Green registers in the alternate target group, and the two swap roles from one
 * deployment to the next (docs/aws-facts.md "Traffic plumbing"): the targets of both explain a failure.
 */
function bothTargetGroups(lbs: LoadBalancer[]): LoadBalancer[] {
  const alternates = lbs.flatMap((lb) => {
    const alt = lb.advancedConfiguration?.alternateTargetGroupArn;
    return alt ? [{ ...lb, targetGroupArn: alt }] : [];
  });
  return [...lbs, ...alternates];
}

export class Explainer {
  private readonly reader: TaskReader;
  private readonly looks = new Map<Tracked, Look>();

  /**
   * `started`: the deployments as UpdateService returned them (their creation time tells
   * events before ours); `seenEvents`: event ids already printed, by service. Without
   * either, events older than the first read count as printed.
   */
  constructor(
    private readonly ctx: StageContext,
    private readonly budget: ReadBudget,
    private readonly started: readonly StartedDeployment[] = [],
    private readonly seenEvents?: Map<string, Set<string>>,
  ) {
    this.reader = new TaskReader(ctx, budget);
  }

  private watchedOf(t: Tracked): Watched {
    if (!t.watched) {
      const s = this.started.find((x) => x.service === t.service);
      const target = s ?? {
        service: t.service,
        deploymentId: t.deploymentId ?? '',
        taskDefinitionArn: t.taskDefinitionArn,
      };
      t.watched = newWatched(target, this.seenEvents?.get(t.service));
    }
    return t.watched;
  }

  /** One round's answers: events for the services where they are worth a read, failed tasks diagnosed. */
  async round(seen: [Tracked, ServiceDeployment][], signal?: AbortSignal): Promise<void> {
    const read: Tracked[] = [];
    const urgent: Tracked[] = [];
    const diagnosed: Tracked[] = [];
    for (const [t, sd] of seen) {
      const failures = sd.deploymentCircuitBreaker?.failureCount ?? 0;
      const counts = `${failures}/${sd.targetServiceRevision?.runningTaskCount ?? 0}`;
      const running = RUNNING_STATUSES.includes(sd.status ?? '');
      // A deployment starts with nothing running and nothing failed: the first tasks are news.
      const last = this.looks.get(t) ?? { counts: '0/0', failures: 0, running: true, rounds: 0 };
      const left = last.running && !running;
      const worth = counts !== last.counts || left || last.rounds + 1 >= EVENTS_EVERY_ROUNDS;
      this.looks.set(t, { counts, failures, running, rounds: worth ? 0 : last.rounds + 1 });
      // ecs-release's own ROLLBACK (a failed check) has its reason already; ECS's needs explaining.
      const failedNow = failures > last.failures || (left && sd.status !== 'SUCCESSFUL' && !t.failure);
      if (failedNow) diagnosed.push(t);
      // A verdict waits on the reads of a deployment that ended or failed tasks: borrowed, they go out at once.
      if (left || failedNow) urgent.push(t);
      else if (worth) read.push(t);
    }
    await this.events(urgent, signal, 'borrow');
    await this.events(read, signal);
    for (const t of diagnosed) await diagnose(this.ctx, this.reader, this.watchedOf(t), true, explains);
  }

  /**
   * The follow is over: the events since each service's last read (the hold point's, the
   * end's), so the next call (the commit, which prints from its own start) misses none.
   */
  async finish(tracked: Tracked[], signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return;
    const unread = tracked.filter((t) => (this.looks.get(t)?.rounds ?? 1) > 0);
    // The release waits on this: the first call (10 services) is borrowed, as a verdict's reads
    // are; the rest wait their turn, so many services do not push the rate past the budget's.
    const [first = [], ...rest] = chunks(unread, 10);
    await this.events(first, signal, 'borrow').catch(() => undefined);
    await this.events(rest.flat(), signal).catch(() => undefined);
  }

  /** The deadline passed: what the stopped tasks and the targets say, before the service is `timed-out`. */
  async timedOut(t: Tracked, signal?: AbortSignal): Promise<void> {
    await this.events([t], signal);
    await diagnose(this.ctx, this.reader, this.watchedOf(t), true, explains);
  }

  /** DescribeServices for `tracked`, 10 per call: new events printed once, the load balancers kept. */
  private async events(
    tracked: Tracked[],
    signal?: AbortSignal,
    pay: 'take' | 'borrow' = 'take',
  ): Promise<void> {
    for (const batch of chunks(tracked, 10)) {
      try {
        await (pay === 'take' ? this.budget.take(1, signal) : this.budget.borrow(1, signal));
        const answer = await this.ctx.aws.ecs.send(
          new DescribeServicesCommand({
            cluster: this.ctx.config.cluster,
            services: batch.map((t) => t.service),
          }),
          signal ? { abortSignal: signal } : {},
        );
        for (const t of batch) {
          const s = answer.services?.find((x) => x.serviceName === t.service);
          if (!s) continue;
          const w = this.watchedOf(t);
          w.loadBalancers = bothTargetGroups(s.loadBalancers ?? []);
          printEvents(this.ctx, w, s, w.createdAt);
        }
      } catch (error) {
        if (signal?.aborted) throw error;
        // Events explain; they decide nothing: a failed read waits for the next worthwhile one.
        this.ctx.log.debug(
          `could not read the events of ${batch.map((t) => t.service).join(', ')}: ${errorText(error)}`,
        );
      }
    }
  }
}
