import type { Service } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { serviceRefusals } from '../../src/preflight/service-checks';

const active = (over: Partial<Service>): Service => ({ serviceName: 'web', status: 'ACTIVE', ...over });

describe('services preflight refuses before anything changes', () => {
  it('an ECS Express Mode service (resourceManagementType ECS), named, with where its updates go', () => {
    expect(serviceRefusals('web', active({ resourceManagementType: 'ECS' }))).toEqual([
      expect.stringMatching(
        /^service web is managed by ECS Express Mode \(resourceManagementType ECS\): ECS deploys it through UpdateExpressGatewayService/,
      ),
    ]);
  });

  it('nothing for a service its team manages, rolling or built-in', () => {
    expect(serviceRefusals('web', active({ resourceManagementType: 'CUSTOMER' }))).toEqual([]);
    expect(serviceRefusals('web', active({ deploymentConfiguration: { strategy: 'BLUE_GREEN' } }))).toEqual(
      [],
    );
    expect(serviceRefusals('web', active({}))).toEqual([]);
  });

  it('CODE_DEPLOY and EXTERNAL controllers, pointing to ECS migration guide', () => {
    for (const type of ['CODE_DEPLOY', 'EXTERNAL'] as const) {
      const [problem] = serviceRefusals('web', active({ deploymentController: { type } }));
      expect(problem).toContain(`deployment controller ${type}`);
      expect(problem).toContain('migrate-code-deploy-to-ecs-blue-green.html');
    }
  });
});
