/** Runner mode's database: the credentials from db-secret and the endpoint to reach it at. */
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { MigrationConfig } from '../config/types';
import { describeDatabase, describeKind } from '../database/describe';
import type { StageContext } from '../runtime/context';
import { type DbSecret, type Endpoint, parseDbSecret, secretForms } from './db-env';
import { MigrationError } from './errors';

export async function credentials(ctx: StageContext, migration: MigrationConfig) {
  const secretId = migration.dbSecret;
  if (!secretId) {
    throw new MigrationError(
      'migration-mode runner needs db-secret: the Secrets Manager ARN of the database credentials',
      'config',
    );
  }
  let text: string | undefined;
  try {
    const out = await ctx.aws.secrets.send(new GetSecretValueCommand({ SecretId: secretId }), {
      abortSignal: ctx.signal,
    });
    text = out.SecretString;
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    throw new MigrationError(
      `db-secret ${secretId}: GetSecretValue failed (${(error as Error).name}: ${(error as Error).message}); check the ARN, the region and that the role may read it`,
      'config',
    );
  }
  if (text === undefined) {
    throw new MigrationError(`db-secret ${secretId} holds binary data, not the JSON credentials`, 'config');
  }
  try {
    const secret = parseDbSecret(text, secretId);
    // Masked before anything else can print it.
    for (const form of secretForms(secret.password)) ctx.mask(form);
    return secret;
  } catch (error) {
    throw new MigrationError((error as Error).message, 'config');
  }
}

/** Where the migration connects: db-instance's endpoint when set, else the host in db-secret. */
export async function databaseEndpoint(
  ctx: StageContext,
  secret: DbSecret,
): Promise<{ endpoint: Endpoint; database: string | undefined; where: string }> {
  let endpoint: Endpoint | undefined;
  let database = secret.dbname;
  let where = 'the host in db-secret';
  if (ctx.config.database) {
    const info = await describeDatabase(ctx.aws.rds, ctx.config.database.instance, ctx.signal);
    if (info.endpoint) {
      endpoint = info.endpoint;
      where = `${describeKind(info)} "${info.id}"`;
    }
    database ??= info.dbName;
  }
  if (!endpoint && secret.host) endpoint = { host: secret.host, port: secret.port ?? 5432 };
  if (!endpoint) {
    throw new MigrationError(
      'migration-mode runner: no database endpoint: set db-instance (its endpoint is looked up), or put host and port in db-secret',
      'config',
    );
  }
  return { endpoint, database, where };
}
