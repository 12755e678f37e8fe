import type { Task } from '@aws-sdk/client-ecs';

export type TaskOutcome =
  | { ok: true }
  | { ok: false; kind: 'exit' | 'not-started' | 'stopped'; exitCode?: number; summary: string };

/** What to do about the Fargate/ECS start errors (ECS-DG stopped-task-errors.html). */
export function adviceFor(reason: string): string | undefined {
  if (reason.startsWith('CannotPullContainerError'))
    return 'ECS could not pull the image: check that it exists in ECR, that the task execution role may pull it, and that the subnets reach ECR (NAT gateway or VPC endpoints)';
  if (reason.startsWith('ResourceInitializationError'))
    return 'ECS could not prepare the task (secrets, registry auth or log group): check the task execution role and that the subnets reach Secrets Manager / SSM, ECR and CloudWatch Logs';
  if (reason.startsWith('CannotStartContainerError') || reason.startsWith('CannotCreateContainerError'))
    return 'the container could not start: check the migration command and the image entry point';
  if (reason.startsWith('OutOfMemoryError') || /OutOfMemory/i.test(reason))
    return 'the container ran out of memory: give the task definition more memory';
  if (reason.startsWith('ContainerRuntimeTimeoutError') || reason.startsWith('ContainerRuntimeError'))
    return 'the container runtime failed: re-run; if it repeats, look at the task in the ECS console';
  if (reason.startsWith('RESOURCE:'))
    return 'the cluster had no capacity for the task: re-run, or add capacity';
  return undefined;
}

function because(task: Task, containerReason: string | undefined): string {
  const parts = [task.stopCode, task.stoppedReason].filter((p): p is string => Boolean(p));
  const text = parts.join(': ') || 'no stop reason given';
  return containerReason && !text.includes(containerReason)
    ? `${text} (container: ${containerReason})`
    : text;
}

/** Success is the migration container exiting 0 by itself; anything else is a failure, explained. */
export function taskOutcome(task: Task, container: string): TaskOutcome {
  const c = task.containers?.find((x) => x.name === container);
  const exitCode = c?.exitCode;
  const why = because(task, c?.reason);
  const advice = adviceFor(c?.reason ?? task.stoppedReason ?? '');
  const stoppedByItself = task.stopCode === undefined || task.stopCode === 'EssentialContainerExited';
  if (exitCode === 0 && stoppedByItself) return { ok: true };
  if (exitCode === undefined) {
    const never = task.stopCode === 'TaskFailedToStart' || task.startedAt === undefined;
    return {
      ok: false,
      kind: 'not-started',
      summary: `${never ? 'the migration task never ran' : `container ${container} has no exit code`}: ${why}${advice ? `. ${advice}` : ''}`,
    };
  }
  if (exitCode === 0) {
    return {
      ok: false,
      kind: 'stopped',
      exitCode,
      summary: `the migration task was stopped before it finished (${why}); container ${container} exited 0 on the stop signal, so the migration may be incomplete`,
    };
  }
  const extra = stoppedByItself ? (c?.reason ? ` (${c.reason})` : '') : ` (${why})`;
  return {
    ok: false,
    kind: 'exit',
    exitCode,
    summary: `container ${container} exited with code ${exitCode}${extra}${advice ? `. ${advice}` : ''}`,
  };
}
