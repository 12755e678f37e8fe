import { describe, expect, it } from 'vitest';
import { lab, taskDefinition } from './ecs-fixture.js';

describe('ECS task definitions, tags and services (lab)', () => {
  it('keeps families, revisions and tags; lists by exact family; deregisters', async () => {
    const l = lab();
    const tags = [{ key: 'ecs-release:release', value: 'r1' }];
    const r1 = await l.call<{ taskDefinition: Record<string, unknown>; tags: unknown }>(
      'RegisterTaskDefinition',
      { ...taskDefinition('api', 'img:1', { runtimePlatform: { cpuArchitecture: 'X86_64' } }), tags },
    );
    expect(r1.taskDefinition).toMatchObject({
      family: 'api',
      revision: 1,
      status: 'ACTIVE',
      runtimePlatform: { cpuArchitecture: 'X86_64' },
    });
    expect(r1.tags).toEqual(tags);
    await l.call('RegisterTaskDefinition', taskDefinition('api', 'img:2'));
    await l.call('RegisterTaskDefinition', taskDefinition('api-worker', 'img:2'));
    const d = await l.call<{ taskDefinition: { revision: number }; tags?: unknown }>(
      'DescribeTaskDefinition',
      {
        taskDefinition: 'api:1',
        include: ['TAGS'],
      },
    );
    expect(d.tags).toEqual(tags);
    const arn = (r1.taskDefinition.taskDefinitionArn as string) ?? '';
    await l.call('TagResource', {
      resourceArn: arn,
      tags: [{ key: 'ecs-release:outcome', value: 'succeeded' }],
    });
    expect(
      (await l.call<{ tags: unknown[] }>('ListTagsForResource', { resourceArn: arn })).tags,
    ).toHaveLength(2);
    await l.call('UntagResource', { resourceArn: arn, tagKeys: ['ecs-release:release'] });
    expect((await l.call<{ tags: unknown[] }>('ListTagsForResource', { resourceArn: arn })).tags).toEqual([
      { key: 'ecs-release:outcome', value: 'succeeded' },
    ]);
    const list = await l.call<{ taskDefinitionArns: string[] }>('ListTaskDefinitions', {
      familyPrefix: 'api',
      sort: 'DESC',
    });
    expect(list.taskDefinitionArns.map((a) => a.split('/').pop())).toEqual(['api:2', 'api:1']);
    const paged = await l.call<{ taskDefinitionArns: string[]; nextToken?: string }>('ListTaskDefinitions', {
      maxResults: 2,
    });
    expect(paged.taskDefinitionArns).toHaveLength(2);
    expect(paged.nextToken).toBeDefined();
    await l.call('DeregisterTaskDefinition', { taskDefinition: 'api:2' });
    const latest = await l.call<{ taskDefinition: { revision: number } }>('DescribeTaskDefinition', {
      taskDefinition: 'api',
    });
    expect(latest.taskDefinition.revision).toBe(1);
    await expect(l.call('DescribeTaskDefinition', { taskDefinition: 'nope:9' })).rejects.toMatchObject({
      code: 'ClientException',
    });
  });

  it('describes services with MISSING failures and TAGS, and rejects more than 10', async () => {
    const l = lab();
    await l.call('CreateCluster', { clusterName: 'prod' });
    await l.call('RegisterTaskDefinition', taskDefinition('api', 'img:1'));
    await l.call('CreateService', {
      cluster: 'prod',
      serviceName: 'api',
      taskDefinition: 'api',
      desiredCount: 1,
      tags: [{ key: 'team', value: 'web' }],
    });
    const out = await l.call<{ services: { tags?: unknown }[]; failures: { arn: string; reason: string }[] }>(
      'DescribeServices',
      { cluster: 'prod', services: ['api', 'ghost'], include: ['TAGS'] },
    );
    expect(out.services[0]?.tags).toEqual([{ key: 'team', value: 'web' }]);
    expect(out.failures).toEqual([
      { arn: expect.stringMatching(/:service\/prod\/ghost$/), reason: 'MISSING' },
    ]);
    await expect(
      l.call('DescribeServices', {
        cluster: 'prod',
        services: Array.from({ length: 11 }, (_, i) => `s${i}`),
      }),
    ).rejects.toMatchObject({ code: 'InvalidParameterException' });
    await expect(
      l.call('UpdateService', { cluster: 'prod', service: 'ghost', desiredCount: 1 }),
    ).rejects.toMatchObject({
      code: 'ServiceNotFoundException',
    });
    // desiredCount alone starts no new deployment.
    const upd = await l.call<{ service: { deployments: unknown[] } }>('UpdateService', {
      cluster: 'prod',
      service: 'api',
      desiredCount: 2,
    });
    expect(upd.service.deployments).toHaveLength(1);
  });

  it('ELBv2: targets go initial → healthy, draining → unused; unknown group is TargetGroupNotFound', async () => {
    const l = lab();
    const tg = await l.elbCall<{
      TargetGroups: { TargetGroupArn: string; HealthCheckIntervalSeconds: number }[];
    }>('CreateTargetGroup', {
      Name: 'web',
      Protocol: 'HTTP',
      Port: 80,
      VpcId: 'vpc-1',
      TargetType: 'ip',
      HealthCheckIntervalSeconds: 10,
    });
    const arn = tg.TargetGroups[0]?.TargetGroupArn ?? '';
    await l.elbCall('ModifyTargetGroupAttributes', {
      TargetGroupArn: arn,
      Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '20' }],
    });
    await l.elbCall('RegisterTargets', { TargetGroupArn: arn, Targets: [{ Id: '10.0.0.5', Port: 80 }] });
    const state = async () =>
      (
        await l.elbCall<{ TargetHealthDescriptions: { TargetHealth: { State: string; Reason?: string } }[] }>(
          'DescribeTargetHealth',
          { TargetGroupArn: arn, Targets: [{ Id: '10.0.0.5', Port: 80 }] },
        )
      ).TargetHealthDescriptions[0]?.TargetHealth;
    expect(await state()).toMatchObject({ State: 'initial', Reason: 'Elb.RegistrationInProgress' });
    l.tick(10_000);
    expect(await state()).toEqual({ State: 'healthy' });
    await l.elbCall('DeregisterTargets', { TargetGroupArn: arn, Targets: [{ Id: '10.0.0.5', Port: 80 }] });
    expect(await state()).toMatchObject({ State: 'draining', Reason: 'Target.DeregistrationInProgress' });
    l.tick(20_000);
    expect(await state()).toMatchObject({ State: 'unused', Reason: 'Target.NotRegistered' });
    await expect(l.elbCall('DescribeTargetHealth', { TargetGroupArn: `${arn}x` })).rejects.toMatchObject({
      code: 'TargetGroupNotFound',
    });
  });
});
