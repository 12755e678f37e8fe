/**
 * Every request shape the action sends (captured by the lab recorder) is
 * replayed against moto_server with the real SDK clients and must be accepted
 * wherever moto implements the operation. The table says what was judged.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReport } from '../../lab/moto/replay';
import { KNOWN_DIFFERENCES, replayAgainstMoto } from '../../lab/moto/run';
import { type MotoServer, motoSkipReason, startMotoServer } from '../../lab/moto/server';
import { CAPTURE_SOURCE, type Capture, captureRelease, captureSkipReason, NOT_REACHED } from './capture';

/** Every operation the action's source constructs a command for (`new XCommand(`). */
function operationsInSource(dir = join(__dirname, '..', '..', 'src')): Set<string> {
  const found = new Set<string>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const text = readFileSync(join(entry.parentPath, entry.name), 'utf8');
    for (const m of text.matchAll(/new ([A-Z][A-Za-z]+)Command\(/g)) if (m[1]) found.add(m[1]);
  }
  return found;
}

describe('the action’s AWS requests, replayed against moto_server', () => {
  let moto: MotoServer;
  let capture: Capture;
  beforeAll(async () => {
    // Fails, never skips: without moto_server or the lab the request shapes go unchecked.
    const missing = motoSkipReason() ?? captureSkipReason();
    if (missing) throw new Error(missing);
    [moto, capture] = await Promise.all([startMotoServer(), captureRelease()]);
  }, 120_000);
  afterAll(async () => {
    await moto?.stop();
  });

  it('moto accepts every request shape it implements', async () => {
    expect(capture.calls.length).toBeGreaterThan(20);
    await moto.reset();
    const { rows, ids } = await replayAgainstMoto(capture, moto);

    const report = {
      captureSource: CAPTURE_SOURCE,
      moto: '5.2.1',
      flows: capture.flows,
      recordedCalls: capture.calls.length,
      distinctShapes: rows.length,
      idMapping: ids.map(([lab, motoId]) => ({ lab, moto: motoId })),
      knownDifferences: KNOWN_DIFFERENCES,
      rows,
    };
    const dir = join(__dirname, '..', '..', '.lab');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'moto-report.json'), `${JSON.stringify(report, null, 2)}\n`);
    const flows = capture.flows.map((f) => `  ${f.name}: ${f.result} (${f.calls} calls, ${f.ms} ms)`);
    console.log(
      `moto suite (capture: ${CAPTURE_SOURCE}; ${capture.calls.length} calls, ${rows.length} shapes):\n${flows.join('\n')}\n${formatReport(rows)}`,
    );

    const bad = rows.filter((r) => r.verdict === 'malformed' || r.verdict === 'other');
    expect(
      bad.map(
        (r) => `${r.service} ${r.operation}: ${r.verdict}: ${r.detail}; input ${JSON.stringify(r.input)}`,
      ),
    ).toEqual([]);
    // The suite judged the operations the action depends on, not only the easy ones.
    const accepted = new Set(rows.filter((r) => r.verdict === 'accepted').map((r) => r.operation));
    for (const op of ['RegisterTaskDefinition', 'UpdateService', 'RunTask', 'DescribeAlarms', 'PutImage']) {
      expect(accepted).toContain(op);
    }
  });

  it('the real pipeline reached every operation the action sends, but those listed as not reached', () => {
    const captured = new Set(capture.calls.map((c) => c.operation));
    const missing = [...operationsInSource()].filter((op) => !captured.has(op)).sort();
    expect(missing).toEqual(Object.keys(NOT_REACHED).sort());
    expect(capture.flows.map((f) => f.result)).toEqual([
      'rolled-back',
      'failed',
      'deployed',
      'ran',
      'deployed',
      'planned',
      'deployed',
    ]);
  });

  it('fails a malformed request, and says which operations moto cannot judge', async () => {
    // A RunTask of an awsvpc task without its network, and an RDS operation moto 5.2.1 lacks.
    const calls = capture.calls.map((c) => {
      if (c.operation !== 'RunTask') return c;
      const { networkConfiguration: _dropped, ...input } = c.input;
      return { ...c, input };
    });
    calls.push({ at: 0, service: 'rds', operation: 'DescribeDBSnapshotTenantDatabases', input: {} });
    await moto.reset();
    const { rows } = await replayAgainstMoto({ ...capture, calls }, moto);
    expect(rows.find((r) => r.operation === 'RunTask')).toMatchObject({
      verdict: 'malformed',
      detail: expect.stringMatching(/^InvalidParameterException: Network Configuration must be provided/),
    });
    expect(rows.find((r) => r.operation === 'DescribeDBSnapshotTenantDatabases')).toMatchObject({
      verdict: 'not-implemented',
      detail: expect.stringContaining(
        'describe_db_snapshot_tenant_databases action has not been implemented',
      ),
    });
  });
});
