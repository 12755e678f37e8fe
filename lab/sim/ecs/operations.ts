/**
 * ECS operations (JSON 1.1; members in camelCase as the API names them). Each
 * first advances the world to the clock's now.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Operations.html
 */
import { AwsError, type ServiceOperations } from '../types.js';
import { describeCluster, describeService, describeTask } from './describe.js';
import {
  clone,
  type Input,
  invalid,
  mergeTags,
  optNumber,
  optObject,
  optObjects,
  optString,
  optStrings,
  optTags,
  page,
  reqString,
  type Tag,
} from './input.js';
import type { Task } from './model.js';
import { runOnDocker, stopOnDocker } from './run-task.js';
import { serviceDeploymentOperations } from './service-deployment-operations.js';
import { createService, updateService } from './services.js';
import { validateStrategy } from './strategy.js';
import { beginStop } from './tasks.js';
import type { EcsWorld } from './world.js';

const withTags = (input: Input) => (optStrings(input, 'include') ?? []).includes('TAGS');

/** The record a resource ARN names, for the tagging operations. */
function taggable(world: EcsWorld, arn: string): { tags: Tag[] } {
  const m = /^arn:aws[a-z-]*:ecs:[^:]+:\d+:([a-z-]+)\/(.+)$/.exec(arn);
  if (!m) throw invalid('The ARN provided is invalid.');
  const [, kind, rest = ''] = m;
  if (kind === 'cluster') return world.cluster(rest);
  if (kind === 'service') {
    const [cluster, name] = rest.includes('/') ? rest.split('/') : ['default', rest];
    return world.service(cluster, name ?? '');
  }
  if (kind === 'task-definition') {
    const td = world.taskDefinitions.find(rest);
    if (td) return td;
  }
  if (kind === 'task') {
    const t = findTask(world, rest.split('/')[0], arn);
    if (t) return t;
  }
  throw new AwsError('ResourceNotFoundException', 'The specified resource could not be found.');
}

function findTask(world: EcsWorld, clusterName: string | undefined, ref: string): Task | undefined {
  if (ref.startsWith('arn:')) return world.tasks.get(ref);
  const c = world.cluster(clusterName);
  return world.tasks.get(`arn:aws:ecs:${world.region}:${world.account}:task/${c.name}/${ref}`);
}

