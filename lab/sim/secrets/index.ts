/**
 * Secrets Manager GetSecretValue / DescribeSecret over seeded secrets.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_secret_json_structure.html
 */
import { createHash, randomUUID } from 'node:crypto';
import { InputReader } from '../protocol/input.js';
import { AwsError, type ServiceOperations, type SimClock } from '../types.js';

export interface DatabaseSecret {
  username: string;
  password: string;
  host: string;
  port: number;
  dbname: string;
  engine: string;
}

interface StoredSecret {
  name: string;
  arn: string;
  value: string;
  versionId: string;
  createdAt: number;
}

const notFound = () =>
  new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
const invalid = (message: string) => new AwsError('InvalidParameterException', message);

export class SecretsWorld {
  private readonly secrets = new Map<string, StoredSecret>();

  constructor(private readonly deps: { clock: SimClock; region: string; account: string }) {}

  /** Stores a secret (objects are stored as their JSON); returns its ARN. */
  put(name: string, value: string | Record<string, unknown>): string {
    // AWS appends six random characters to the name; derive them so ARNs are stable between runs.
    const suffix = createHash('sha256').update(name).digest('base64url').replace(/[-_]/g, 'x').slice(0, 6);
    const arn = `arn:aws:secretsmanager:${this.deps.region}:${this.deps.account}:secret:${name}-${suffix}`;
    this.secrets.set(name, {
      name,
      arn,
      value: typeof value === 'string' ? value : JSON.stringify(value),
      versionId: randomUUID(),
      createdAt: this.deps.clock.now(),
    });
    return arn;
  }

  /** The JSON layout of an RDS database credentials secret. */
  putDatabaseSecret(name: string, value: DatabaseSecret): string {
    return this.put(name, { ...value });
  }

  /** By name, full ARN, or ARN without the random suffix, as GetSecretValue accepts. */
  find(id: string): StoredSecret | undefined {
    const byName = this.secrets.get(id);
    if (byName) return byName;
    for (const s of this.secrets.values()) {
      if (s.arn === id || s.arn.slice(0, -7) === id) return s;
    }
    return undefined;
  }
}

export function createSecrets(deps: { clock: SimClock; region: string; account: string }): {
  operations: ServiceOperations;
  world: SecretsWorld;
} {
  const world = new SecretsWorld(deps);
  const lookup = (input: Record<string, unknown>): StoredSecret => {
    const secret = world.find(new InputReader(input, invalid).string('SecretId'));
    if (!secret) throw notFound();
    return secret;
  };
  return {
    world,
    operations: {
      GetSecretValue: (input) => {
        const r = new InputReader(input, invalid);
        const s = lookup(input);
        const stage = r.optString('VersionStage');
        const version = r.optString('VersionId');
        if (
          (stage !== undefined && stage !== 'AWSCURRENT') ||
          (version !== undefined && version !== s.versionId)
        ) {
          throw new AwsError(
            'ResourceNotFoundException',
            "Secrets Manager can't find the specified secret value for staging label or VersionId.",
          );
        }
        return {
          ARN: s.arn,
          Name: s.name,
          VersionId: s.versionId,
          SecretString: s.value,
          VersionStages: ['AWSCURRENT'],
          CreatedDate: new Date(s.createdAt),
        };
      },
      DescribeSecret: (input) => {
        const s = lookup(input);
        return {
          ARN: s.arn,
          Name: s.name,
          CreatedDate: new Date(s.createdAt),
          LastChangedDate: new Date(s.createdAt),
          VersionIdsToStages: { [s.versionId]: ['AWSCURRENT'] },
        };
      },
    },
  };
}
