/**
 * runPreflight with ECS's built-in strategies (docs/strategies.md "What preflight checks") on the demo world plus
 * built-in services seeded beside it: accepted when wired, every wiring error refused
 * naming the service and the field with nothing changed, the two gate warnings, and
 * the controllers still refused.
 */
import { describe, expect, it } from 'vitest';
import { type BuiltInServiceOptions, seedBuiltInService } from '../../lab/scenarios/built-in';
import type { ReleaseConfig } from '../../src/config/types';
import { runPreflight } from '../../src/preflight';
import { CLUSTER, type Scenario, scenario, taskDefinition } from '../engine/rolling/scenario';
import { refused as refusedBy } from './refused';

/** The demo world with the given built-in services in the release, wave 1. */
function withBuiltIn(options: Omit<BuiltInServiceOptions, 'cluster'>[], bakeTimeMs = 5 * 60_000) {
  const s = scenario();
  const seeded = options.map((o) => seedBuiltInService(s.lab, { ...o, cluster: CLUSTER }));
  const config: ReleaseConfig = {
    ...s.config,
    services: [
      ...s.config.services,
      ...options.map((o) => ({ service: o.service, containers: [{ image: 'backend' }], wave: 1 })),
    ],
    gate: { ...s.config.gate, bakeTimeMs },
  };
  return { s, seeded, config };
}

async function refused(s: Scenario, config: ReleaseConfig): Promise<string[]> {
  return (await refusedBy(s, config)).problems;
}

/**
 * The built-in checks' reads: rules and listeners by ARN. The ground checks (docs/ground.md)
 * read listeners and rules too, by load balancer and listener: those are not these.
 */
function ruleReads(s: Scenario) {
  return s.lab.recorder
    .calls('elbv2')
    .filter((c) => c.input.RuleArns !== undefined || c.input.ListenerArns !== undefined);
}

