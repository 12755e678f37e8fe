/**
 * One function per figure of docs/targets.md, each measuring ecs-release and its
 * baseline in the same run and returning the README's table rows. Modules load
 * lazily: `--only startup` must not pay for (or be disturbed by) the SDK and the
 * lab simulator in this process.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadLabEnv } from '../lab/env';
import { millis, quantile, type Row, seconds } from './lib/stats';

export interface RowOptions {
  quick: boolean;
  progress: (line: string) => void;
}

const ROOT = resolve(__dirname, '..');

const skipped = (what: string, why: string, target: string): Row => ({
  what,
  ours: `skipped: ${why}`,
  baseline: '—',
  target,
});

export async function watchRows(o: RowOptions): Promise<Row[]> {
  const { fleetRows } = await import('./rollout/fleet');
  const rows: Row[] = [];
  for (const n of [2, 10, 50]) {
    o.progress(`watch: ${n} services …`);
    rows.push(...(await fleetRows(n, o.quick)));
  }
  return rows;
}

/** docs/targets.md says "completed or failed": one service whose deployment fails, with and without ECS's rollback. */
export async function failureRows(o: RowOptions): Promise<Row[]> {
  const { playKind } = await import('./rollout/run');
  const rows: Row[] = [];
  for (const kind of ['fail-ecs-rollback', 'fail-no-rollback'] as const) {
    o.progress(`watch: ${kind} …`);
    const r = await playKind(kind, o.quick ? 2 : undefined);
    const p = (runs: { lagMs: number }[], q: number) =>
      seconds(
        quantile(
          runs.map((x) => x.lagMs),
          q,
        ),
      );
    // The waiter's words for a failed deployment, said plainly.
    const plain = (v: string) =>
      v === 'stable'
        ? '"stable" (success, for a failed deployment)'
        : v === 'TimeoutError'
          ? 'times out at 30 min'
          : v;
    const verdicts = (runs: { verdict: string }[]) =>
      [...new Set(runs.map((x) => plain(x.verdict)))].join(', ');
    const label = kind === 'fail-ecs-rollback' ? 'ECS rolls it back (circuit breaker)' : 'no ECS rollback';
    rows.push({
      what: `notice a failed deployment, 1 service, ${label} (p50 / p90, ${r.ours.length} deployments)`,
      ours: `${p(r.ours, 0.5)} / ${p(r.ours, 0.9)}: ${verdicts(r.ours)}`,
      baseline: `SDK waiter: ${p(r.waiter, 0.5)} / ${p(r.waiter, 0.9)}: ${verdicts(r.waiter)}`,
      target: 'median < 1 s',
      met:
        quantile(
          r.ours.map((x) => x.lagMs),
          0.5,
        ) < 1000,
    });
  }
  return rows;
}

export async function startupRows(o: RowOptions): Promise<Row[]> {
  const { benchStartup, ANCHOR } = await import('./startup/run');
  const what = '`node dist/index.js` cold start to the first log line (valid `plan`, median of 9)';
  const target = '< 100 ms; < 0.67 × the AWS action';
  if (!existsSync(ANCHOR)) {
    o.progress(`notice: ${ANCHOR} is absent: the cold start row is skipped`);
    return [skipped(what, 'the AWS action bundle (../shared/anchors) is absent', target)];
  }
  o.progress('startup: a warm-up, then 9 rounds of three processes …');
  const r = await benchStartup({ runs: 9 });
  for (const n of r.notices) o.progress(`notice: ${n}`);
  const [ours, anchor, node] = [r.rows[0], r.rows.find((x) => x.name.startsWith('AWS')), r.rows.at(-1)];
  const ratio = r.ratio ?? Number.NaN;
  return [
    {
      what,
      ours: `${millis(ours?.medianMs ?? Number.NaN)} = ${ratio.toFixed(2)} × the AWS action`,
      baseline: `aws-actions/amazon-ecs-deploy-task-definition v2.6.3: ${millis(anchor?.medianMs ?? Number.NaN)}; bare \`node -e\`: ${millis(node?.medianMs ?? Number.NaN)}`,
      target,
      met: (ours?.medianMs ?? Number.POSITIVE_INFINITY) < 100 && ratio < 0.67,
    },
  ];
}

/** How long a broken configuration takes to be refused, beside a bare Node process (was a test's assertion). */
export async function refusalRows(o: RowOptions): Promise<Row[]> {
  const { benchRefusal } = await import('./startup/refusal');
  o.progress('refusal: a warm-up, then 9 rounds of two processes …');
  const r = await benchRefusal({ runs: 9 });
  const range = (xs: number[]) => `${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))} ms`;
  return [
    {
      what: 'config refusal: `node dist/index.js` with a broken configuration (4 problems), spawn → exit 1 (median of 9)',
      ours: `${millis(r.refusal.medianMs)} = ${(r.refusal.medianMs / r.node.medianMs).toFixed(1)} × bare Node (${range(r.refusal.runsMs)})`,
      baseline: `bare \`node -e\` spawn → exit: ${millis(r.node.medianMs)} (${range(r.node.runsMs)})`,
      target: 'not judged: no target figure',
    },
  ];
}

