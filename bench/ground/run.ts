/**
 * What the ground checks (docs/ground.md) add to preflight: the same preflight of the
 * demo's release, in the same process against the same in-process lab, with and without
 * them, alternating, median of N runs each; and the AWS calls they add (the lab's recorder).
 * Two worlds: the demo as it is (HTTP behind its ALB) and the demo behind an HTTPS ALB with
 * certificates and a Route 53 zone (lab/scenarios/ground.ts).
 */

import { testConfig } from '../../__tests__/support/config';
import { DEMO, seedDemo } from '../../lab/scenarios/demo';
import { GROUND, seedGround } from '../../lab/scenarios/ground';
import { realClock } from '../../lab/sim/clock';
import { createLab } from '../../lab/sim/lab';
import { createClients } from '../../src/aws/clients';
import { runPreflight } from '../../src/preflight';
import { MemoryLogger } from '../../src/runtime/log';

export interface GroundBench {
  withMs: number;
  withoutMs: number;
  extraCalls: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

export async function groundBench(https: boolean, runs: number): Promise<GroundBench> {
  const lab = createLab({ clock: realClock });
  seedDemo(lab, { blueGreenFrontend: true });
  if (https) seedGround(lab);
  const aws = createClients({
    region: lab.region,
    requestHandler: lab.handler,
    credentials: { accessKeyId: 'lab', secretAccessKey: 'lab' },
  });
  const config = testConfig({
    command: 'plan',
    services: [
      { service: DEMO.api.service, containers: [{ image: 'backend' }], wave: 1 },
      { service: DEMO.web.service, containers: [{ image: 'frontend' }], wave: 2 },
    ],
    ...(https ? { hosts: [GROUND.web] } : {}),
  });
  const ctx = {
    config,
    aws,
    docker: async () => {
      throw new Error('preflight builds nothing');
    },
    clock: { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) },
    log: new MemoryLogger(),
    signal: new AbortController().signal,
    mask: () => undefined,
    workdir: process.cwd(),
  } as unknown as Parameters<typeof runPreflight>[0];
  const once = async (withGround: boolean) => {
    const calls = lab.recorder.calls().length;
    const t = performance.now();
    await runPreflight(ctx, withGround ? {} : { withoutGround: true });
    return { ms: performance.now() - t, calls: lab.recorder.calls().length - calls };
  };
  await once(true); // warm-up: module loads, client creation
  await once(false);
  const withRuns: { ms: number; calls: number }[] = [];
  const withoutRuns: { ms: number; calls: number }[] = [];
  for (let i = 0; i < runs; i++) {
    withRuns.push(await once(true));
    withoutRuns.push(await once(false));
  }
  return {
    withMs: median(withRuns.map((r) => r.ms)),
    withoutMs: median(withoutRuns.map((r) => r.ms)),
    extraCalls: (withRuns[0]?.calls ?? 0) - (withoutRuns[0]?.calls ?? 0),
  };
}
