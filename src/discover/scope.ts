/**
 * The release role's policy scope for what init found (src/aws/release-policy.ts, the
 * one source of docs/iam.md): this cluster and its services, the released repositories,
 * the tasks' roles and log groups, the database; statements nothing found needs left out.
 */
import type { PolicyScope, StatementId } from '../aws/release-policy';
import type { Draft } from './draft';
import type { Found } from './types';

const BUILT_IN = new Set(['BLUE_GREEN', 'LINEAR', 'CANARY']);

export function policyScope(found: Found, draft: Draft): PolicyScope {
  const released = new Set(draft.services.map((s) => s.service));
  const services = found.services.filter((s) => released.has(s.name));
  const roles = services.flatMap((s) => [s.executionRoleArn, s.taskRoleArn].filter((r): r is string => !!r));
  const without: StatementId[] = ['RunnerModeMigrationSecret', 'SnapshotDatabase'];
  if (!services.some((s) => BUILT_IN.has(s.strategy)))
    without.push('BuiltInDeployments', 'BuiltInPauseHooks');
  if (!found.database) without.push('ReadDatabase');
  return {
    partition: found.clusterArn.split(':')[1] || 'aws',
    ...(found.account ? { account: found.account } : {}),
    region: found.region,
    cluster: found.clusterArn,
    services: services.map((s) => s.name),
    repositories: [...new Set(draft.images.map((i) => i.repository))],
    // ARNs as the task definitions hold them: a role with a path keeps it.
    taskRoles: [...new Set(roles)],
    logGroups: [...new Set(services.flatMap((s) => s.logGroups))],
    dbInstances: found.database ? [found.database.instance] : [],
    dbClusters: [],
    secrets: [],
    without,
  };
}
