/** `command: check` in-process: what the services run now, judged as the alarm judges. */
import { describe, expect, it } from 'vitest';
import { DEMO, seedDemo } from '../../lab/scenarios/demo';
import { GROUND, seedGround } from '../../lab/scenarios/ground';
import { newReport } from '../../src/model/report';
import { checkGround } from '../../src/pipeline/check';
import { renderSummary } from '../../src/report/summary';
import { testConfig } from '../support/config';
import { createWorld } from '../support/world';

function world() {
  const w = createWorld({ real: false });
  seedDemo(w.lab);
  const g = seedGround(w.lab);
  const config = testConfig({
    command: 'check',
    cluster: DEMO.cluster,
    services: [
      { service: DEMO.api.service, containers: [{ image: 'backend' }], wave: 1 },
      { service: DEMO.web.service, containers: [{ image: 'frontend' }], wave: 1 },
    ],
    hosts: [GROUND.web],
  });
  const report = newReport(config);
  return { w, g, config, report };
}

describe('command: check', () => {
  it('a healthy ground: checked, no mutation, a summary that says nothing was found', async () => {
    const { w, config, report } = world();
    await checkGround(w.context(config), report);
    expect(report.result).toBe('checked');
    expect(w.lab.recorder.mutations()).toEqual([]);
    expect(renderSummary(report)).toContain(
      '**Ground** (certificates, DNS, what the tasks need): nothing found.',
    );
    expect(w.log.text()).toContain('check: 0 errors, 0 warnings over 2 services of cluster demo');
  });

  it('a rule host no certificate covers fails the check, with the fix in the summary table', async () => {
    const { w, g, config, report } = world();
    w.lab.elbv2.rules.createRule({
      listenerArn: g.httpsListenerArn,
      priority: 30,
      hosts: ['shop.other.example'],
      forward: [{ arn: [...w.lab.elbv2.groups.values()][0]?.arn ?? '', weight: 1 }],
    });
    await checkGround(w.context(config), report);
    expect(report.result).toBe('failed');
    expect(report.error).toContain('check: 1 error');
    const summary = renderSummary(report);
    expect(summary).toContain(
      '| :x: error | host of a listener rule shop.other.example is covered by no certificate',
    );
    expect(summary).toContain('add a certificate for shop.other.example to the listener');
    expect(w.lab.recorder.mutations()).toEqual([]);
  });
});