export function ecsOperations(world: EcsWorld): ServiceOperations {
  const now = () => {
    world.advance();
    return world.clock.now();
  };

  return {
    ...serviceDeploymentOperations(world, now),
    CreateCluster(input) {
      now();
      const name = optString(input, 'clusterName') ?? 'default';
      const { clusterName: _n, tags: _t, ...body } = input;
      return {
        cluster: describeCluster(world, world.createCluster(name, optTags(input) ?? [], clone(body)), true),
      };
    },

    DescribeClusters(input) {
      now();
      const refs = optStrings(input, 'clusters') ?? ['default'];
      const clusters = [];
      const failures = [];
      for (const ref of refs) {
        const name = ref.replace(/^arn:aws[a-z-]*:ecs:[^:]+:\d+:cluster\//, '');
        const c = world.clusters.get(name);
        if (c) clusters.push(describeCluster(world, c, withTags(input)));
        else
          failures.push({
            arn: `arn:aws:ecs:${world.region}:${world.account}:cluster/${name}`,
            reason: 'MISSING',
          });
      }
      return { clusters, failures };
    },

    ListClusters(input) {
      now();
      const arns = [...world.clusters.values()].map((c) => c.arn);
      const { items, nextToken } = page(arns, optNumber(input, 'maxResults'), optString(input, 'nextToken'));
      return { clusterArns: items, ...(nextToken && { nextToken }) };
    },

    CreateService(input) {
      const t = now();
      // The API refuses wrong strategy fields; seeding (world.createService) takes them as given.
      validateStrategy(optObject(input, 'deploymentConfiguration') ?? {});
      return { service: describeService(world, createService(world, input, t), false) };
    },

    UpdateService(input) {
      const t = now();
      const cfg = optObject(input, 'deploymentConfiguration');
      if (cfg) {
        const svc = world.service(optString(input, 'cluster'), reqString(input, 'service'));
        validateStrategy({ ...svc.deploymentConfiguration.rest, ...cfg });
      }
      return { service: describeService(world, updateService(world, input, t), false) };
    },

    DeleteService(input) {
      now();
      const svc = world.service(optString(input, 'cluster'), reqString(input, 'service'));
      if (svc.desiredCount > 0 && input.force !== true) {
        throw invalid('The service cannot be stopped while it is scaled above 0.');
      }
      svc.status = 'DRAINING';
      for (const task of world.liveTasks(svc))
        world.stopServiceTask(task, world.clock.now(), 'Service deleted');
      const out = describeService(world, svc, false);
      svc.status = 'INACTIVE';
      return { service: out };
    },

    DescribeServices(input) {
      now();
      const cluster = world.cluster(optString(input, 'cluster'));
      const refs = optStrings(input, 'services') ?? [];
      if (refs.length === 0) throw invalid('Services cannot be empty.');
      if (refs.length > 10) throw invalid('Too many services. Maximum is 10.');
      const services = [];
      const failures = [];
      for (const ref of refs) {
        const svc = world.findService(cluster, ref);
        if (svc) services.push(describeService(world, svc, withTags(input)));
        else {
          const name = ref.split('/').pop() ?? ref;
          failures.push({
            arn: ref.startsWith('arn:')
              ? ref
              : `arn:aws:ecs:${world.region}:${world.account}:service/${cluster.name}/${name}`,
            reason: 'MISSING',
          });
        }
      }
      return { services, failures };
    },

    ListServices(input) {
      now();
      const cluster = world.cluster(optString(input, 'cluster'));
      const arns = [...world.services.values()]
        .filter((s) => s.cluster === cluster && s.status === 'ACTIVE')
        .map((s) => s.arn);
      const { items, nextToken } = page(arns, optNumber(input, 'maxResults'), optString(input, 'nextToken'));
      return { serviceArns: items, ...(nextToken && { nextToken }) };
    },

    RegisterTaskDefinition(input) {
      const td = world.taskDefinitions.register(input, now());
      return { taskDefinition: world.taskDefinitions.describe(td), tags: td.tags };
    },

    DescribeTaskDefinition(input) {
      now();
      const td = world.taskDefinitions.get(reqString(input, 'taskDefinition'));
      return {
        taskDefinition: world.taskDefinitions.describe(td),
        ...(withTags(input) && { tags: td.tags }),
      };
    },

    DeregisterTaskDefinition(input) {
      const t = now();
      const td = world.taskDefinitions.get(reqString(input, 'taskDefinition'));
      if (!/:\d+$/.test(reqString(input, 'taskDefinition'))) {
        throw new AwsError(
          'ClientException',
          'The specified task definition identifier is invalid. Specify a revision.',
        );
      }
      if (td.status === 'ACTIVE') {
        td.status = 'INACTIVE';
        td.deregisteredAt = t;
      }
      return { taskDefinition: world.taskDefinitions.describe(td) };
    },

    ListTaskDefinitions(input) {
      now();
      // `familyPrefix` is the full family name, despite its name (API_ListTaskDefinitions).
      const family = optString(input, 'familyPrefix');
      const status = optString(input, 'status') ?? 'ACTIVE';
      const sort = optString(input, 'sort') ?? 'ASC';
      let list = world.taskDefinitions
        .all()
        .filter(
          (td) =>
            (family === undefined || td.family === family) && (status === 'ALL' || td.status === status),
        );
      list = list.sort((a, b) => a.family.localeCompare(b.family) || a.revision - b.revision);
      if (sort === 'DESC') list.reverse();
      const { items, nextToken } = page(
        list.map((td) => td.arn),
        optNumber(input, 'maxResults'),
        optString(input, 'nextToken'),
      );
      return { taskDefinitionArns: items, ...(nextToken && { nextToken }) };
    },

    ListTaskDefinitionFamilies(input) {
      now();
      const prefix = optString(input, 'familyPrefix') ?? '';
      const status = optString(input, 'status') ?? 'ACTIVE';
      const families = [...world.taskDefinitions.families]
        .filter(
          ([f, revs]) => f.startsWith(prefix) && (status === 'ALL' || revs.some((r) => r.status === status)),
        )
        .map(([f]) => f)
        .sort();
      const { items, nextToken } = page(
        families,
        optNumber(input, 'maxResults'),
        optString(input, 'nextToken'),
      );
      return { families: items, ...(nextToken && { nextToken }) };
    },

    TagResource(input) {
      now();
      const r = taggable(world, reqString(input, 'resourceArn'));
      r.tags = mergeTags(r.tags, optTags(input) ?? []);
      return {};
    },

    UntagResource(input) {
      now();
      const r = taggable(world, reqString(input, 'resourceArn'));
      const keys = new Set(optStrings(input, 'tagKeys') ?? []);
      r.tags = r.tags.filter((t) => !keys.has(t.key));
      return {};
    },

    ListTagsForResource(input) {
      now();
      return { tags: taggable(world, reqString(input, 'resourceArn')).tags };
    },

    ListTasks(input) {
      now();
      const cluster = world.cluster(optString(input, 'cluster'));
      const serviceName = optString(input, 'serviceName');
      const svc = serviceName !== undefined ? world.service(cluster.arn, serviceName) : undefined;
      const startedBy = optString(input, 'startedBy');
      const family = optString(input, 'family');
      const desired = optString(input, 'desiredStatus') ?? 'RUNNING';
      const launchType = optString(input, 'launchType');
      const arns = [...world.tasks.values()]
        .filter(
          (x) =>
            x.cluster === cluster &&
            (svc === undefined || x.service === svc) &&
            (startedBy === undefined || x.startedBy === startedBy) &&
            (family === undefined || x.taskDefinition.family === family) &&
            (launchType === undefined || x.launchType === launchType) &&
            x.desiredStatus === desired,
        )
        .map((x) => x.arn);
      const { items, nextToken } = page(arns, optNumber(input, 'maxResults'), optString(input, 'nextToken'));
      return { taskArns: items, ...(nextToken && { nextToken }) };
    },

    DescribeTasks(input) {
      now();
      const cluster = world.cluster(optString(input, 'cluster'));
      const refs = optStrings(input, 'tasks') ?? [];
      if (refs.length === 0) throw invalid('Tasks cannot be empty.');
      if (refs.length > 100) throw invalid('Too many tasks. Maximum is 100.');
      const tasks = [];
      const failures = [];
      for (const ref of refs) {
        const task = findTask(world, cluster.name, ref);
        if (task && task.cluster === cluster) tasks.push(describeTask(world, task, withTags(input)));
        else {
          failures.push({
            arn: ref.startsWith('arn:')
              ? ref
              : `arn:aws:ecs:${world.region}:${world.account}:task/${cluster.name}/${ref}`,
            reason: 'MISSING',
          });
        }
      }
      return { tasks, failures };
    },

    RunTask(input) {
      const t = now();
      const cluster = world.cluster(optString(input, 'cluster'));
      const td = world.taskDefinitions.get(reqString(input, 'taskDefinition'));
      const count = optNumber(input, 'count') ?? 1;
      if (count < 1 || count > 10) throw invalid('count must be between 1 and 10.');
      const noCapacity = world.capacityFailure();
      if (noCapacity !== undefined) {
        return { tasks: [], failures: Array.from({ length: count }, () => ({ reason: noCapacity })) };
      }
      const strategy = optObjects(input, 'capacityProviderStrategy');
      const provider = (strategy?.[0] as { capacityProvider?: string } | undefined)?.capacityProvider;
      const launchType = optString(input, 'launchType') ?? (strategy ? undefined : 'EC2');
      const platformVersion = optString(input, 'platformVersion');
      const overrides = optObject(input, 'overrides');
      const startedBy = optString(input, 'startedBy');
      const tasks = [];
      for (let i = 0; i < count; i += 1) {
        const task = world.newTask({
          cluster,
          td,
          group: optString(input, 'group') ?? `family:${td.family}`,
          ...(startedBy !== undefined && { startedBy }),
          ...(launchType !== undefined && { launchType }),
          ...(provider !== undefined && { capacityProviderName: provider }),
          ...((platformVersion ?? (launchType === 'FARGATE' || provider ? 'LATEST' : undefined)) !==
            undefined && {
            platformVersion: platformVersion ?? 'LATEST',
          }),
          ...(overrides && { overrides: clone(overrides) }),
          tags: optTags(input) ?? [],
          real: world.docker !== undefined,
          now: t,
        });
        if (world.docker) void runOnDocker(world, world.docker, task);
        tasks.push(describeTask(world, task, false));
      }
      return { tasks, failures: [] };
    },

    StopTask(input) {
      const t = now();
      const cluster = world.cluster(optString(input, 'cluster'));
      const task = findTask(world, cluster.name, reqString(input, 'task'));
      if (!task) throw invalid('The referenced task was not found.');
      const why = optString(input, 'reason');
      if (task.lastStatus !== 'STOPPED') {
        if (task.real) {
          task.desiredStatus = 'STOPPED';
          task.stopCode = 'UserInitiated';
          if (why !== undefined) task.stoppedReason = why;
          task.stoppingAt = t;
          void stopOnDocker(task);
        } else {
          beginStop(world, task, t, 'UserInitiated', why);
          if (task.service) task.service.steady = false;
        }
      }
      return { task: describeTask(world, task, false) };
    },
  };
}
