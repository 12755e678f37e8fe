/**
 * ListServiceDeployments, DescribeServiceDeployments, StopServiceDeployment,
 * ContinueServiceDeployment, over the built-in strategies' service deployments.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListServiceDeployments.html
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServiceDeployments.html
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_StopServiceDeployment.html
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContinueServiceDeployment.html
 */
import { AwsError, type ServiceOperations } from '../types.js';
import { failureThreshold } from './circuit-breaker.js';
import { isPendingStatus } from './deployments.js';
import { invalid, optNumber, optObject, optString, optStrings, page, reqString } from './input.js';
import type { Deployment } from './model.js';
import {
  ONGOING,
  revisionArn,
  type SdStatus,
  type ServiceDeployment,
  STATUS_TEXT,
  startRollback,
} from './service-deployments.js';
import type { EcsWorld } from './world.js';

const date = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));

function compact<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

function all(world: EcsWorld): ServiceDeployment[] {
  return [...world.services.values()].flatMap((s) => s.serviceDeployments ?? []);
}

function notFound(): AwsError {
  return new AwsError('ServiceDeploymentNotFoundException', 'The service deployment does not exist.');
}

function find(world: EcsWorld, arn: string): ServiceDeployment {
  const sd = all(world).find((x) => x.arn === arn);
  if (!sd) throw notFound();
  return sd;
}

function revision(
  world: EcsWorld,
  sd: ServiceDeployment,
  dep: Deployment,
  weights: { prod: number; test: number },
) {
  const tasks = world.serviceTasks(sd.svc).filter((x) => x.deploymentId === dep.id);
  // Green is wanted at the desired count unless rolled back; blue until CLEAN_UP has scaled it in.
  const wanted = dep === sd.green ? !sd.rollback : sd.status !== 'SUCCESSFUL';
  return {
    arn: revisionArn(world, sd.svc, dep),
    requestedTaskCount: wanted ? sd.svc.desiredCount : 0,
    runningTaskCount: tasks.filter((x) => x.lastStatus === 'RUNNING').length,
    pendingTaskCount: tasks.filter(isPendingStatus).length,
    requestedProductionTrafficWeight: weights.prod,
    requestedTestTrafficWeight: weights.test,
  };
}

function monitorStatus(sd: ServiceDeployment, enabled: boolean, triggered: boolean): string {
  if (!enabled) return 'DISABLED';
  if (triggered) return 'TRIGGERED';
  return ONGOING.includes(sd.status) ? 'MONITORING' : 'MONITORING_COMPLETE';
}

export function describeServiceDeployment(world: EcsWorld, sd: ServiceDeployment) {
  const cfg = sd.svc.deploymentConfiguration;
  const cb = cfg.deploymentCircuitBreaker;
  const alarms = cfg.alarms;
  const firing = alarms ? alarms.alarmNames.filter((n) => world.alarmState?.(n) === 'ALARM') : [];
  return compact({
    serviceDeploymentArn: sd.arn,
    serviceArn: sd.svc.arn,
    clusterArn: sd.svc.cluster.arn,
    createdAt: new Date(sd.createdAt),
    startedAt: new Date(sd.startedAt),
    finishedAt: date(sd.finishedAt),
    stoppedAt: date(sd.stoppedAt),
    updatedAt: new Date(sd.updatedAt),
    sourceServiceRevisions: sd.blue
      ? [revision(world, sd, sd.blue, { prod: 100 - sd.prod, test: 100 - sd.test })]
      : [],
    targetServiceRevision: revision(world, sd, sd.green, { prod: sd.prod, test: sd.test }),
    status: sd.status,
    statusReason: sd.statusReason,
    lifecycleStage: sd.stage,
    lifecycleHookDetails: sd.hooks.map((h) =>
      compact({
        hookId: h.hookId,
        targetType: h.targetType,
        targetArn: h.targetArn,
        status: h.status,
        expiresAt: new Date(h.expiresAt),
        timeoutAction: h.timeoutAction,
      }),
    ),
    deploymentConfiguration: structuredClone(sd.configuration),
    rollback: sd.rollback && {
      reason: sd.rollback.reason,
      startedAt: new Date(sd.rollback.startedAt),
      serviceRevisionArn: sd.rollback.serviceRevisionArn,
    },
    deploymentCircuitBreaker: {
      status: monitorStatus(sd, cb.enable === true, sd.statusReason === STATUS_TEXT.circuitBreaker),
      failureCount: sd.green.failedTasks,
      threshold: failureThreshold(cb, sd.svc.desiredCount),
    },
    alarms: {
      status: monitorStatus(sd, alarms?.enable === true, sd.statusReason?.includes('alarm') === true),
      alarmNames: alarms?.alarmNames ?? [],
      triggeredAlarmNames: firing,
    },
  });
}

