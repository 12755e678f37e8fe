import * as core from '@actions/core';
import { post } from './post/post';
import { actionsLogger } from './runtime/actions-logger';
import { Secrets } from './runtime/secrets';

// Every line through the action's own logger: untrusted text in an error stays inert.
const log = actionsLogger(new Secrets());

/** The action's post entry: the post step with @actions/core and the SDK. */
post({
  log,
  getState: (name) => core.getState(name),
  writeSummary: async (markdown) => {
    await core.summary.addRaw(markdown).write();
  },
  // Loaded only when a service must be looked at: most post steps have nothing to check.
  ecs: async (region) => (await import('./aws/clients')).createClients({ region, maxAttempts: 3 }).ecs,
}).catch((error: unknown) => {
  log.warning(`ecs-release post step: ${error instanceof Error ? error.message : String(error)}`);
});
