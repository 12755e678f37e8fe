import { describe, expect, it } from 'vitest';
import { newReport } from '../../src/model/report';
import { renderSummary } from '../../src/report/summary';

describe('job summary', () => {
  it('states the result, services, images, stages and the error of a failed run', () => {
    const report = newReport({
      command: 'deploy',
      environment: 'production',
      cluster: 'acme',
      region: 'eu-west-1',
      release: 'abc',
    });
    report.result = 'rolled-back';
    report.runningRelease = 'prev';
    report.error = 'alarm acme-5xx went to ALARM 2m into the bake';
    report.services.push({
      service: 'acme-api',
      previous: 'arn:td/api:4',
      target: 'arn:td/api:5',
      current: 'arn:td/api:4',
      state: 'rolled-back',
    });
    report.images.backend = { uri: 'r/acme/backend', digest: 'sha256:1', built: true };
    report.stages.push({ stage: 'Rollout', ms: 65_000, outcome: 'ok' });
    const md = renderSummary(report);
    expect(md).toContain('## ecs-release deploy: :leftwards_arrow_with_hook: rolled back');
    expect(md).toContain('- **Running now**: `prev`');
    expect(md).toContain('alarm acme-5xx went to ALARM 2m into the bake');
    expect(md).toContain(
      '| [acme-api](https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/acme/services/acme-api/deployments?region=eu-west-1) ' +
        '| [api:4](https://eu-west-1.console.aws.amazon.com/ecs/v2/task-definitions/api/4/containers?region=eu-west-1) ' +
        '| [api:5](https://eu-west-1.console.aws.amazon.com/ecs/v2/task-definitions/api/5/containers?region=eu-west-1) ' +
        '| [api:4](https://eu-west-1.console.aws.amazon.com/ecs/v2/task-definitions/api/4/containers?region=eu-west-1) | rolled-back |',
    );
    expect(md).toContain('| backend | `r/acme/backend@sha256:1` | yes |');
    expect(md).toContain('| Rollout | 1m5s | ok |');
  });

  it('shows, per built-in service, the strategy, the stages reached with times and the traffic weights', () => {
    const report = newReport({
      command: 'deploy',
      environment: 'p',
      cluster: 'c',
      region: 'eu-west-1',
      release: 'r',
    });
    report.result = 'rolled-back';
    report.services.push(
      {
        service: 'api',
        previous: 'arn:td/api:4',
        target: 'arn:td/api:5',
        current: 'arn:td/api:4',
        state: 'rolled-back',
      },
      {
        service: 'web',
        previous: 'arn:td/web:6',
        target: 'arn:td/web:7',
        current: 'arn:td/web:6',
        state: 'rolled-back',
        strategy: 'BLUE_GREEN',
        builtIn: [
          {
            serviceDeploymentArn: 'arn:sd/1',
            stages: [
              { stage: 'SCALE_UP', at: '2026-12-02T10:00:01.000Z' },
              { stage: 'POST_PRODUCTION_TRAFFIC_SHIFT', at: '2026-12-02T10:00:14.000Z' },
            ],
            weights: { production: { 'web:7': 0, 'web:6': 100 } },
            status: 'ROLLBACK_SUCCESSFUL',
          },
        ],
      },
    );
    const md = renderSummary(report);
    expect(md).toContain('| service | strategy | stages reached | production traffic | status |');
    expect(md).toContain(
      '| web | BLUE\\_GREEN | SCALE\\_UP 10:00:01 → POST\\_PRODUCTION\\_TRAFFIC\\_SHIFT 10:00:14 | web:7 0% · web:6 100% | ROLLBACK\\_SUCCESSFUL |',
    );
    // A rolling service has no row there.
    expect(md).not.toMatch(/\| api \| ROLLING/);
  });
});
