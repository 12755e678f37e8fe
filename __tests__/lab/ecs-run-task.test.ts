import Docker from 'dockerode';
import { beforeAll, describe, expect, it } from 'vitest';
import { type LabEnv, loadLabEnv } from '../../lab/env.js';
import { needsLab } from '../support/world';
import { lab, type TaskOut, taskDefinition } from './ecs-fixture.js';

interface RunOut {
  tasks: TaskOut[];
  failures: { reason: string }[];
}

async function describeTask(l: ReturnType<typeof lab>, arn: string): Promise<TaskOut> {
  const out = await l.call<{ tasks: TaskOut[] }>('DescribeTasks', { cluster: 'prod', tasks: [arn] });
  if (!out.tasks[0]) throw new Error('task missing');
  return out.tasks[0];
}

describe('RunTask, scripted (no engine)', () => {
  it('returns the scripted exit code and writes the log lines to the awslogs stream', async () => {
    const l = lab();
    l.ecs.world.createCluster('prod');
    await l.call('RegisterTaskDefinition', taskDefinition('migrate', 'backend:1'));
    l.ecs.world.behave(
      { family: 'migrate' },
      { outcome: 'exit', exitCode: 3, logLines: ['applying 001', 'boom'], after: 4000 },
    );
    const run = await l.call<RunOut>('RunTask', {
      cluster: 'prod',
      taskDefinition: 'migrate',
      launchType: 'FARGATE',
      startedBy: 'ecs-release/r1',
      overrides: { containerOverrides: [{ name: 'migrate', command: ['migrate'] }] },
    });
    expect(run.failures).toEqual([]);
    const arn = run.tasks[0]?.taskArn ?? '';
    const taskId = arn.split('/').pop() ?? '';
    expect(run.tasks[0]).toMatchObject({
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      startedBy: 'ecs-release/r1',
    });
    const seen: string[] = [];
    for (let i = 0; i < 30; i += 1) {
      l.tick();
      const t = await describeTask(l, arn);
      if (seen.at(-1) !== t.lastStatus) seen.push(t.lastStatus);
    }
    expect(seen).toEqual(['PROVISIONING', 'PENDING', 'RUNNING', 'STOPPED']);
    const t = await describeTask(l, arn);
    expect(t).toMatchObject({
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
    });
    expect(t.containers[0]).toMatchObject({ name: 'migrate', lastStatus: 'STOPPED', exitCode: 3 });
    expect(l.logs.lines('/ecs/migrate', `ecs/migrate/${taskId}`)).toEqual(['applying 001', 'boom']);
  });

  it('reports capacity failures, unknown tasks as MISSING, and StopTask as UserInitiated', async () => {
    const l = lab();
    l.ecs.world.createCluster('prod');
    await l.call('RegisterTaskDefinition', taskDefinition('migrate', 'backend:1'));
    l.ecs.world.capacity(false);
    const none = await l.call<RunOut>('RunTask', {
      cluster: 'prod',
      taskDefinition: 'migrate:1',
      launchType: 'FARGATE',
    });
    expect(none).toEqual({ tasks: [], failures: [{ reason: 'RESOURCE:FARGATE' }] });
    l.ecs.world.capacity(true).behave({ family: 'migrate' }, { outcome: 'hang' });
    const run = await l.call<RunOut>('RunTask', {
      cluster: 'prod',
      taskDefinition: 'migrate:1',
      launchType: 'FARGATE',
    });
    const arn = run.tasks[0]?.taskArn ?? '';
    l.tick(10_000);
    expect((await describeTask(l, arn)).lastStatus).toBe('RUNNING');
    await l.call('StopTask', { cluster: 'prod', task: arn, reason: 'release cancelled' });
    l.tick(5000);
    expect(await describeTask(l, arn)).toMatchObject({
      lastStatus: 'STOPPED',
      stopCode: 'UserInitiated',
      stoppedReason: 'release cancelled',
    });
    const missing = await l.call<{ failures: { arn: string; reason: string }[] }>('DescribeTasks', {
      cluster: 'prod',
      tasks: ['0123456789abcdef0123456789abcdef'],
    });
    expect(missing.failures[0]?.reason).toBe('MISSING');
    await expect(l.call('DescribeTasks', { cluster: 'nope', tasks: ['x'] })).rejects.toMatchObject({
      code: 'ClusterNotFoundException',
    });
  });

  it('fails to start with the scripted CannotPullContainerError', async () => {
    const l = lab();
    l.ecs.world.createCluster('prod');
    await l.call('RegisterTaskDefinition', taskDefinition('migrate', 'backend:missing'));
    l.ecs.world.behave(
      { family: 'migrate' },
      { outcome: 'fail-to-start', reason: 'CannotPullContainerError: not found' },
    );
    const run = await l.call<RunOut>('RunTask', { cluster: 'prod', taskDefinition: 'migrate:1' });
    l.tick(20_000);
    const t = await describeTask(l, run.tasks[0]?.taskArn ?? '');
    expect(t).toMatchObject({
      lastStatus: 'STOPPED',
      stopCode: 'TaskFailedToStart',
      stoppedReason: 'CannotPullContainerError: not found',
    });
    expect(t.containers[0]?.exitCode).toBeUndefined();
  });
});

