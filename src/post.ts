import * as core from '@actions/core';
import { STATE } from './config/names';
import { assess, type ObservedService, type Progress } from './post/progress';

/**
 * The post step runs after the main step, even when it failed or was cancelled.
 * It cannot wait minutes for ALB draining: it reports what the main step had
 * issued and where each service stands at this moment. Warnings, never failures.
 */
async function post(): Promise<void> {
  const saved = core.getState(STATE.progress);
  if (!saved) {
    core.debug('ecs-release post: the main step changed nothing in AWS');
    return;
  }
  const progress = JSON.parse(saved) as Progress;
  if (progress.phase === 'done') {
    core.debug(`ecs-release post: the main step finished (${progress.result ?? 'no result'})`);
    return;
  }
  const { createClients } = await import('./aws/clients');
  const { DescribeServicesCommand } = await import('@aws-sdk/client-ecs');
  const aws = createClients({ region: progress.region, maxAttempts: 3 });
  const observed: ObservedService[] = [];
  const names = progress.services.map((s) => s.service);
  for (let i = 0; i < names.length; i += 10) {
    const { services = [] } = await aws.ecs.send(
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
  const result = assess(progress, observed);
  core.info(
    `ecs-release post: the main step stopped during ${progress.phase}. Where each service stands now:`,
  );
  for (const line of result.lines) core.info(`  ${line}`);
  if (result.consistent)
    core.info('ecs-release post: every service is on one release (deployments may still be draining).');
  else core.warning(`ecs-release post: services are not on one release yet: ${result.lines.join('; ')}`);
  await core.summary
    .addHeading('ecs-release: after cancellation', 3)
    .addList(result.lines)
    .addRaw(`Confirm with:\n\n\`\`\`sh\n${result.confirm}\n\`\`\`\n`)
    .write()
    .catch(() => undefined);
}

post().catch((error: unknown) => {
  core.warning(`ecs-release post step: ${error instanceof Error ? error.message : String(error)}`);
});
