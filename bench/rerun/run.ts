/**
 * A re-run of a deployed commit, whole process: `node dist/index.js` (as built,
 * run the way the runner does, lab/runner.ts) releases examples/app into the lab
 * (real engine, registry and PostgreSQL, AWS simulator over HTTP on the real
 * clock, as lab/demo does), then the same commit again. Counts what the second
 * run built, registered and updated; the first run is the baseline.
 * Repositories are this run's own (`bench<time>/…`), so no earlier content tag
 * turns the first run's builds into reuses. Needs lab/up.
 *
 *   npx tsx bench/rerun/run.ts
 */
import { appCheckout, runAction, startE2eLab } from '../../__tests__/e2e/harness';

export interface RerunResult {
  firstMs: number;
  againMs: number;
  result: string;
  builds: number;
  registrations: number;
  updates: number;
}

const built = (json: string | undefined): number =>
  Object.values(JSON.parse(json ?? '{}') as Record<string, { built: boolean }>).filter((i) => i.built).length;

export async function rerun(): Promise<RerunResult> {
  const lab = await startE2eLab();
  const run = `bench${Date.now().toString(36)}`;
  const inputs = {
    command: 'deploy',
    environment: 'production',
    'bake-time': '3s',
    'frontend-repository': `${run}/frontend`,
    'backend-repository': `${run}/backend`,
  };
  try {
    const app = appCheckout();
    const sha = app.commit('bench release');
    const base = { cwd: app.dir, url: lab.url, labEnv: lab.env, sha, inputs };
    const first = await runAction(base);
    if (first.code !== 0) throw new Error(`first release exited ${first.code}: ${first.stdout.slice(-2000)}`);
    const calls = (op: string) => lab.lab.recorder.calls('ecs', op).length;
    const registered = calls('RegisterTaskDefinition');
    const updated = calls('UpdateService');
    const again = await runAction(base);
    if (again.code !== 0) throw new Error(`re-run exited ${again.code}: ${again.stdout.slice(-2000)}`);
    return {
      firstMs: first.ms,
      againMs: again.ms,
      result: again.outputs.result ?? '?',
      builds: built(again.outputs.images),
      registrations: calls('RegisterTaskDefinition') - registered,
      updates: calls('UpdateService') - updated,
    };
  } finally {
    await lab.close();
  }
}

if (require.main === module) {
  rerun().then(
    (r) => console.log(JSON.stringify(r)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
