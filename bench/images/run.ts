/**
 * Images benchmark, one run against the lab's real engine and registry:
 *  (1) cold build + push with an empty local cache,
 *  (2) rebuild after a one-line change with the local cache emptied again (a
 *      fresh runner), the deployed image from (1) as registry layer cache,
 *  (3) a no-op re-run (the content tag exists).
 * For the backend as shipped, the backend with a slow dependency step (what
 * `npm ci` or `pip install` costs in a real app), and the multi-stage frontend
 * with that step in its build stage (the stage cache image at work).
 * Every variant marks its Dockerfile (own-cache.ts), so "empty local cache"
 * removes this run's build records and images only: the engine is shared.
 * Run: npx tsx bench/images/run.ts   (needs lab/up)
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { appRepo } from '../../__tests__/images/git-fixture';
import type { ImageConfig, ReleaseConfig } from '../../src/config/types';
import { buildImages } from '../../src/images';
import type { BuiltImage, RepositoryInfo } from '../../src/model/contracts';
import { type BenchWorld, benchWorld } from './harness';
import { markDockerfile, pruneOwn } from './own-cache';

/** Stands in for a dependency install: 8 s of work and a 40 MB layer. */
const DEPS_STEP = `RUN node -e "require('fs').writeFileSync('/deps.bin', require('crypto').randomBytes(40 << 20))" && sleep 8`;

interface Variant {
  name: string;
  key: 'backend' | 'frontend';
  /** Edits the Dockerfile before the first commit. */
  dockerfile?: (text: string) => string;
  /** The one-line change of phase (2). */
  change: string;
}

const VARIANTS: Variant[] = [
  { name: 'backend (as shipped)', key: 'backend', change: 'backend/server.mjs' },
  {
    name: 'backend + 8 s dependency step',
    key: 'backend',
    dockerfile: (t) => t.replace('WORKDIR /app\n', `WORKDIR /app\n${DEPS_STEP}\n`),
    change: 'backend/server.mjs',
  },
  {
    name: 'frontend multi-stage + 8 s step in build stage',
    key: 'frontend',
    dockerfile: (t) => t.replace('WORKDIR /build\n', `WORKDIR /build\n${DEPS_STEP}\n`),
    change: 'frontend/server.mjs',
  },
];

/** A fresh runner: none of this variant's BuildKit records and images in the engine (nobody else's touched). */
async function emptyLocalCache(docker: Docker, registry: string, ns: string): Promise<void> {
  const images = await docker.listImages();
  for (const image of images) {
    if ((image.RepoTags ?? []).some((t) => t.startsWith(`${registry}/${ns}/`))) {
      await docker.getImage(image.Id).remove({ force: true });
    }
  }
  const { left } = await pruneOwn(docker, ns);
  if (left > 0) throw new Error(`${left} build cache records of ${ns} could not be removed (in use?)`);
}

async function timed(fn: () => Promise<Record<string, BuiltImage>>): Promise<{ ms: number; built: boolean }> {
  const started = performance.now();
  const result = await fn();
  return { ms: performance.now() - started, built: Object.values(result).some((r) => r.built) };
}

async function runVariant(w: BenchWorld, v: Variant) {
  const repo = appRepo();
  try {
    const ns = `bench-${randomBytes(3).toString('hex')}`;
    const dockerfilePath = join(repo.dir, v.key, 'Dockerfile');
    const original = readFileSync(dockerfilePath, 'utf8');
    writeFileSync(dockerfilePath, markDockerfile(v.dockerfile ? v.dockerfile(original) : original, ns));
    repo.git('commit', '-qam', 'bench dockerfile');
    const image = repo.images().find((i) => i.key === v.key) as ImageConfig;
    const images = [{ ...image, repository: `${ns}/${v.key}` }];
    const uri = `${w.env.registry}/${ns}/${v.key}`;
    const run = (commit: string, exists: boolean, deployed: string[]) => {
      const config = {
        commit,
        release: commit,
        region: w.lab.region,
        createRepositories: true,
        images,
      } as Partial<ReleaseConfig> as ReleaseConfig;
      const repositories: Record<string, RepositoryInfo> = {
        [v.key]: { name: `${ns}/${v.key}`, uri, exists },
      };
      return buildImages(w.context(config, repo.dir), { repositories, deployed: { [v.key]: deployed } });
    };

    await emptyLocalCache(w.docker, w.env.registry, ns);
    let first: BuiltImage | undefined;
    const cold = await timed(async () => {
      const r = await run(repo.head(), false, []);
      first = r[v.key];
      return r;
    });

    const changed = repo.commit(
      { [v.change]: `${readFileSync(join(repo.dir, v.change), 'utf8')}\n// one-line change\n` },
      'one line',
    );
    await emptyLocalCache(w.docker, w.env.registry, ns);
    const linesBefore = w.log.lines.length;
    const rebuild = await timed(() => run(changed, true, first ? [first.reference] : []));
    const stepLines = w.log.lines.slice(linesBefore).filter((l) => /^\[\w+\] (CACHED )?\[/.test(l));
    const cached = stepLines.filter((l) => l.includes(' CACHED ')).length;

    const noop = await timed(() => run(changed, true, []));
    await emptyLocalCache(w.docker, w.env.registry, ns);
    return { name: v.name, cold, rebuild, noop, cached, steps: stepLines.length };
  } finally {
    repo.remove();
  }
}

export type ImagesResult = Awaited<ReturnType<typeof runVariant>>;

/** Runs the variants (1-based indexes; all by default). */
export async function imagesBench(
  options: { verbose?: boolean; only?: number[]; progress?: (line: string) => void } = {},
): Promise<{ engine: string; rows: ImagesResult[] }> {
  const w = benchWorld(options.verbose ?? false);
  const engine = (await w.docker.version()).Version;
  const rows: ImagesResult[] = [];
  for (const [i, v] of VARIANTS.entries()) {
    if (options.only && !options.only.includes(i + 1)) continue;
    options.progress?.(`- ${v.name} …`);
    rows.push(await runVariant(w, v));
  }
  return { engine, rows };
}

async function main(): Promise<void> {
  const only = process.argv.indexOf('--only');
  const { engine, rows } = await imagesBench({
    verbose: process.argv.includes('--verbose'),
    ...(only >= 0 && { only: [Number(process.argv[only + 1])] }),
    progress: (line) => console.log(line),
  });
  console.log(`images benchmark: Docker Engine ${engine}`);
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log('');
  console.log(
    '| image | (1) cold build+push | (2) rebuild, one-line change, empty local cache | (3) no-op re-run |',
  );
  console.log('|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${s(r.cold.ms)} | ${s(r.rebuild.ms)} (${r.cached}/${r.steps} steps from registry cache, ${Math.round((100 * r.rebuild.ms) / r.cold.ms)} % of cold) | ${s(r.noop.ms)} (${r.noop.built ? 'BUILT?!' : '0 builds'}) |`,
    );
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
