/**
 * STS GetCallerIdentity, answered for an assumed-role session like the one
 * aws-actions/configure-aws-credentials creates from OIDC.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
 */
import { createHash } from 'node:crypto';
import type { ServiceOperations } from '../types.js';

export interface StsIdentity {
  roleName: string;
  sessionName: string;
}

export class StsWorld {
  identity: StsIdentity = { roleName: 'ecs-release-lab', sessionName: 'GitHubActions' };

  constructor(readonly account: string) {}

  setIdentity(identity: Partial<StsIdentity>): void {
    this.identity = { ...this.identity, ...identity };
  }

  callerIdentity(): { UserId: string; Account: string; Arn: string } {
    const { roleName, sessionName } = this.identity;
    // Role ids are `AROA` + 17 upper-case characters; derived from the name so they are stable.
    const roleId = `AROA${createHash('sha256').update(roleName).digest('hex').slice(0, 17).toUpperCase()}`;
    return {
      UserId: `${roleId}:${sessionName}`,
      Account: this.account,
      Arn: `arn:aws:sts::${this.account}:assumed-role/${roleName}/${sessionName}`,
    };
  }
}

export function createSts(deps: { account: string }): { operations: ServiceOperations; world: StsWorld } {
  const world = new StsWorld(deps.account);
  return { world, operations: { GetCallerIdentity: () => world.callerIdentity() } };
}
