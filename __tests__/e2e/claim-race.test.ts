/**
 * The claim race through the bundle (docs/rollout.md, "The window that
 * remains"): run 7001's claim write is held on the wire for several seconds, while run
 * 8002 claims, builds, migrates and starts its rollout; then 7001's write lands on the
 * cluster after all. 7001 gave up on it after one second (not claimed, nothing
 * changed); 8002 finds its claim taken over after it changed a service and still ends
 * with an outcome that names run 7001. Never both change services; every revision
 * either run registered carries an outcome.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TAGS } from '../../src/record';
import { appCheckout, type E2eLab, inLab, ownDeployInputs, runAction, startE2eLab } from './harness';

let lab: E2eLab;
let app: ReturnType<typeof appCheckout>;

/** This file's own repositories in the shared registry. */
const RUN = `race${Date.now().toString(36)}`;
const INPUTS = ownDeployInputs(RUN);

beforeAll(async () => {
  lab = await startE2eLab();
  app = appCheckout();
});

afterAll(async () => {
  await lab.close();
});

function deploy(sha: string, runId: string) {
  return runAction({ ...inLab(lab, app.dir), inputs: INPUTS, sha, extraEnv: { GITHUB_RUN_ID: runId } });
}

/** Resolves once `check` holds, looking every 50 ms. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 50));
}

const tagOf = (tags: { key?: string; value?: string }[], key: string) =>
  tags.find((t) => t.key === key)?.value;

describe('two runs whose claims race (node dist/index.js against the lab)', () => {
  it('one claim write held for seconds: it is no claim, the other run ends with an outcome naming it, never both move services', async () => {
    const shaA = app.commit('release A');
    const shaB = app.commit('release B', (dir) => {
      writeFileSync(join(dir, 'backend/VERSION'), 'b\n');
    });
    let land: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      land = resolve;
    });
    const fault = lab.lab.faults.add({
      service: 'ecs',
      operation: 'TagResource',
      kind: 'latency',
      latencyMs: 3_000,
      tagValuePrefix: '7001',
      until: held,
    });
    const updates = () => lab.lab.recorder.calls('ecs', 'UpdateService').filter((c) => !c.error);

    const a = deploy(shaA, '7001');
    // B starts once A's claim write is on the wire (held): both passed preflight, the claims race.
    await until(() => lab.lab.faults.list().some((f) => f.id === fault.id && f.hits > 0));
    const b = deploy(shaB, '8002');
    // A's write lands once B changed a service.
    await until(() => updates().length > 0);
    land();
    const [ranA, ranB] = await Promise.all([a, b]);
    fault.remove();

    // A: not claimed, nothing changed.
    expect(ranA.code).not.toBe(0);
    expect(ranA.outputs.result).toBe('failed');
    expect(ranA.stdout).toContain(
      'could not claim environment production: the claim tag write failed (RequestTimeoutError: no answer within 1000 ms',
    );
    // B: changed demo-api, then found the claim taken by run 7001: it ends with an outcome and says who.
    expect(['deployed', 'rolled-back'], ranB.stdout.slice(-3000)).toContain(ranB.outputs.result);
    expect(ranB.stdout).toMatch(/claimed by run 7001-|taken over by run 7001-/);
    expect(ranB.summary).toMatch(/run 7001-/);

    const revisions = lab.lab.ecs.taskDefinitions.all();
    const releaseOf = (arn: string) =>
      tagOf(revisions.find((td) => td.arn === arn)?.tags ?? [], TAGS.release);
    // Never both: no service was moved to a revision of A's release.
    const moved = new Set(updates().map((c) => releaseOf(String(c.input.taskDefinition))));
    expect(moved.has(shaA)).toBe(false);
    expect(moved.has(shaB)).toBe(true);
    // Every revision either run registered has its outcome.
    const registered = revisions.filter((td) => [shaA, shaB].includes(tagOf(td.tags, TAGS.release) ?? ''));
    expect(registered.length).toBeGreaterThan(0);
    for (const td of registered)
      expect(tagOf(td.tags, TAGS.outcome), td.arn).toMatch(/^(succeeded|rolled-back|failed)$/);
  }, 300_000);
});
