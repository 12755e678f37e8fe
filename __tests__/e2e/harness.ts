/**
 * End-to-end: the built bundle as a whole process (lab/runner.ts), against the lab
 * over HTTP on the real clock, with the real Docker engine, registry and PostgreSQL.
 */
import Docker from 'dockerode';
import { type LabEnv, loadLabEnv } from '../../lab/env';
import { type DemoOptions, seedDemo } from '../../lab/scenarios/demo';
import { realClock } from '../../lab/sim/clock';
import { createLab, type Lab } from '../../lab/sim/lab';
import { startLabServer } from '../../lab/sim/server';

export {
  appCheckout,
  BUNDLE,
  labProcessEnv,
  POST_BUNDLE,
  type RunResult,
  runAction,
  runNode,
  runPost,
} from '../../lab/runner';

export interface E2eLab {
  lab: Lab;
  url: string;
  env: LabEnv;
  close(): Promise<void>;
}

/** The demo world (`demo` overrides its options, e.g. a blue/green frontend) behind the lab's HTTP server. */
export async function startE2eLab(demo: Omit<DemoOptions, 'labEnv'> = {}): Promise<E2eLab> {
  const env = loadLabEnv();
  if (!env) throw new Error('end-to-end tests need the lab: run lab/up first');
  const docker = new Docker({ socketPath: env.dockerHost.replace(/^unix:\/\//, '') });
  const lab = createLab({
    clock: realClock,
    registry: { host: env.registry, user: env.registryUser, password: env.registryPassword },
    registry2: env.registry2,
    docker,
  });
  seedDemo(lab, { fast: true, ...demo, labEnv: env });
  const server = await startLabServer(lab, { port: 0 });
  return { lab, url: server.url, env, close: () => server.close() };
}

/** Where a run of the bundle happens: in the checkout `cwd`, against `lab` (for runAction and runPost). */
export function inLab(lab: E2eLab, cwd: string): { cwd: string; url: string; labEnv: LabEnv } {
  return { cwd, url: lab.url, labEnv: lab.env };
}

/**
 * A deploy of examples/app with a fast gate into repositories of the caller's own
 * (`<run>/frontend`, `<run>/backend`): the lab registry outlives runs, and a content tag
 * from another file's run would turn a build into a reuse.
 */
export function ownDeployInputs(run: string): Record<string, string> {
  return {
    command: 'deploy',
    environment: 'production',
    'bake-time': '3s',
    'frontend-repository': `${run}/frontend`,
    'backend-repository': `${run}/backend`,
  };
}
