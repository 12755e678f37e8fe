/**
 * RunTask on the lab Docker engine: the task definition's essential container runs
 * for real (image pulled from the lab registry, command and environment overrides,
 * host network so it reaches the lab PostgreSQL), and its output goes to the
 * awslogs stream as it is written. The task's state follows the container in real
 * time, whatever the lab clock does.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html
 */
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { Input } from './input.js';
import type { ContainerDef, Task } from './model.js';
import { logTarget } from './tasks.js';
import type { EcsWorld } from './world.js';

interface ContainerOverride {
  name?: string;
  command?: string[];
  environment?: { name: string; value: string }[];
}

export function overrideFor(task: Task, name: string): ContainerOverride | undefined {
  const list = task.overrides.containerOverrides;
  if (!Array.isArray(list)) return undefined;
  return (list as ContainerOverride[]).find((o) => o.name === name);
}

/** Container environment first, then the override's (later wins, as in ECS). */
export function environmentFor(def: ContainerDef, o: ContainerOverride | undefined): string[] {
  const env = new Map(def.environment.map((e) => [e.name, e.value]));
  for (const e of o?.environment ?? []) env.set(e.name, e.value);
  return [...env].map(([k, v]) => `${k}=${v}`);
}

/** Splits a byte stream into lines, calling back per complete line. */
function lines(onLine: (line: string) => void): { stream: PassThrough; end: () => void } {
  const stream = new PassThrough();
  let buf = '';
  stream.on('data', (chunk: Buffer) => {
    buf += chunk.toString('utf8');
    let i = buf.indexOf('\n');
    while (i >= 0) {
      onLine(buf.slice(0, i).replace(/\r$/, ''));
      buf = buf.slice(i + 1);
      i = buf.indexOf('\n');
    }
  });
  return {
    stream,
    end: () => {
      if (buf.length > 0) onLine(buf);
      buf = '';
    },
  };
}

async function pull(docker: Docker, image: string, auth: Input | undefined): Promise<void> {
  const stream = await docker.pull(image, auth ? { authconfig: auth } : {});
  await new Promise<void>((resolve, reject) => {
    // followProgress reports failures as `error` lines in the stream, not as `err`.
    docker.modem.followProgress(stream, (err: Error | null, output: { error?: string }[]) => {
      const failed = output?.find((o) => o.error);
      if (err) reject(err);
      else if (failed?.error) reject(new Error(failed.error));
      else resolve();
    });
  });
}

function stopped(world: EcsWorld, task: Task, stopCode: string, reason: string, exitCode?: number): void {
  const now = world.clock.now();
  task.lastStatus = 'STOPPED';
  task.desiredStatus = 'STOPPED';
  task.stopCode ??= stopCode;
  task.stoppedReason ??= reason;
  task.stoppingAt ??= now;
  task.executionStoppedAt = now;
  task.stoppedAt = now;
  for (const c of task.containers) {
    c.lastStatus = 'STOPPED';
    if (exitCode !== undefined) c.exitCode = exitCode;
  }
  task.version += 1;
}

/** Starts the real run in the background; the returned promise settles when the task is STOPPED. */
export function runOnDocker(world: EcsWorld, docker: Docker, task: Task): Promise<void> {
  const def = task.containerDefs.find((c) => c.essential) ?? task.containerDefs[0];
  if (!def) return Promise.resolve();
  const o = overrideFor(task, def.name);
  const auth = world.authFor(def.image);
  const target = logTarget(task, def);
  const c = task.containers.find((x) => x.name === def.name);

  const run = async () => {
    task.lastStatus = 'PENDING';
    task.pullStartedAt = world.clock.now();
    for (const x of task.containers) x.lastStatus = 'PENDING';
    try {
      await pull(docker, def.image, auth);
    } catch (e) {
      const why = `CannotPullContainerError: ${(e as Error).message}`.slice(0, 1024);
      if (c) c.reason = why;
      stopped(world, task, 'TaskFailedToStart', why);
      return;
    }
    task.pullStoppedAt = world.clock.now();
    if (task.desiredStatus === 'STOPPED') {
      stopped(world, task, 'UserInitiated', task.stoppedReason ?? 'Task stopped by user');
      return;
    }
    const cmd = o?.command ?? def.command;
    const container = await docker.createContainer({
      Image: def.image,
      ...(cmd && { Cmd: cmd }),
      ...(def.entryPoint && { Entrypoint: def.entryPoint }),
      ...(def.workingDirectory && { WorkingDir: def.workingDirectory }),
      ...(def.user && { User: def.user }),
      Env: environmentFor(def, o),
      Labels: { 'lab.ecs.task': task.arn },
      // The lab engine runs with --bridge=none: host networking reaches the lab PostgreSQL on 127.0.0.1.
      HostConfig: { NetworkMode: 'host' },
    });
    if (c) c.runtimeId = container.id;
    task.dockerContainer = container;
    if (target) world.logs.ensureStream(target.group, target.stream);
    const write = (line: string) => {
      if (target)
        world.logs.put(target.group, target.stream, [{ timestamp: world.clock.now(), message: line }]);
    };
    const out = lines(write);
    const err = lines(write);
    const attached = await container.attach({ stream: true, stdout: true, stderr: true });
    docker.modem.demuxStream(attached, out.stream, err.stream);
    try {
      await container.start();
    } catch (e) {
      const why = `CannotStartContainerError: ${(e as Error).message}`.slice(0, 1024);
      if (c) c.reason = why;
      stopped(world, task, 'TaskFailedToStart', why);
      await container.remove({ force: true }).catch(() => undefined);
      return;
    }
    task.lastStatus = 'RUNNING';
    task.startedAt = world.clock.now();
    for (const x of task.containers) x.lastStatus = 'RUNNING';
    task.version += 1;
    const result = (await container.wait()) as { StatusCode: number };
    // Give the attach stream a moment to deliver the last bytes before it is closed.
    await new Promise<void>((resolve) => {
      if ((attached as unknown as { readableEnded?: boolean }).readableEnded) resolve();
      else {
        attached.once('end', () => resolve());
        setTimeout(resolve, 500);
      }
    });
    out.end();
    err.end();
    stopped(world, task, 'EssentialContainerExited', 'Essential container in task exited', result.StatusCode);
    await container.remove({ force: true }).catch(() => undefined);
  };

  const p = run().catch((e: unknown) => {
    const why = `CannotStartContainerError: ${(e as Error).message}`.slice(0, 1024);
    if (c) c.reason = why;
    stopped(world, task, 'TaskFailedToStart', why);
  });
  const tracked = p.finally(() => {
    world.running.delete(tracked);
  });
  world.running.add(tracked);
  return tracked;
}

/** StopTask on a real task: SIGTERM, then SIGKILL after 30 s (ECS's default stopTimeout). */
export async function stopOnDocker(task: Task): Promise<void> {
  await task.dockerContainer?.stop({ t: 30 }).catch(() => undefined);
}
