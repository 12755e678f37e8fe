/**
 * `config refusal`: how long `node dist/index.js` takes to refuse a broken configuration
 * (spawn → exit 1 with every problem listed: __tests__/e2e/fixtures/broken-config.ts, the
 * fixture config-errors.test.ts checks the words of), side by side in one run with a bare
 * `node -e` (spawn → exit), the floor of any Node process. One warm-up round, then `runs`
 * rounds (default 9), the two interleaved in each round so machine load hits them alike;
 * medians. This was an assertion (< 300 ms) in the e2e test until a busy machine turned it
 * red: a timing is a bench figure, not a test.
 *
 *   npx tsx bench/startup/refusal.ts [--runs 9]     prints the figures
 *   import { benchRefusal } from './bench/startup/refusal'
 */
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { brokenConfigRun } from '../../__tests__/e2e/fixtures/broken-config';
import { median } from '../lib/stats';

const BUNDLE = resolve(__dirname, '../../dist/index.js');
/** The last line of a refusal of the fixture: the run is checked to be the refusal meant. */
const REFUSED = 'The configuration has 4 problems (listed above); nothing was changed in AWS.';

export interface Timed {
  medianMs: number;
  runsMs: number[];
}

export interface RefusalResult {
  runs: number;
  refusal: Timed;
  node: Timed;
}

/** Spawn to exit, in ms, with the exit code and stdout. */
function untilExit(
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<{ ms: number; code: number | null; out: string }> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', fail);
    child.on('close', (code) => done({ ms: performance.now() - started, code, out }));
  });
}

export async function benchRefusal(options: { runs?: number } = {}): Promise<RefusalResult> {
  const runs = options.runs ?? 9;
  if (!existsSync(BUNDLE)) throw new Error('dist/index.js is missing: run npm run bundle');
  const { workspace, env } = brokenConfigRun();
  const refuse = async () => {
    const r = await untilExit([BUNDLE], env, workspace);
    if (r.code !== 1 || !r.out.includes(REFUSED))
      throw new Error(`the broken configuration was not refused as expected (exit ${r.code}):\n${r.out}`);
    return r.ms;
  };
  const bare = async () => (await untilExit(['-e', ''], { PATH: env.PATH ?? '' }, workspace)).ms;
  try {
    await refuse(); // warm-up: the file cache, not a compile cache
    await bare();
    const refusal: number[] = [];
    const node: number[] = [];
    for (let round = 0; round < runs; round++) {
      refusal.push(await refuse());
      node.push(await bare());
    }
    return {
      runs,
      refusal: { medianMs: median(refusal), runsMs: refusal },
      node: { medianMs: median(node), runsMs: node },
    };
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const at = process.argv.indexOf('--runs');
  benchRefusal({ runs: at > 0 ? Number(process.argv[at + 1]) : 9 })
    .then((r) => {
      const line = (name: string, t: Timed) =>
        `${name}: median ${t.medianMs.toFixed(0)} ms (${Math.min(...t.runsMs).toFixed(0)}–${Math.max(...t.runsMs).toFixed(0)} ms, ${r.runs} runs)`;
      console.log(line('config refusal (node dist/index.js, broken configuration)', r.refusal));
      console.log(line('node -e', r.node));
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
