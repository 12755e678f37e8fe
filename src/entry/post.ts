/**
 * The post step's entry (action.yml `post:`): the post step (post/post.ts) over the
 * runner protocol (entry/runner.ts), with the ECS client loaded only when a service
 * must be looked at: most post steps have nothing to check.
 */
import { post } from '../post/post';
import { Secrets } from '../runtime/secrets';
import { runner } from './runner';

// Every line through the runner protocol's logger: untrusted text in an error stays inert.
const { log, getState, writeSummary } = runner(new Secrets());

post({
  log,
  getState,
  writeSummary,
  ecs: async (region) => (await import('../aws/clients')).createClients({ region, maxAttempts: 3 }).ecs,
}).catch((error: unknown) => {
  log.warning(`ecs-release post step: ${error instanceof Error ? error.message : String(error)}`);
});
