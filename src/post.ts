import * as core from '@actions/core';

/**
 * The post step runs after the main step, even when it failed or was cancelled.
 * It only reports (warnings, never failures): what the main step issued and
 * where each service stands.
 */
async function post(): Promise<void> {
  const progress = core.getState('progress');
  if (!progress) {
    core.debug('ecs-release post: the main step left nothing to verify');
    return;
  }
  core.info(`ecs-release post: main step progress ${progress}`);
}

post().catch((error: unknown) => {
  core.warning(`ecs-release post step: ${error instanceof Error ? error.message : String(error)}`);
});
