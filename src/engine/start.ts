import { type Service, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import type { StartedDeployment } from '../observe/watched';
import type { StageContext } from '../runtime/context';

function primaryOf(service: Service | undefined, taskDefinitionArn: string) {
  const deployments = service?.deployments ?? [];
  return (
    deployments.find((d) => d.status === 'PRIMARY' && d.taskDefinition === taskDefinitionArn) ??
    deployments.find((d) => d.status === 'PRIMARY')
  );
}

/**
 * UpdateService with only the cluster, the service and the task definition
 * (desiredCount, autoscaling and the rest stay as they are), for a rollout and a
 * rollback alike. Returns the deployment it started, the deployments the service
 * already had (ECS's own rollback goes to one of those; anyone else's is new), and
 * the event ids its answer carried, so the watch prints only new events.
 * Not tied to the run's abort signal: a cancelled run must know exactly which updates happened.
 */
export async function startDeployment(
  ctx: StageContext,
  service: string,
  taskDefinitionArn: string,
): Promise<{ started: StartedDeployment; seenEvents: Set<string> }> {
  const out = await ctx.aws.ecs.send(
    new UpdateServiceCommand({ cluster: ctx.config.cluster, service, taskDefinition: taskDefinitionArn }),
  );
  const primary = primaryOf(out.service, taskDefinitionArn);
  if (!primary?.id) throw new Error(`UpdateService returned no PRIMARY deployment for ${service}`);
  return {
    started: {
      service,
      deploymentId: primary.id,
      taskDefinitionArn,
      ...(primary.createdAt !== undefined && { createdAt: primary.createdAt }),
      priorDeploymentIds: (out.service?.deployments ?? [])
        .map((d) => d.id ?? '')
        .filter((id) => id && id !== primary.id),
    },
    seenEvents: new Set((out.service?.events ?? []).map((e) => e.id ?? '')),
  };
}

export interface StartedAll {
  started: StartedDeployment[];
  /** The targets whose UpdateService failed, with the error, in the targets' order. */
  refused: { service: string; taskDefinitionArn: string; error: unknown }[];
  /** Event ids UpdateService's answers already carried, so the watch prints only new ones. */
  seenEvents: Map<string, Set<string>>;
}

/**
 * Every target's UpdateService at once (a wave of a rollout, or a way back): one
 * service's refusal does not stop the others, and each is reported as it returns.
 */
export async function startAll(
  targets: readonly { service: string; taskDefinitionArn: string }[],
  start: (t: { service: string; taskDefinitionArn: string }) => ReturnType<typeof startDeployment>,
  onStarted: (started: StartedDeployment) => void,
): Promise<StartedAll> {
  const seenEvents = new Map<string, Set<string>>();
  const settled = await Promise.allSettled(
    targets.map(async (t) => {
      const { started, seenEvents: seen } = await start(t);
      seenEvents.set(t.service, seen);
      onStarted(started);
      return started;
    }),
  );
  const out: StartedAll = { started: [], refused: [], seenEvents };
  settled.forEach((s, i) => {
    const t = targets[i];
    if (!t) return;
    if (s.status === 'fulfilled') out.started.push(s.value);
    else out.refused.push({ service: t.service, taskDefinitionArn: t.taskDefinitionArn, error: s.reason });
  });
  return out;
}
