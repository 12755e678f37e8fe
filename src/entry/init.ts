/**
 * The CLI's `ecs-release init` (docs/init.md): its own flags (it reads no config file:
 * it writes the first one), the real logger and clients, and the exit code.
 */
import { parseArgs } from 'node:util';
import { closest } from '../config/suggest';
import { ReadBudget } from '../observe/read-budget';
import { systemClock } from '../runtime/clock';
import { Secrets } from '../runtime/secrets';
import { issueCommand } from '../runtime/workflow-commands';
import { actionsLogger } from './runner';

const OPTIONS = {
  cluster: { type: 'string' },
  services: { type: 'string' },
  'aws-region': { type: 'string' },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const INIT_USAGE = `usage: ecs-release init --cluster <name> [--services a,b] [--aws-region <region>] [--force]

Reads what the cluster runs (read-only in AWS) and writes .github/ecs-release.yml, the
starter workflows (.github/workflows/deploy.yml, rollback.yml, check.yml) and the
release role's policy (.github/ecs-release-policy.json). Prints what it found, what it guessed
and why, and what is left to you. Never replaces an existing file without --force.

Flags:
  --cluster      ECS cluster name or ARN (required).
  --services     Only these services, comma-separated; default every service of the cluster.
  --aws-region   Default AWS_REGION, then AWS_DEFAULT_REGION.
  --force        Replace files that exist.

Exit codes: 0 written, 1 refused (a file exists) or AWS could not be read, 2 a wrong command line.
`;

class InitUsageError extends Error {}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unknown = /^Unknown option '(-+)([^']+)'/.exec(message);
    if (!unknown) throw new InitUsageError(message);
    const near = closest(unknown[2] ?? '', Object.keys(OPTIONS));
    throw new InitUsageError(
      `unknown flag ${unknown[1]}${unknown[2]}${near ? `; did you mean --${near}?` : ''}`,
    );
  }
}

function options(argv: readonly string[], env: NodeJS.ProcessEnv) {
  const values = parse(argv);
  if (values.help) return undefined;
  const region = values['aws-region'] || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!values.cluster) throw new InitUsageError('init needs --cluster <name>');
  if (!region) throw new InitUsageError('init needs --aws-region <region> (or AWS_REGION)');
  const services = values.services
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    cluster: values.cluster,
    region,
    force: values.force === true,
    ...(services?.length ? { services } : {}),
  };
}

/** `ecs-release init …`: sets process.exitCode. */
export async function runInit(argv: readonly string[], signal: AbortSignal): Promise<void> {
  let parsed: ReturnType<typeof options>;
  try {
    parsed = options(argv, process.env);
  } catch (error) {
    if (!(error instanceof InitUsageError)) throw error;
    issueCommand('error', `${error.message}; nothing was read or written (ecs-release init --help)`);
    process.exitCode = 2;
    return;
  }
  if (!parsed) {
    process.stdout.write(INIT_USAGE);
    return;
  }
  const log = actionsLogger(new Secrets());
  const [{ createClients }, { initProject }] = await Promise.all([
    import('../aws/clients'),
    import('../pipeline/init'),
  ]);
  const aws = createClients({ region: parsed.region });
  // One-shot reads, not a poll: a faster budget than a watch's, still bounded.
  const budget = new ReadBudget(systemClock, 10, 20, 20);
  try {
    const workdir = process.env.GITHUB_WORKSPACE || process.cwd();
    process.exitCode = await initProject({ aws, log, signal, budget }, { ...parsed, workdir });
  } catch (error) {
    if (signal.aborted) throw error;
    log.error(
      `init could not read the account: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}; nothing was written`,
    );
    process.exitCode = 1;
  }
}