const env = loadLabEnv();

/** The lab with its `prod` cluster, its tasks run as containers on the lab's Docker engine. */
function engineLab(env: LabEnv): ReturnType<typeof lab> {
  const docker = new Docker({ socketPath: env.dockerHost.replace(/^unix:\/\//, '') });
  const l = lab({
    docker,
    registryAuth: { username: env.registryUser, password: env.registryPassword, serveraddress: env.registry },
  });
  l.ecs.world.createCluster('prod');
  return l;
}
describe('RunTask on the lab Docker engine (needs lab/up: .lab/env)', () => {
  beforeAll(needsLab);
  it('runs the container for real and returns its exit code and output', async () => {
    if (!env) return;
    const l = engineLab(env);
    await l.call('RegisterTaskDefinition', taskDefinition('job', env.baseImage));
    const run = await l.call<RunOut>('RunTask', {
      cluster: 'prod',
      taskDefinition: 'job',
      overrides: {
        containerOverrides: [
          {
            name: 'job',
            command: ['sh', '-c', 'echo hi $MODE $EXTRA; echo oops >&2; exit 3'],
            environment: [{ name: 'EXTRA', value: 'x' }],
          },
        ],
      },
    });
    const arn = run.tasks[0]?.taskArn ?? '';
    const taskId = arn.split('/').pop() ?? '';
    // Real time: poll DescribeTasks as a caller would.
    let t = await describeTask(l, arn);
    for (let i = 0; i < 200 && t.lastStatus !== 'STOPPED'; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      t = await describeTask(l, arn);
    }
    await l.ecs.world.idle();
    t = await describeTask(l, arn);
    expect(t).toMatchObject({
      lastStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
    });
    expect(t.containers[0]?.exitCode).toBe(3);
    expect(l.logs.lines('/ecs/job', `ecs/job/${taskId}`).sort()).toEqual(['hi lab x', 'oops']);
  });

  it('reports an image that cannot be pulled as TaskFailedToStart / CannotPullContainerError', async () => {
    if (!env) return;
    const l = engineLab(env);
    await l.call('RegisterTaskDefinition', taskDefinition('job', `${env.registry}/lab/does-not-exist:1`));
    const run = await l.call<RunOut>('RunTask', { cluster: 'prod', taskDefinition: 'job' });
    await l.ecs.world.idle();
    const t = await describeTask(l, run.tasks[0]?.taskArn ?? '');
    expect(t).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'TaskFailedToStart' });
    expect(t.stoppedReason).toMatch(/^CannotPullContainerError: /);
  });
});
