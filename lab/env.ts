// The lab's connection facts, as written by lab/up to .lab/env (KEY=VALUE lines).
// loadLabEnv() is undefined when the lab is not up (lab/down removes the file);
// requireLabEnv() throws an error that says to run lab/up.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface LabPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export interface LabRegistry2 {
  /** host:port, e.g. 127.0.0.1:5056 */
  host: string;
  user: string;
  password: string;
  /** the region whose ECR it stands for (the simulator's ECR answers requests signed for it from this registry) */
  region: string;
  account: string;
  /** the "presigned" storage its blob reads redirect to (refuses an Authorization header) */
  storageUrl: string;
}

export interface LabEnv {
  /** repository root that holds .lab/ */
  root: string;
  /** path of the env file read */
  file: string;
  /** Docker engine, e.g. unix:///run/ecs-release-lab/docker.sock */
  dockerHost: string;
  /** Debian's 20.10 docker CLI (BuildKit with DOCKER_BUILDKIT=1) */
  dockerCli: string;
  /** DOCKER_CONFIG directory holding the lab's `docker login` */
  dockerConfig: string;
  /** the engine has no bridge: builds and containers use this network mode */
  networkMode: string;
  /** registry host:port, e.g. 127.0.0.1:5055 */
  registry: string;
  /** http://host:port */
  registryUrl: string;
  /** always AWS, like ECR */
  registryUser: string;
  registryPassword: string;
  /** base image of the examples, e.g. 127.0.0.1:5055/lab/base:1 */
  baseImage: string;
  /** The second registry (another account and region; blob reads redirect to storage); undefined in an older .lab/env. */
  registry2?: LabRegistry2 | undefined;
  postgres: LabPostgres;
  /** postgres://user:password@host:port/database */
  databaseUrl: string;
  /** every KEY=VALUE of the file, for a child process environment */
  vars: Readonly<Record<string, string>>;
}

const REQUIRED = [
  'DOCKER_HOST',
  'LAB_REGISTRY',
  'LAB_REGISTRY_USER',
  'LAB_REGISTRY_PASSWORD',
  'LAB_BASE_IMAGE',
  'PGHOST',
  'PGPORT',
  'PGUSER',
  'PGPASSWORD',
  'PGDATABASE',
  'LAB_DATABASE_URL',
] as const;

/** Parse KEY=VALUE lines; values may be bare, 'single-quoted' (with '\'' escapes) or "double-quoted". */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).replace(/^export\s+/, '');
    let value = line.slice(eq + 1);
    if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) {
      value = value.slice(1, -1).replaceAll("'\\''", "'");
    } else if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      value = value.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
    }
    out[key] = value;
  }
  return out;
}

/** The repository root: the argument, else LAB_ROOT, else the nearest directory above cwd with lab/up. */
export function findLabRoot(root?: string): string | undefined {
  if (root !== undefined) return resolve(root);
  const fromEnv = process.env.LAB_ROOT;
  if (fromEnv) return resolve(fromEnv);
  let dir = process.cwd();
  for (;;) {
    if (existsSync(join(dir, 'lab', 'up'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The lab's facts, or undefined when .lab/env does not exist (the lab is not up). */
export function loadLabEnv(root?: string): LabEnv | undefined {
  const base = findLabRoot(root);
  if (base === undefined) return undefined;
  const file = join(base, '.lab', 'env');
  if (!existsSync(file)) return undefined;
  const vars = parseEnvFile(readFileSync(file, 'utf8'));
  const missing = REQUIRED.filter((k) => !vars[k]);
  if (missing.length > 0) {
    throw new Error(`${file} lacks ${missing.join(', ')}: run lab/up again to rewrite it`);
  }
  const get = (key: (typeof REQUIRED)[number]): string => vars[key] ?? '';
  const port = Number(get('PGPORT'));
  if (!Number.isInteger(port) || port <= 0) {
    throw new Error(`${file}: PGPORT is not a port number: run lab/up again to rewrite it`);
  }
  const registry = get('LAB_REGISTRY');
  return {
    root: base,
    file,
    dockerHost: get('DOCKER_HOST'),
    dockerCli: vars.LAB_DOCKER_CLI ?? '/usr/bin/docker',
    dockerConfig: vars.LAB_DOCKER_CONFIG ?? join(base, '.lab', 'docker-config'),
    networkMode: vars.LAB_NETWORK_MODE ?? 'host',
    registry,
    registryUrl: vars.LAB_REGISTRY_URL ?? `http://${registry}`,
    registryUser: get('LAB_REGISTRY_USER'),
    registryPassword: get('LAB_REGISTRY_PASSWORD'),
    baseImage: get('LAB_BASE_IMAGE'),
    registry2: registry2Of(vars),
    postgres: {
      host: get('PGHOST'),
      port,
      user: get('PGUSER'),
      password: get('PGPASSWORD'),
      database: get('PGDATABASE'),
    },
    databaseUrl: get('LAB_DATABASE_URL'),
    vars,
  };
}

function registry2Of(vars: Record<string, string>): LabRegistry2 | undefined {
  const { LAB_REGISTRY2: host, LAB_REGISTRY2_PASSWORD: password, LAB_REGISTRY2_REGION: region } = vars;
  if (!host || !password || !region) return undefined;
  return {
    host,
    user: vars.LAB_REGISTRY_USER ?? 'AWS',
    password,
    region,
    account: vars.LAB_REGISTRY2_ACCOUNT ?? '444455556666',
    storageUrl: vars.LAB_STORAGE_URL ?? '',
  };
}

/** Like loadLabEnv, but throws when the lab is not up. */
export function requireLabEnv(root?: string): LabEnv {
  const env = loadLabEnv(root);
  if (env === undefined) {
    const where = findLabRoot(root);
    throw new Error(
      `the lab is not up: ${where === undefined ? '.lab/env' : join(where, '.lab', 'env')} does not exist; run lab/up first`,
    );
  }
  return env;
}
