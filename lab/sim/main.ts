/**
 * The lab as a process on the real clock:
 *   npx tsx lab/sim/main.ts --port 4566 [--region eu-west-1] [--lab-root DIR] [--no-docker]
 * then `AWS_ENDPOINT_URL=http://127.0.0.1:4566 node dist/index.js`.
 * The registry comes from LAB_REGISTRY / LAB_REGISTRY_USER / LAB_REGISTRY_PASSWORD
 * (environment first, then `.lab/env` under the lab root as lab/env.ts finds it);
 * the Docker engine from DOCKER_HOST when set.
 */
import Docker from 'dockerode';
import { loadLabEnv } from '../env.js';
import { realClock } from './clock.js';
import { createLab } from './lab.js';
import { startLabServer } from './server.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const env: Record<string, string | undefined> = {
    ...(loadLabEnv(arg('lab-root'))?.vars ?? {}),
    ...process.env,
  };
  const registry =
    env.LAB_REGISTRY && env.LAB_REGISTRY_PASSWORD
      ? { host: env.LAB_REGISTRY, user: env.LAB_REGISTRY_USER ?? 'AWS', password: env.LAB_REGISTRY_PASSWORD }
      : undefined;
  const dockerHost = env.DOCKER_HOST;
  const docker =
    dockerHost && !process.argv.includes('--no-docker')
      ? new Docker(
          dockerHost.startsWith('unix://') ? { socketPath: dockerHost.slice('unix://'.length) } : undefined,
        )
      : undefined;
  const labEnv = loadLabEnv(arg('lab-root'));
  const lab = createLab({
    clock: realClock,
    registry,
    registry2: labEnv?.registry2,
    docker,
    region: arg('region') ?? env.AWS_REGION ?? 'eu-west-1',
  });
  const server = await startLabServer(lab, { port: Number(arg('port') ?? 4566) });
  process.stdout.write(
    `lab: AWS simulator on ${server.url} (region ${lab.region}, account ${lab.account}; ` +
      `registry ${registry ? registry.host : 'in memory'}; docker ${docker ? dockerHost : 'none: RunTask is scripted'})\n` +
      `lab: export AWS_ENDPOINT_URL=${server.url} AWS_ACCESS_KEY_ID=lab AWS_SECRET_ACCESS_KEY=lab\n`,
  );
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`lab: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