function brief(sd: ServiceDeployment, world: EcsWorld) {
  return compact({
    serviceDeploymentArn: sd.arn,
    serviceArn: sd.svc.arn,
    clusterArn: sd.svc.cluster.arn,
    startedAt: new Date(sd.startedAt),
    createdAt: new Date(sd.createdAt),
    finishedAt: date(sd.finishedAt),
    targetServiceRevisionArn: revisionArn(world, sd.svc, sd.green),
    status: sd.status,
    statusReason: sd.statusReason,
  });
}

export function serviceDeploymentOperations(world: EcsWorld, now: () => number): ServiceOperations {
  return {
    ListServiceDeployments(input) {
      now();
      const svc = world.service(optString(input, 'cluster'), reqString(input, 'service'));
      const statuses = optStrings(input, 'status');
      const created = optObject(input, 'createdAt');
      const after = created?.after !== undefined ? new Date(created.after as string).getTime() : -Infinity;
      const before = created?.before !== undefined ? new Date(created.before as string).getTime() : Infinity;
      const max = optNumber(input, 'maxResults');
      if (max !== undefined && (max < 1 || max > 100)) throw invalid('maxResults must be between 1 and 100.');
      // Newest first [gap: the order is not documented].
      const list = [...(svc.serviceDeployments ?? [])]
        .reverse()
        .filter((sd) => !statuses || statuses.includes(sd.status))
        .filter((sd) => sd.createdAt >= after && sd.createdAt <= before);
      const { items, nextToken } = page(list, max ?? 20, optString(input, 'nextToken'));
      return { serviceDeployments: items.map((sd) => brief(sd, world)), ...(nextToken && { nextToken }) };
    },

    DescribeServiceDeployments(input) {
      now();
      const arns = optStrings(input, 'serviceDeploymentArns') ?? [];
      if (arns.length === 0) throw invalid('serviceDeploymentArns can not be empty.');
      if (arns.length > 20) throw invalid('serviceDeploymentArns can have at most 20 members.');
      const known = all(world);
      const serviceDeployments = [];
      const failures = [];
      for (const arn of arns) {
        const sd = known.find((x) => x.arn === arn);
        if (sd) serviceDeployments.push(describeServiceDeployment(world, sd));
        else failures.push({ arn, reason: 'MISSING', detail: 'The service deployment was not found.' });
      }
      return { serviceDeployments, failures };
    },

    StopServiceDeployment(input) {
      const t = now();
      const sd = find(world, reqString(input, 'serviceDeploymentArn'));
      const stopType = optString(input, 'stopType') ?? 'ROLLBACK';
      if (stopType !== 'ROLLBACK' && stopType !== 'ABORT') throw invalid(`Invalid stopType: ${stopType}.`);
      // STOP_REQUESTED / ROLLBACK_* continue as they are [doc].
      const going: SdStatus[] = ['STOP_REQUESTED', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS'];
      if (going.includes(sd.status)) return { serviceDeploymentArn: sd.arn };
      const open: SdStatus[] = ['PENDING', 'IN_PROGRESS'];
      if (!open.includes(sd.status))
        throw new AwsError(
          'ConflictException',
          `The service deployment is ${sd.status} and can't be stopped.`,
        );
      // Blue is being scaled in: the lab refuses a rollback then [gap].
      if (sd.stage === 'CLEAN_UP' && sd.phase === 'work')
        throw new AwsError(
          'ConflictException',
          'The service deployment is in CLEAN_UP and can no longer be rolled back.',
        );
      if (stopType === 'ABORT') {
        sd.status = 'STOP_REQUESTED';
        sd.updatedAt = t;
      } else startRollback(world, sd, t, STATUS_TEXT.userRollback, true);
      return { serviceDeploymentArn: sd.arn };
    },

    ContinueServiceDeployment(input) {
      const t = now();
      const sd = find(world, reqString(input, 'serviceDeploymentArn'));
      const hookId = reqString(input, 'hookId');
      const action = optString(input, 'action') ?? 'CONTINUE';
      if (action !== 'CONTINUE' && action !== 'ROLLBACK') throw invalid(`Invalid action: ${action}.`);
      // AWS documents the preconditions, not the error when they fail [gap]: InvalidParameterException.
      if (sd.status !== 'IN_PROGRESS')
        throw invalid(`The service deployment is ${sd.status}, not IN_PROGRESS.`);
      const hook = sd.hooks.find((h) => h.hookId === hookId);
      if (!hook) throw invalid(`The lifecycle hook ${hookId} is not part of the current stage.`);
      if (hook.status !== 'AWAITING_ACTION')
        throw invalid(`The lifecycle hook ${hookId} is ${hook.status}, not AWAITING_ACTION.`);
      if (action === 'CONTINUE') hook.status = 'SUCCEEDED';
      else {
        hook.status = 'FAILED';
        startRollback(world, sd, t, STATUS_TEXT.hookFailed, false);
      }
      sd.updatedAt = t;
      return { serviceDeploymentArn: sd.arn };
    },
  };
}