function treeBytes(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const sub = treeBytes(path);
      bytes += sub.bytes;
      files += sub.files;
    } else {
      bytes += statSync(path).size;
      files += 1;
    }
  }
  return { bytes, files };
}

export async function distRows(): Promise<Row[]> {
  const { ANCHOR } = await import('./startup/run');
  const mb = (b: number) => `${(b / 1048576).toFixed(2)} MB`;
  const ours = treeBytes(join(ROOT, 'dist'));
  const anchorDir = resolve(ANCHOR, '..');
  const anchor = existsSync(anchorDir) ? treeBytes(anchorDir) : undefined;
  return [
    {
      what: '`dist/` size (as on disk)',
      ours: `${mb(ours.bytes)} in ${ours.files} files`,
      baseline: anchor ? `the AWS action's dist/: ${mb(anchor.bytes)} in ${anchor.files} files` : '—',
      target: '< 5 MB',
      met: ours.bytes < 5 * 1048576,
    },
  ];
}

export async function memoryRows(o: RowOptions): Promise<Row[]> {
  const { benchMemoryMedian } = await import('./memory/run');
  o.progress('memory: streaming 100,000 lines, 5 runs …');
  const r = await benchMemoryMedian(5);
  // The same run's floor: a bare Node process's own high-water mark, read as the fixture reads its
  // own (VmHWM; getrusage's maxRSS of a child also counts what the parent held when it forked). KiB.
  const own =
    "const m=/VmHWM:\\s+(\\d+)/.exec(require('fs').readFileSync('/proc/self/status','utf8'));" +
    'console.log(m?m[1]:process.resourceUsage().maxRSS)';
  const bare = execFileSync(process.execPath, ['-e', own], { encoding: 'utf8' });
  const nodeMB = Math.round(Number(bare.trim()) / 1024);
  return [
    {
      what: 'peak RSS while the migrate stage streams 100,000 log lines (child process, bundled, plain node; median of 5)',
      ours: `${r.maxRssMB} MB (${r.rssBeforeMB} MB before the stage; runs ${r.peaksMB.join(', ')} MB; ${seconds(r.ms)})`,
      baseline: `bare \`node -e\` process: ${nodeMB} MB`,
      target: '< 100 MB peak',
      met: r.maxRssMB < 100,
    },
  ];
}

export async function rerunRows(o: RowOptions): Promise<Row[]> {
  const what = 're-run of a deployed commit, whole process (`node dist/index.js` against the lab)';
  const target = 'zero builds, zero registrations, seconds';
  if (!loadLabEnv()) return [skipped(what, 'needs lab/up (set LAB_ROOT in a worktree)', target)];
  const { rerun } = await import('./rerun/run');
  o.progress('re-run: a release of examples/app, then the same commit …');
  const r = await rerun();
  return [
    {
      what,
      ours: `${seconds(r.againMs)}, result \`${r.result}\`: ${r.builds} builds, ${r.registrations} registrations, ${r.updates} UpdateService`,
      baseline: `the first release of that commit: ${seconds(r.firstMs)}`,
      target,
      met: r.builds === 0 && r.registrations === 0 && r.againMs < 10_000,
    },
  ];
}

export async function imagesRows(o: RowOptions): Promise<Row[]> {
  const what = 'rebuild after a one-line change, empty local Docker cache';
  const target = 'well under the cold build (< 50 %)';
  if (!loadLabEnv()) return [skipped(what, 'needs lab/up (set LAB_ROOT in a worktree)', target)];
  const { imagesBench } = await import('./images/run');
  const { engine, rows } = await imagesBench({ ...(o.quick && { only: [2] }), progress: o.progress });
  const out: Row[] = rows.map((r) => {
    const share = r.rebuild.ms / r.cold.ms;
    const shipped = r.name.includes('as shipped');
    return {
      what: `${what}: ${r.name}`,
      ours: `${seconds(r.rebuild.ms)} (${Math.round(share * 100)} % of cold; ${r.cached}/${r.steps} steps from the registry cache)`,
      baseline: `cold build + push: ${seconds(r.cold.ms)}`,
      target: shipped ? 'no expensive step to skip: not judged' : target,
      ...(!shipped && { met: share < 0.5 }),
    };
  });
  const noop = rows.map((r) => seconds(r.noop.ms)).join(', ');
  const builds = rows.filter((r) => r.noop.built).length;
  out.push({
    what: 're-run of a deployed commit, images stage only (content tag exists)',
    ours: `${noop}: ${builds} builds`,
    baseline: `Docker Engine ${engine}, the same variants`,
    target: 'zero builds',
    met: builds === 0,
  });
  return out;
}

