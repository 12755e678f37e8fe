/**
 * The built bundle as a whole process against the demo world with a BLUE_GREEN
 * frontend (a PAUSE hook after the production traffic shift), on the real clock:
 * a release holds the frontend with blue still running, gates, and commits; a
 * release whose alarm fires during the hold answers the hook ROLLBACK, and
 * production traffic stays on the revision that ran before, without a new deployment.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../lab/scenarios/demo';
import {
  appCheckout,
  type E2eLab,
  inLab,
  ownDeployInputs,
  type RunResult,
  runAction,
  startE2eLab,
} from './harness';

let lab: E2eLab;
let app: ReturnType<typeof appCheckout>;

// This run's own repositories: the lab registry outlives runs.
const RUN = `bg${Date.now().toString(36)}`;
const INPUTS = { ...ownDeployInputs(RUN), 'bake-time': '4s' };

function run(sha: string, onSpawn?: Parameters<typeof runAction>[0]['onSpawn']): Promise<RunResult> {
  return runAction({ ...inLab(lab, app.dir), inputs: INPUTS, sha, ...(onSpawn && { onSpawn }) });
}

function web() {
  const s = [...lab.lab.ecs.services.values()].find((x) => x.name === DEMO.web.service);
  if (!s) throw new Error('demo-web is missing from the lab');
  return s;
}

/** Production weights of demo-web's listener rule, by target group ARN. */
function productionWeights(): Record<string, number> {
  const lb = web().loadBalancers[0];
  const advanced = (lb?.advancedConfiguration ?? {}) as Record<string, string | undefined>;
  const rule = advanced.productionListenerRule ?? '';
  const groups = [lb?.targetGroupArn ?? '', advanced.alternateTargetGroupArn ?? ''];
  return Object.fromEntries(groups.map((tg) => [tg, lab.lab.elbv2.rules.weightOf(rule, tg)]));
}

const calls = (operation: string) => lab.lab.recorder.calls('ecs', operation).filter((c) => !c.error);

beforeAll(async () => {
  lab = await startE2eLab({ blueGreenFrontend: true });
  app = appCheckout();
});

afterAll(async () => {
  await lab.close();
});

describe('node dist/index.js, a BLUE_GREEN frontend with a PAUSE hook', () => {
  it('holds the frontend at its hook with blue running, gates once, then answers CONTINUE', async () => {
    const released = await run(app.commit('first blue/green release'));
    expect(released.code, released.stdout.slice(-3000)).toBe(0);
    expect(released.outputs.result).toBe('deployed');
    const held = released.stdout.indexOf('demo-web: held at POST_PRODUCTION_TRAFFIC_SHIFT');
    const gate = released.stdout.indexOf('Gate: done in');
    const commit = released.stdout.indexOf('demo-web: CONTINUE hook');
    expect(held, released.stdout.slice(-3000)).toBeGreaterThan(0);
    expect(gate).toBeGreaterThan(held);
    expect(commit).toBeGreaterThan(gate);
    // The one answer went out after the gate, and production runs the new revision alone.
    const answers = calls('ContinueServiceDeployment');
    expect(answers.map((c) => c.input.action ?? 'CONTINUE')).toEqual(['CONTINUE']);
    expect(Object.values(productionWeights()).sort()).toEqual([0, 100]);
    expect(released.summary).toMatch(/\| demo-web \| BLUE\\_GREEN \| .*POST\\_PRODUCTION\\_TRAFFIC\\_SHIFT/);
    expect(released.summary).toMatch(/\| Commit \| [^|]+ \| ok \|/);
  }, 300_000);

  it('an alarm during the hold: the hook is answered ROLLBACK, production stays on the previous revision', async () => {
    const before = web().deployments.find((d) => d.status === 'PRIMARY')?.taskDefinition;
    const live = Object.entries(productionWeights()).find(([, w]) => w === 100)?.[0];
    const updates = calls('UpdateService').length;
    const sha = app.commit('a frontend change', (dir) => {
      writeFileSync(join(dir, 'frontend/src/app.js'), "console.log('a change the alarm will catch');\n");
    });
    const failed = await run(sha, (child) => {
      // The alarm fires as soon as the frontend waits at its hook (its deployment is held).
      const timer = setInterval(() => {
        const waiting = (web().serviceDeployments ?? []).some(
          (d) => d.status === 'IN_PROGRESS' && d.hooks.some((h) => h.status === 'AWAITING_ACTION'),
        );
        if (!waiting) return;
        clearInterval(timer);
        lab.lab.cloudwatch.setState(DEMO.alarm, 'ALARM', 'Threshold Crossed: 5xx above 1%');
      }, 100);
      child.on('close', () => clearInterval(timer));
    });
    lab.lab.cloudwatch.setState(DEMO.alarm, 'OK', 'reset by the test');
    expect(failed.code, failed.stdout.slice(-3000)).not.toBe(0);
    expect(failed.outputs.result).toBe('rolled-back');
    expect(failed.stdout).toMatch(/gate failed: alarm demo-alb-5xx/);
    expect(calls('ContinueServiceDeployment').at(-1)?.input.action).toBe('ROLLBACK');
    // One UpdateService per changed service of this release, none to go back: blue was still running.
    const mine = calls('UpdateService').slice(updates);
    expect(mine.filter((c) => c.input.service === DEMO.web.service)).toHaveLength(1);
    expect(web().deployments.find((d) => d.status === 'PRIMARY')?.taskDefinition).toBe(before);
    expect(live && productionWeights()[live]).toBe(100);
    expect(failed.summary).toMatch(/\| Gate \| [^|]+ \| failed \|/);
  }, 300_000);
});
