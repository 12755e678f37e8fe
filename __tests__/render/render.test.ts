import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { ListTagsForResourceCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { runPreflight } from '../../src/preflight';
import { tagBaseline } from '../../src/record/release-record';
import { diffTaskDefinitions, previewServices, renderTaskDefinition, sameDefinition } from '../../src/render';
import { scenario } from '../engine/rolling/scenario';

const running: TaskDefinition = {
  taskDefinitionArn: 'arn:aws:ecs:eu-west-1:111122223333:task-definition/api:7',
  family: 'api',
  revision: 7,
  status: 'ACTIVE',
  registeredAt: new Date('2026-01-01T00:00:00Z'),
  registeredBy: 'arn:aws:sts::111122223333:assumed-role/deployer/x',
  requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' }],
  compatibilities: ['EC2', 'FARGATE'],
  requiresCompatibilities: ['FARGATE'],
  networkMode: 'awsvpc',
  cpu: '512',
  memory: '1024',
  taskRoleArn: 'arn:aws:iam::111122223333:role/api',
  volumes: [],
  placementConstraints: [],
  ephemeralStorage: { sizeInGiB: 30 },
  containerDefinitions: [
    {
      name: 'api',
      image: 'repo/api@sha256:old',
      cpu: 0,
      environment: [{ name: 'A', value: '1' }],
      mountPoints: [],
    },
    { name: 'envoy', image: 'envoy:v1.30', essential: false },
  ],
};
const tags = [
  { key: 'team', value: 'payments' },
  { key: 'aws:cloudformation:stack-name', value: 'legacy' },
  { key: 'ecs-release:release', value: 'r1' },
  { key: 'ecs-release:outcome', value: 'succeeded' },
];
const record = {
  release: 'r2',
  commit: 'c2',
  environment: 'production',
  runUrl: 'https://github.com/o/r/actions/runs/9',
};

describe('renderTaskDefinition', () => {
  it('copies every registrable field, replaces only the mapped image, and sets the record tags', () => {
    const input = renderTaskDefinition(
      running,
      tags,
      [{ container: 'api', image: 'backend' }],
      { backend: 'repo/api@sha256:new' },
      record,
    );
    expect(Object.keys(input).sort()).toEqual(
      [
        'containerDefinitions',
        'cpu',
        'ephemeralStorage',
        'family',
        'memory',
        'networkMode',
        'placementConstraints',
        'requiresCompatibilities',
        'tags',
        'taskRoleArn',
        'volumes',
      ].sort(),
    );
    expect(input.containerDefinitions?.map((c) => c.image)).toEqual(['repo/api@sha256:new', 'envoy:v1.30']);
    expect(input.containerDefinitions?.[0]?.environment).toEqual([{ name: 'A', value: '1' }]);
    expect(input.tags).toEqual([
      { key: 'team', value: 'payments' },
      { key: 'ecs-release:release', value: 'r2' },
      { key: 'ecs-release:commit', value: 'c2' },
      { key: 'ecs-release:environment', value: 'production' },
      { key: 'ecs-release:run', value: 'https://github.com/o/r/actions/runs/9' },
    ]);
    // Pure: the running revision is untouched.
    expect(running.containerDefinitions?.[0]?.image).toBe('repo/api@sha256:old');
  });

  it('names a mapping it cannot apply', () => {
    expect(() =>
      renderTaskDefinition(running, [], [{ container: 'api', image: 'backend' }], {}, record),
    ).toThrow(/image key "backend"/);
  });
});

describe('sameDefinition', () => {
  it('treats a re-render with the same images as unchanged, whatever the record tags say', () => {
    const same = renderTaskDefinition(
      running,
      tags,
      [{ container: 'api', image: 'backend' }],
      { backend: 'repo/api@sha256:old' },
      record,
    );
    expect(sameDefinition({ ...running, tags }, same)).toBe(true);
  });
  it('sees a new image, a changed field and a changed ordinary tag', () => {
    const base = { ...running, tags };
    expect(
      sameDefinition(
        base,
        renderTaskDefinition(
          running,
          tags,
          [{ container: 'api', image: 'b' }],
          { b: 'repo/api@sha256:new' },
          record,
        ),
      ),
    ).toBe(false);
    expect(sameDefinition(base, { ...base, cpu: '1024' })).toBe(false);
    expect(sameDefinition(base, { ...base, tags: [...tags, { key: 'owner', value: 'x' }] })).toBe(false);
    // Empty lists and absent ones mean the same to ECS.
    expect(sameDefinition(base, { ...base, volumes: undefined, placementConstraints: undefined })).toBe(true);
  });
});

describe('diffTaskDefinitions', () => {
  it('prints one line per changed field and tag, containers by name', () => {
    const after = renderTaskDefinition(
      running,
      tags,
      [{ container: 'api', image: 'backend' }],
      { backend: 'repo/api@sha256:new' },
      record,
    );
    expect(diffTaskDefinitions({ ...running, tags }, { ...after, memory: '2048' }).split('\n')).toEqual([
      '~ container "api".image: "repo/api@sha256:old" → "repo/api@sha256:new"',
      '~ memory: "1024" → "2048"',
      '- tag aws:cloudformation:stack-name=legacy',
      '+ tag ecs-release:commit=c2',
      '+ tag ecs-release:environment=production',
      '- tag ecs-release:outcome=succeeded',
      '~ tag ecs-release:release: r1 → r2',
      '+ tag ecs-release:run=https://github.com/o/r/actions/runs/9',
    ]);
    expect(diffTaskDefinitions(running, running)).toBe('');
  });
});

describe('previewServices and tagBaseline (lab)', () => {
  it('plans per service, images not built yet shown as repository and content key', async () => {
    const s = scenario();
    const ctx = s.context(s.config);
    const preflight = await runPreflight(ctx);
    const plan = previewServices(
      preflight,
      {
        backend: `${s.uri.backend}:content-1234`,
        frontend: s.images({ backend: '', frontend: 'sha256:'.padEnd(71, 'b') }).frontend?.reference ?? '',
      },
      record,
    );
    expect(plan).toContain(
      'service demo-api (wave 1) runs demo-api:1\n  would register a new revision of demo-api',
    );
    expect(plan).toContain(`~ container "api".image: "${s.uri.backend}@sha256:aaaa`);
    expect(plan).toContain(`→ "${s.uri.backend}:content-1234"`);
    expect(plan).toContain(
      'service demo-web (wave 2) runs demo-web:1\n  unchanged: nothing would be registered or updated',
    );
    expect(s.lab.recorder.mutations()).toEqual([]);
  });

  it('tags the running revisions that carry no release record as release baseline, succeeded', async () => {
    const s = scenario();
    const ctx = s.context(s.config);
    const tagged = await tagBaseline(ctx, (await runPreflight(ctx)).services);
    expect(tagged).toHaveLength(3);
    const out = await s.aws.ecs.send(new ListTagsForResourceCommand({ resourceArn: tagged[0] }));
    expect(out.tags).toEqual(
      expect.arrayContaining([
        { key: 'team', value: 'payments' },
        { key: 'ecs-release:release', value: 'baseline' },
        { key: 'ecs-release:outcome', value: 'succeeded' },
      ]),
    );
    // A second run finds them tagged and tags nothing.
    expect(await tagBaseline(ctx, (await runPreflight(ctx)).services)).toEqual([]);
  });
});
