/**
 * The measured process of the promotion bench's memory row: copies one image between the
 * lab's registries and prints its own peak RSS (VmHWM) as JSON. Bundled with esbuild and
 * started with plain node by run.ts, so the figure is the library's, not tsx's.
 *   stdin: {"from": RepositoryRef, "to": RepositoryRef, "digest": "...", "naive": false}
 * `naive` is the baseline: the same copy, each blob read whole into memory and PUT at once.
 */
import { readFileSync } from 'node:fs';
import { copyImage, type RepositoryRef } from '../../src/registry';

const vmHwmMB = (): number => {
  const kb = /VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  return Math.round(Number(kb ?? 0) / 1024);
};

/** A blob GET that answers with the whole body read into memory first (what streaming avoids). */
const buffering: typeof fetch = async (input, init) => {
  const res = await fetch(input, init);
  if (!res.body || (init?.method ?? 'GET') !== 'GET' || !String(input).includes('/blobs/')) return res;
  const whole = await res.arrayBuffer();
  return new Response(whole, { status: res.status, headers: res.headers });
};

async function main(): Promise<void> {
  const job = JSON.parse(readFileSync(0, 'utf8')) as {
    from: RepositoryRef;
    to: RepositoryRef;
    digest: string;
    naive: boolean;
  };
  const startMB = vmHwmMB();
  const t = performance.now();
  const result = await copyImage(job.from, job.to, job.digest, job.naive ? { fetch: buffering } : {});
  process.stdout.write(
    `${JSON.stringify({ ...result, ms: performance.now() - t, startMB, peakMB: vmHwmMB() })}\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
