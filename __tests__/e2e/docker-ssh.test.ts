/**
 * dist/ carries no Docker-over-SSH transport (scripts/bundle.mjs): a DOCKER_HOST of
 * ssh:// fails the release where it first needs the engine, saying so, before any
 * service changes. (unix:// through the same bundle: release.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appCheckout, type E2eLab, ownDeployInputs, runAction, startE2eLab } from './harness';

let lab: E2eLab;
let app: ReturnType<typeof appCheckout>;

beforeAll(async () => {
  lab = await startE2eLab();
  app = appCheckout();
});

afterAll(async () => {
  await lab.close();
});

describe('node dist/index.js with DOCKER_HOST=ssh://', () => {
  it('fails the release naming the unsupported transport; no service changes', async () => {
    // This run's own repositories, so a content tag from another run never turns the build into a reuse.
    const run = `ssh${Date.now().toString(36)}`;
    const result = await runAction({
      inputs: ownDeployInputs(run),
      cwd: app.dir,
      url: lab.url,
      labEnv: { ...lab.env, dockerHost: 'ssh://deploy@127.0.0.1:1' },
      sha: app.commit('docker over ssh'),
    });
    expect(result.code, result.stdout.slice(-3000)).toBe(1);
    expect(result.outputs.result).toBe('failed');
    expect(result.stdout).toContain(
      'Docker over SSH is not supported (DOCKER_HOST is ssh://...): point DOCKER_HOST at a unix:// socket or a tcp:// address',
    );
    // Said as what it is, not as a registry that refused the login.
    expect(result.stdout).not.toContain('refused the credentials');
    expect(lab.lab.recorder.calls('ecs', 'UpdateService')).toEqual([]);
  }, 300_000);
});
