/**
 * IAM GetRole (the trust policy, URL-encoded as IAM returns it) and GetServerCertificate,
 * query protocol. docs/ground.md#the-lab; IAM API reference, GetRole.
 */
import { createHash } from 'node:crypto';
import { InputReader } from '../protocol/input.js';
import { AwsError, type ServiceOperations, type SimClock } from '../types.js';

export interface LabRole {
  name: string;
  path: string;
  arn: string;
  /** The trust policy as a JSON object. */
  trust: unknown;
  createdAt: number;
}

export interface LabServerCertificate {
  name: string;
  arn: string;
  expiration: number;
  uploadedAt: number;
  /** PEM body; the lab's names come from it when given. */
  body: string;
}

/** The trust policy ECS task and execution roles carry. */
export function ecsTasksTrust(service: string | string[] = 'ecs-tasks.amazonaws.com') {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
  };
}

const noSuchEntity = (what: string) => new AwsError('NoSuchEntity', `The ${what} cannot be found.`, 404);

export class IamWorld {
  readonly roles = new Map<string, LabRole>();
  readonly serverCertificates = new Map<string, LabServerCertificate>();

  constructor(private readonly deps: { clock: SimClock; account: string }) {}

  /** A role (name, or path/name) with a trust policy; ECS tasks' by default. */
  putRole(name: string, trust: unknown = ecsTasksTrust()): LabRole {
    const parts = name.split('/');
    const roleName = parts.pop() ?? name;
    const path = parts.length > 0 ? `/${parts.join('/')}/` : '/';
    const role = {
      name: roleName,
      path,
      arn: `arn:aws:iam::${this.deps.account}:role${path}${roleName}`,
      trust,
      createdAt: this.deps.clock.now(),
    };
    this.roles.set(roleName, role);
    return role;
  }

  putServerCertificate(name: string, expiration: number, body = ''): LabServerCertificate {
    const cert = {
      name,
      arn: `arn:aws:iam::${this.deps.account}:server-certificate/${name}`,
      expiration,
      uploadedAt: this.deps.clock.now(),
      body,
    };
    this.serverCertificates.set(name, cert);
    return cert;
  }
}

function roleId(name: string): string {
  return `AROA${createHash('sha256').update(`role ${name}`).digest('hex').slice(0, 17).toUpperCase()}`;
}

export function createIam(deps: { clock: SimClock; account: string }): {
  operations: ServiceOperations;
  world: IamWorld;
} {
  const world = new IamWorld(deps);
  const invalid = (m: string) => new AwsError('ValidationError', m);
  return {
    world,
    operations: {
      GetRole: (input) => {
        const name = new InputReader(input, invalid).string('RoleName');
        const r = world.roles.get(name);
        if (!r) throw noSuchEntity(`role with name ${name}`);
        return {
          Role: {
            Path: r.path,
            RoleName: r.name,
            RoleId: roleId(r.name),
            Arn: r.arn,
            CreateDate: new Date(r.createdAt),
            // IAM returns the document URL-encoded (RFC 3986).
            AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(r.trust)),
            MaxSessionDuration: 3600,
          },
        };
      },
      GetServerCertificate: (input) => {
        const name = new InputReader(input, invalid).string('ServerCertificateName');
        const c = world.serverCertificates.get(name);
        if (!c) throw noSuchEntity(`Server Certificate with name ${name}`);
        return {
          ServerCertificate: {
            ServerCertificateMetadata: {
              Path: '/',
              ServerCertificateName: c.name,
              ServerCertificateId: `ASCA${createHash('sha256').update(c.name).digest('hex').slice(0, 17).toUpperCase()}`,
              Arn: c.arn,
              UploadDate: new Date(c.uploadedAt),
              Expiration: new Date(c.expiration),
            },
            CertificateBody: c.body,
          },
        };
      },
    },
  };
}
