/** The migration task's output: followed from CloudWatch Logs into the job log, its last lines kept. */
import type { ContainerDefinition, Task } from '@aws-sdk/client-ecs';
import type { StageContext } from '../runtime/context';
import { type Drained, LogFollower } from './log-follower';
import { logTarget } from './log-target';
import { clip, Ring, TAIL_LINES } from './ring';

/** After STOPPED, awslogs may deliver the last batch a little later: read again this often while lines still come. */
const DRAIN_GRACE_MS = 2000;
const DRAIN_GRACE_ROUNDS = 3;

export class TaskOutput {
  readonly lastLines = new Ring<string>(TAIL_LINES);
  follower: LogFollower | undefined;
  /** A notice already said why the output cannot be shown. */
  private noticed = false;

  constructor(
    private readonly ctx: StageContext,
    private readonly containerName: string,
    private readonly container: ContainerDefinition | undefined,
    private readonly taskId: string,
  ) {}

  /** Starts following the log stream once it can be named (the runtime id may be needed first). */
  follow(runtimeId?: string): void {
    const { ctx } = this;
    if (this.follower || this.noticed || !this.container) return;
    const where = logTarget(this.container, this.taskId, runtimeId);
    if (where.kind === 'awslogs' && where.region && where.region !== ctx.config.region) {
      this.noticed = true;
      ctx.log.notice(
        `migration: container ${this.containerName} logs to CloudWatch Logs in ${where.region}, not ${ctx.config.region}: its output is not shown here, only the exit code (log group ${where.group}, stream ${where.stream})`,
      );
      return;
    }
    if (where.kind === 'awslogs') {
      this.follower = new LogFollower(ctx.aws.logs, where.group, where.stream, this.onLine, ctx.signal);
      ctx.log.info(`migration: output from log group ${where.group}, stream ${where.stream}`);
      return;
    }
    if (where.reason.includes('not known yet')) return;
    this.noticed = true;
    ctx.log.notice(`migration: ${where.reason}: its output cannot be shown here, only the exit code`);
  }

  private readonly onLine = (line: string): void => {
    this.lastLines.push(clip(line));
    this.ctx.log.info(`| ${line}`);
  };

  drain(): Promise<Drained> {
    return this.follower ? this.follower.drain() : Promise.resolve({ lines: 0, atEnd: true });
  }

  /** The stopped task's last lines: read to the end, then again a few times while more still arrive. */
  async drainAfterStop(task: Task | undefined): Promise<void> {
    const { ctx, follower } = this;
    const ran = task?.startedAt !== undefined || task?.containers?.some((c) => c.exitCode !== undefined);
    if (!follower || !ran) return;
    await follower.drainAll();
    for (let round = 0; round < DRAIN_GRACE_ROUNDS; round += 1) {
      await ctx.clock.sleep(DRAIN_GRACE_MS, ctx.signal);
      if ((await follower.drainAll()) === 0 && follower.found) break;
    }
    if (!follower.found) {
      ctx.log.notice(
        `migration: log stream ${follower.stream} does not exist in log group ${follower.group}: the container wrote nothing, or the task cannot write to that group`,
      );
    }
  }
}
