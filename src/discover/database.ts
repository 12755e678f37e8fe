/**
 * The RDS instance a service uses, where its task definition tells: an environment value
 * holding the instance's endpoint address or identifier (`PGHOST`, a `DATABASE_URL`), or a
 * secret that is the instance's managed master secret or whose name holds the identifier.
 * Only what matches is reported, with what matched; nothing is guessed from names alone.
 */
import { type DBInstance, paginateDescribeDBInstances } from '@aws-sdk/client-rds';
import { isAccessDenied } from '../ground/read';
import type { DiscoverContext } from './context';
import type { FoundDatabase, FoundService } from './types';

function matchIn(service: FoundService, db: DBInstance): FoundDatabase | undefined {
  const id = db.DBInstanceIdentifier ?? '';
  const address = db.Endpoint?.Address ?? '';
  const managed = db.MasterUserSecret?.SecretArn;
  const at = (container: string, because: string): FoundDatabase => ({
    instance: id,
    arn: db.DBInstanceArn ?? '',
    service: service.name,
    container,
    because,
  });
  for (const c of service.containers) {
    for (const e of c.environment) {
      if (address && e.value.includes(address)) return at(c.name, `${e.name} holds its endpoint address`);
      if (id && e.value === id) return at(c.name, `${e.name} names it`);
    }
    for (const s of c.secrets) {
      if (managed && s.valueFrom.startsWith(managed))
        return at(c.name, `secret ${s.name} is its managed master secret`);
      if (id && s.valueFrom.includes(id)) return at(c.name, `secret ${s.name} (${s.valueFrom}) names it`);
    }
  }
  return undefined;
}

/** The first service (in name order) whose task definition names an instance, and that instance. */
export function databaseOf(
  services: readonly FoundService[],
  instances: readonly DBInstance[],
): FoundDatabase | undefined {
  for (const service of services)
    for (const db of instances) {
      const found = matchIn(service, db);
      if (found) return found;
    }
  return undefined;
}

/** The database is a convenience for the commented migration block: a denied read is said, not fatal. */
export async function readDatabase(
  ctx: DiscoverContext,
  services: readonly FoundService[],
  unread: string[],
): Promise<FoundDatabase | undefined> {
  const instances: DBInstance[] = [];
  try {
    const pages = paginateDescribeDBInstances(
      { client: ctx.aws.rds, pageSize: 100 },
      {},
      { abortSignal: ctx.signal },
    );
    for await (const page of pages) instances.push(...(page.DBInstances ?? []));
  } catch (error) {
    if (!isAccessDenied(error)) throw error;
    unread.push('the RDS instances (rds:DescribeDBInstances was denied): no database looked for');
  }
  return databaseOf(services, instances);
}
