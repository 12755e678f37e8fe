import type { ECSClient } from '@aws-sdk/client-ecs';
import { STATE } from '../config/names';
import { fenced, md } from '../report/markdown';
import type { Logger } from '../runtime/log';
import { assess, type ObservedService, type Progress } from './progress';
import { readProgress } from './saved-state';

/** What the post step needs from the outside world, injected so tests run it whole. */
export interface PostRuntime {
  log: Logger;
  /** core.getState: what the main step saved ('' when nothing). */
  getState(name: string): string;
  writeSummary(markdown: string): Promise<void>;
  ecs(region: string): Promise<ECSClient>;
}

/**
 * The post step runs after the main step, even when it failed or was cancelled.
 * It cannot wait minutes for ALB draining: it reports what the main step had
 * issued and where each service stands at this moment. Warnings, never failures.
 */
export async function post(rt: PostRuntime): Promise<void> {
  const saved = rt.getState(STATE.progress);
  if (!saved) {
    rt.log.debug('ecs-release post: the main step changed nothing in AWS');
    return;
  }
  const read = readProgress(saved);
  if ('problem' in read) {
    // Never the value itself: the state is untrusted and may be large.
    rt.log.warning(
      `ecs-release post: the saved progress is not what the main step writes (${read.problem}); nothing checked`,
    );
    return;
  }
  const { progress } = read;
  if (progress.phase === 'done') {
    rt.log.debug(`ecs-release post: the main step finished (${progress.result ?? 'no result'})`);
    return;
  }
  const observed = await observe(await rt.ecs(progress.region), progress);
  const result = assess(progress, observed);
  rt.log.info(
    `ecs-release post: the main step stopped during ${progress.phase}. Where each service stands now:`,
  );
  for (const line of result.lines) rt.log.info(`  ${line}`);
  if (result.consistent)
    rt.log.info('ecs-release post: every service is on one release (deployments may still be draining).');
  else rt.log.warning(`ecs-release post: services are not on one release yet: ${result.lines.join('; ')}`);
  const markdown = [
    '### ecs-release: after cancellation',
    '',
    ...result.lines.map((l) => `- ${md(l)}`),
    '',
    'Confirm with:',
    '',
    ...fenced(result.confirm, 'sh'),
    '',
  ].join('\n');
  await rt.writeSummary(markdown).catch(() => undefined);
}

/** Each service's PRIMARY deployment now, ten per DescribeServices call. */
async function observe(ecs: ECSClient, progress: Progress): Promise<ObservedService[]> {
  const { DescribeServicesCommand } = await import('@aws-sdk/client-ecs');
  const observed: ObservedService[] = [];
  const names = progress.services.map((s) => s.service);
  for (let i = 0; i < names.length; i += 10) {
    const { services = [] } = await ecs.send(
      new DescribeServicesCommand({ cluster: progress.cluster, services: names.slice(i, i + 10) }),
    );
    for (const s of services) {
      const primary = s.deployments?.find((d) => d.status === 'PRIMARY');
      observed.push({
        service: s.serviceName ?? '',
        ...(primary?.taskDefinition ? { taskDefinition: primary.taskDefinition } : {}),
        ...(primary?.rolloutState ? { rolloutState: primary.rolloutState } : {}),
        deployments: s.deployments?.length ?? 0,
      });
    }
  }
  return observed;
}
