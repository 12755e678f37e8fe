/**
 * The demo: a full release of examples/app into the local lab, then the same
 * commit again (nothing to do), with the real Docker engine, registry and
 * PostgreSQL and the AWS simulator on the real clock. Run it with `lab/demo`.
 */
import Docker from 'dockerode';
import { requireLabEnv } from './env';
import { appCheckout, runAction } from './runner';
import { DEMO, seedDemo } from './scenarios/demo';
import { realClock } from './sim/clock';
import { createLab } from './sim/lab';
import { startLabServer } from './sim/server';

function show(title: string, text: string): void {
  process.stdout.write(`\n\u001b[1m${title}\u001b[0m\n${text.trimEnd()}\n`);
}

/** The runner turns workflow commands into annotations and groups; do the same, roughly. */
function readable(stdout: string): string {
  return stdout
    .split('\n')
    .filter(
      (line) =>
        !line.startsWith('::debug::') && !line.startsWith('::add-mask::') && !line.startsWith('::endgroup::'),
    )
    .map((line) =>
      line
        .replace(/^::group::(.*)$/, '▶ $1')
        .replace(/^::(error|warning|notice)[^:]*::/, (_, level: string) => `${level}: `),
    )
    .join('\n');
}

async function main(): Promise<void> {
  const env = requireLabEnv();
  const docker = new Docker({ socketPath: env.dockerHost.replace(/^unix:\/\//, '') });
  const lab = createLab({
    clock: realClock,
    registry: { host: env.registry, user: env.registryUser, password: env.registryPassword },
    docker,
  });
  // demo-web goes blue/green with a hold: the output shows the stages, the hold, the gate and the commit.
  seedDemo(lab, { fast: true, labEnv: env, blueGreenFrontend: true });
  const server = await startLabServer(lab, { port: 0 });
  show(
    'lab',
    `AWS simulator on ${server.url}; registry ${env.registry}; PostgreSQL ${env.postgres.host}:${env.postgres.port}`,
  );
  try {
    const app = appCheckout();
    const sha = app.commit('examples/app');
    const base = { cwd: app.dir, url: server.url, labEnv: env, sha };
    const first = await runAction({ ...base, inputs: { command: 'deploy', environment: 'production' } });
    show(
      `release ${sha.slice(0, 12)} (exit ${first.code}, ${(first.ms / 1000).toFixed(1)} s)`,
      readable(first.stdout),
    );
    show('job summary', first.summary);
    const again = await runAction({ ...base, inputs: { command: 'deploy', environment: 'production' } });
    show(
      `the same commit again: result=${again.outputs.result} (exit ${again.code}, ${(again.ms / 1000).toFixed(1)} s)`,
      `images: ${again.outputs.images}`,
    );
    const services = [...lab.ecs.services.values()].filter((s) => s.cluster.name === DEMO.cluster);
    show(
      'services now',
      services
        .map((s) => `${s.name}: ${s.deployments.map((d) => `${d.status} ${d.taskDefinition}`).join(', ')}`)
        .join('\n'),
    );
    process.exitCode = first.code === 0 && again.code === 0 ? 0 : 1;
  } finally {
    await server.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
