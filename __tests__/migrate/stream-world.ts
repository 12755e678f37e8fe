/**
 * The world the memory test and bench/memory/run.ts stream from: the lab over HTTP,
 * a migration task whose container writes `count` log lines of 71 characters, and the
 * hand-off file (config, preflight, render) the fixture fixtures/stream-lines.ts reads.
 * The lab and its copy of the lines live in the caller's process, not the measured one.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { realClock } from '../../lab/sim/clock';
import { createLab } from '../../lab/sim/lab';
import { startLabServer } from '../../lab/sim/server';
import { createClients } from '../../src/aws/clients';
import { testConfig } from '../support/config';
import { CLUSTER, CONTAINER, FAMILY, seedMigrationService } from './seed';

/** Line `i` of the stream, as the container writes it. */
export const streamedLine = (i: number) => `row ${String(i).padStart(6, '0')} ${'y'.repeat(60)}`;

export interface StreamWorld {
  url: string;
  region: string;
  /** The hand-off file to pass to the fixture. */
  handoff: string;
  close(): Promise<void>;
}

export async function startStreamWorld(dir: string, count = 100_000): Promise<StreamWorld> {
  const lab = createLab({ clock: realClock });
  const aws = createClients({
    region: lab.region,
    requestHandler: lab.handler,
    credentials: { accessKeyId: 'lab', secretAccessKey: 'lab' },
  });
  const { preflight, render } = await seedMigrationService({ lab, aws });
  const lines = Array.from({ length: count }, (_, i) => streamedLine(i));
  lab.ecs.timings({ provisioningMs: 0, pendingMs: 0 });
  lab.ecs.behave(
    { family: FAMILY, revision: 2 },
    { outcome: 'exit', exitCode: 0, logLines: lines, after: 1000 },
  );
  const server = await startLabServer(lab, { port: 0 });
  const config = testConfig({
    cluster: CLUSTER,
    migration: {
      service: 'demo-api',
      container: CONTAINER,
      command: ['migrate'],
      mode: 'task',
      timeoutMs: 120_000,
      always: false,
    },
  });
  const handoff = join(dir, 'handoff.json');
  writeFileSync(handoff, JSON.stringify({ config, preflight, render }));
  return { url: server.url, region: lab.region, handoff, close: () => server.close() };
}