/** After a failed gate: production back on the previous revision, through the engine, blue/green hold vs rolling; the lab's bare timelines beside it. */
export async function builtInRows(o: RowOptions): Promise<Row[]> {
  const { builtInRollbackRow } = await import('./built-in/run');
  const { blueGreenBake, rolling } = await import('./built-in/lab-timelines');
  o.progress('built-in: a blue/green and a rolling release through the engine, each failing its gate …');
  const product = await builtInRollbackRow();
  const bake = await blueGreenBake();
  const rollAws = await rolling(true);
  const target = '< 10 s, one traffic shift (vs minutes rolling)';
  return [
    {
      what: 'after a failed gate, production traffic back on the previous revision (ecs-release engine, lab timelines)',
      ours: `BLUE_GREEN held at its PAUSE hook, answered ROLLBACK: ${seconds(product.blueGreenMs)}`,
      baseline: `ROLLING, UpdateService back → deployment COMPLETED: ${seconds(product.rollingMs)} (${product.model})`,
      target,
      met: product.blueGreenMs < 10_000 && product.blueGreenMs < product.rollingMs,
    },
    {
      what: "the lab's timelines alone (no engine), for the other cases",
      ours: `during BAKE_TIME, StopServiceDeployment ROLLBACK → 100 % blue: ${seconds(bake)}`,
      baseline: `rolling rollback with AWS's target group defaults (30 s health checks, 300 s deregistration delay): ${seconds(rollAws)}`,
      target: 'not judged: lab model',
    },
  ];
}

/** What the ground checks (docs/ground.md) add to preflight, measured beside preflight without them. */
export async function groundRows(o: RowOptions): Promise<Row[]> {
  const { groundBench } = await import('./ground/run');
  const runs = o.quick ? 5 : 21;
  const rows: Row[] = [];
  for (const https of [false, true]) {
    o.progress(
      `ground: preflight with and without the ground checks (${https ? 'HTTPS world' : 'the demo'}) …`,
    );
    const r = await groundBench(https, runs);
    const added = r.withMs - r.withoutMs;
    rows.push({
      what: `ground checks added to preflight, ${https ? 'the demo behind an HTTPS ALB with a Route 53 zone' : "the demo's release"} (in-process lab, median of ${runs})`,
      ours: `preflight ${millis(r.withMs)} (+${millis(Math.max(0, added))}, ${r.extraCalls} more AWS calls)`,
      baseline: `preflight without them ${millis(r.withoutMs)}`,
      target: '< 1 s added in the lab',
      met: added < 1000,
    });
  }
  return rows;
}

/** Promotion (copy by digest across the lab's two registries) against a rebuild and push of the same commit; peak RSS of a copy. */
export async function promotionRows(o: RowOptions): Promise<Row[]> {
  const what = "promote examples/app's 2 images into another registry (copy by digest, then tag)";
  const target = 'nothing built; faster than a rebuild; the same digests';
  if (!loadLabEnv()?.registry2) return [skipped(what, 'needs lab/up (with the second registry)', target)];
  const { promotionBench, memoryBench } = await import('./promotion/run');
  const p = await promotionBench(o.progress);
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  const rows: Row[] = [
    {
      what,
      ours: `${seconds(p.first.ms)}, ${p.first.blobsSent} blobs, ${mb(p.first.bytesSent)} sent, 0 builds`,
      baseline: `rebuild + push of the same commit, empty local cache: ${seconds(p.rebuild.ms)}, ${mb(p.rebuild.bytes)} of image pushed, ${p.rebuild.sameDigests}/${p.images} digests equal to staging's`,
      target,
      met: p.first.ms < p.rebuild.ms,
    },
    {
      what: 'the same promotion again (the target holds the digests)',
      ours: `${seconds(p.second.ms)}, ${p.second.blobsSent} blobs, ${mb(p.second.bytesSent)} sent`,
      baseline: `the first promotion: ${seconds(p.first.ms)}`,
      target: 'sends no blob',
      met: p.second.blobsSent === 0,
    },
  ];
  const mem = await memoryBench(o.progress);
  const small = mem[0];
  const big = mem[mem.length - 1];
  if (small && big) {
    rows.push({
      what: `peak RSS of a process copying one image between the lab registries (redirected blob reads), ${small.layerMB} MB vs ${big.layerMB} MB layer`,
      ours: `streamed: ${small.streamed.peakMB} MB vs ${big.streamed.peakMB} MB (${small.streamed.startMB} MB at start)`,
      baseline: `each blob read whole: ${small.whole.peakMB} MB vs ${big.whole.peakMB} MB`,
      target: 'flat in the layer size',
      met: big.streamed.peakMB - small.streamed.peakMB < (big.layerMB - small.layerMB) / 2,
    });
  }
  return rows;
}
