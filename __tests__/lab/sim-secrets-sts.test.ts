import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { errorOf, type Harness, MODES, openLab } from './sim-harness.js';

describe.each(MODES)('Secrets Manager and STS (%s)', (mode) => {
  let h: Harness;
  afterEach(async () => h.close());

  it('returns an RDS credentials secret by name or ARN, and ResourceNotFoundException', async () => {
    h = await openLab(mode);
    const value = {
      username: 'app',
      password: 's3cr3t',
      host: '127.0.0.1',
      port: 5432,
      dbname: 'acme',
      engine: 'postgres',
    };
    const arn = h.lab.secrets.putDatabaseSecret('acme/db', value);
    expect(arn).toMatch(/^arn:aws:secretsmanager:eu-west-1:111122223333:secret:acme\/db-[A-Za-z0-9]{6}$/);
    const sm = new SecretsManagerClient(h.config);
    for (const id of ['acme/db', arn, arn.slice(0, -7)]) {
      const out = await sm.send(new GetSecretValueCommand({ SecretId: id }));
      expect(JSON.parse(out.SecretString ?? '{}')).toEqual(value);
      expect(out).toMatchObject({ ARN: arn, Name: 'acme/db', VersionStages: ['AWSCURRENT'] });
      expect(out.CreatedDate).toEqual(new Date(h.lab.startedAt));
    }
    const missing = await errorOf(sm.send(new GetSecretValueCommand({ SecretId: 'nope' })));
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });

  it('names the lab account and an assumed-role session', async () => {
    h = await openLab(mode);
    h.lab.sts.setIdentity({ roleName: 'deploy', sessionName: 'run-42' });
    const id = await new STSClient(h.config).send(new GetCallerIdentityCommand({}));
    expect(id.Account).toBe('111122223333');
    expect(id.Arn).toBe('arn:aws:sts::111122223333:assumed-role/deploy/run-42');
    expect(id.UserId).toMatch(/^AROA[0-9A-F]{17}:run-42$/);
  });
});