describe('runPreflight with built-in strategies', () => {
  it('passes a wired BLUE_GREEN service beside rolling ones, reading each named rule once', async () => {
    const { s, seeded, config } = withBuiltIn([
      { service: 'demo-bg', strategy: 'BLUE_GREEN', testListener: true, bakeTimeInMinutes: 10 },
    ]);
    const result = await runPreflight(s.context(config));
    expect(
      result.services.map((l) => [l.config.service, l.service.deploymentConfiguration?.strategy]),
    ).toEqual([
      ['demo-api', undefined],
      ['demo-worker', undefined],
      ['demo-web', undefined],
      ['demo-bg', 'BLUE_GREEN'],
    ]);
    expect(result.warnings.filter((w) => w.includes('demo-bg'))).toEqual([]);
    const read = ruleReads(s).flatMap((c) => c.input.RuleArns as string[]);
    expect(read.sort()).toEqual([seeded[0]?.productionRuleArn, seeded[0]?.testRuleArn].sort());
    expect(s.lab.recorder.mutations()).toEqual([]);
  });

  it('reads no listener rule by ARN for a release of rolling services only', async () => {
    const s = scenario();
    await runPreflight(s.context(s.config));
    expect(ruleReads(s)).toEqual([]);
  });

  it('accepts LINEAR and CANARY services, one with its target groups split over the production and test rules', async () => {
    const { s, config } = withBuiltIn([
      { service: 'demo-lin', strategy: 'LINEAR', blueOnlyOnProductionRule: true, testListener: true },
      { service: 'demo-can', strategy: 'CANARY', canaryConfiguration: { canaryPercent: 10 } },
    ]);
    const result = await runPreflight(s.context(config));
    expect(result.services.map((l) => l.config.service)).toContain('demo-lin');
    expect(result.services.map((l) => l.config.service)).toContain('demo-can');
  });

  it('refuses every wiring error at once, each naming the service and the field, with nothing changed', async () => {
    const { s, seeded, config } = withBuiltIn([
      { service: 'demo-blue-only', strategy: 'BLUE_GREEN', blueOnlyOnProductionRule: true },
      { service: 'demo-no-role', strategy: 'BLUE_GREEN' },
      { service: 'demo-gone', strategy: 'LINEAR' },
      { service: 'demo-auth', strategy: 'CANARY' },
      { service: 'demo-bare', strategy: 'BLUE_GREEN' },
    ]);
    const [blueOnly, noRole, gone, auth, bare] = seeded;
    if (!blueOnly || !noRole || !gone || !auth || !bare) throw new Error('seeding failed');
    const lb = (name: string) => s.service(name).loadBalancers[0];
    const noRoleLb = lb('demo-no-role');
    if (noRoleLb?.advancedConfiguration) {
      delete noRoleLb.advancedConfiguration.roleArn;
      delete noRoleLb.advancedConfiguration.alternateTargetGroupArn;
    }
    s.lab.elbv2.rules.rules.delete(gone.productionRuleArn);
    s.lab.elbv2.rules.rules.get(auth.productionRuleArn)?.actions.unshift({
      Type: 'authenticate-oidc',
      Order: 1,
      AuthenticateOidcConfig: { Issuer: 'https://idp.example' },
    });
    const bareLb = lb('demo-bare');
    if (bareLb) delete bareLb.advancedConfiguration;

    const problems = await refused(s, config);
    const at = (name: string) => `service ${name}: loadBalancers[0].advancedConfiguration`;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          `${at('demo-blue-only')}.productionListenerRule ${blueOnly.productionRuleArn} does not forward to both target groups`,
        ),
        expect.stringContaining(`${at('demo-no-role')}.alternateTargetGroupArn is not set`),
        expect.stringContaining(`${at('demo-no-role')}.roleArn (the infrastructure role) is not set`),
        expect.stringContaining(
          `${at('demo-gone')}.productionListenerRule ${gone.productionRuleArn} was not found in ELBv2`,
        ),
        expect.stringContaining(
          `${at('demo-auth')}.productionListenerRule ${auth.productionRuleArn} has authenticate-oidc action besides forward`,
        ),
        expect.stringContaining(`${at('demo-bare')} is not set`),
      ]),
    );
    expect(problems).toHaveLength(6);
    // Nothing moved: every seeded service still runs revision 1 with its one deployment.
    for (const name of ['demo-blue-only', 'demo-no-role', 'demo-gone', 'demo-auth', 'demo-bare'])
      expect(s.service(name).deployments).toHaveLength(1);
  });

  it('refuses a listener rule it may not read, naming every service and field that names it, and the call', async () => {
    const { s, seeded, config } = withBuiltIn([
      { service: 'demo-bg', strategy: 'BLUE_GREEN' },
      { service: 'demo-bg2', strategy: 'BLUE_GREEN' },
    ]);
    const [one, two] = seeded;
    if (!one || !two) throw new Error('seeding failed');
    // Two services on one production rule: it is read once, and its problem names both.
    const shared = s.service('demo-bg2').loadBalancers[0]?.advancedConfiguration;
    if (shared) shared.productionListenerRule = one.productionRuleArn;
    s.lab.faults.add({ service: 'elbv2', operation: 'DescribeRules', kind: 'server-error' });
    const problems = await refused(s, config);
    const field = (name: string) =>
      `service ${name}: loadBalancers[0].advancedConfiguration.productionListenerRule`;
    const prefix =
      `${field('demo-bg')}, ${field('demo-bg2')} ${one.productionRuleArn}: ` +
      'elasticloadbalancing:DescribeRules failed (';
    expect(problems).toHaveLength(1);
    expect(problems[0]?.slice(0, prefix.length)).toBe(prefix);
    const read = new Set(ruleReads(s).map((c) => JSON.stringify(c.input.RuleArns)));
    expect(read).toEqual(new Set([JSON.stringify([one.productionRuleArn])]));
  });

  it('warns when bakeTimeInMinutes is shorter than bake-time, and on a PAUSE hook that continues on its time-out', async () => {
    const { s, config } = withBuiltIn(
      [
        {
          service: 'demo-can',
          strategy: 'CANARY',
          bakeTimeInMinutes: 2,
          hooks: [
            { stage: 'POST_TEST_TRAFFIC_SHIFT', action: 'ROLLBACK' },
            { stage: 'PRE_PRODUCTION_TRAFFIC_SHIFT', action: 'CONTINUE', timeoutInMinutes: 60 },
          ],
        },
        { service: 'demo-bg', strategy: 'BLUE_GREEN', bakeTimeInMinutes: 10 },
      ],
      10 * 60_000,
    );
    const result = await runPreflight(s.context(config));
    const about = (name: string) => result.warnings.filter((w) => w.startsWith(`service ${name}:`));
    expect(about('demo-can')).toEqual([
      expect.stringContaining(
        "deploymentConfiguration.bakeTimeInMinutes 2 is shorter than bake-time 10m; after ECS's CLEAN_UP the previous revision is gone",
      ),
      expect.stringContaining(
        'deploymentConfiguration.lifecycleHooks[1] (PAUSE at PRE_PRODUCTION_TRAFFIC_SHIFT) has timeoutConfiguration.action CONTINUE',
      ),
    ]);
    // bakeTimeInMinutes 10 = bake-time 10m: no warning.
    expect(about('demo-bg')).toEqual([]);
    expect(s.lab.recorder.mutations()).toEqual([]);
  });

  it('warns when smoke-test-url is set but no service pauses at POST_TEST_TRAFFIC_SHIFT, not when one does', async () => {
    const url = 'http://alb.internal:8443/healthz';
    const unused = (warnings: string[]) => warnings.filter((w) => w.startsWith(`smoke-test-url ${url}:`));
    const rolling = scenario();
    const alone = await runPreflight(
      rolling.context({ ...rolling.config, gate: { ...rolling.config.gate, smokeTestUrl: url } }),
    );
    expect(unused(alone.warnings)).toEqual([
      expect.stringContaining('no service of this release has a PAUSE hook at POST_TEST_TRAFFIC_SHIFT'),
    ]);

    const noHook = withBuiltIn([{ service: 'demo-bg', strategy: 'BLUE_GREEN', testListener: true }]);
    const config = { ...noHook.config, gate: { ...noHook.config.gate, smokeTestUrl: url } };
    expect(unused((await runPreflight(noHook.s.context(config))).warnings)).toHaveLength(1);

    const hooked = withBuiltIn([
      {
        service: 'demo-bg',
        strategy: 'BLUE_GREEN',
        testListener: true,
        hooks: [{ stage: 'POST_TEST_TRAFFIC_SHIFT' }],
      },
    ]);
    const withHook = { ...hooked.config, gate: { ...hooked.config.gate, smokeTestUrl: url } };
    expect(unused((await runPreflight(hooked.s.context(withHook))).warnings)).toEqual([]);
  });

  it('still refuses CODE_DEPLOY and EXTERNAL controllers, pointing to the migration guide', async () => {
    const s = scenario();
    for (const [name, type] of [
      ['demo-cd', 'CODE_DEPLOY'],
      ['demo-ext', 'EXTERNAL'],
    ] as const) {
      s.lab.ecs.registerTaskDefinition(taskDefinition(name, 'x@sha256:1'));
      s.lab.ecs.createService({
        cluster: CLUSTER,
        serviceName: name,
        taskDefinition: `${name}:1`,
        desiredCount: 1,
        deploymentController: { type },
      });
    }
    const config: ReleaseConfig = {
      ...s.config,
      services: [
        ...s.config.services,
        { service: 'demo-cd', containers: [{ image: 'backend' }], wave: 1 },
        { service: 'demo-ext', containers: [{ image: 'backend' }], wave: 1 },
      ],
    };
    const problems = await refused(s, config);
    const guide =
      'see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/migrate-code-deploy-to-ecs-blue-green.html';
    expect(problems).toEqual([
      expect.stringMatching(
        /^service demo-cd has deployment controller CODE_DEPLOY: it is deployed by CodeDeploy/,
      ),
      expect.stringMatching(
        /^service demo-ext has deployment controller EXTERNAL: its deployments are driven by an external controller/,
      ),
    ]);
    for (const p of problems) expect(p).toContain(guide);
    expect(ruleReads(s)).toEqual([]);
  });
});
