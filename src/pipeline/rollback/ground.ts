import { DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import type { LiveService } from '../../model/contracts';
import type { GroundTask } from '../../preflight';
import type { StageContext } from '../../runtime/context';
import type { ResolvedTarget } from './target';

/**
 * The task definitions a rollback moves to, each with its service's load balancer
 * entries: what the ground checks judge for a rollback. A revision that cannot be read
 * is left out (the rollback's own reads report it).
 */
export async function targetTasks(
  ctx: StageContext,
  live: readonly LiveService[],
  targets: readonly ResolvedTarget[],
): Promise<GroundTask[]> {
  const read = await Promise.all(
    targets.map(async (t): Promise<GroundTask | undefined> => {
      const service = live.find((s) => s.config.service === t.service);
      if (!service) return undefined;
      if (service.taskDefinition.taskDefinitionArn === t.taskDefinitionArn) {
        return {
          service: t.service,
          taskDefinition: service.taskDefinition,
          loadBalancers: service.service.loadBalancers ?? [],
        };
      }
      try {
        const out = await ctx.aws.ecs.send(
          new DescribeTaskDefinitionCommand({ taskDefinition: t.taskDefinitionArn }),
          { abortSignal: ctx.signal },
        );
        if (!out.taskDefinition) return undefined;
        return {
          service: t.service,
          taskDefinition: out.taskDefinition,
          loadBalancers: service.service.loadBalancers ?? [],
        };
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        return undefined;
      }
    }),
  );
  return read.filter((t): t is GroundTask => t !== undefined);
}
