import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { formatDuration } from '../config/duration';
import type { StageContext } from '../runtime/context';
import { errorText, type Findings } from './findings';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Credentials, region and (when the environment pins one) the account. Returns the account id. */
export async function checkIdentity(ctx: StageContext, f: Findings): Promise<string | undefined> {
  const { region, accountId, environment } = ctx.config;
  if (!REGION.test(region)) {
    f.problems.push(
      `region: "${region}" is not an AWS region name (like eu-west-1); set aws-region or the config's region.`,
    );
    return undefined;
  }
  let account: string | undefined;
  let arn: string | undefined;
  try {
    const out = await ctx.aws.sts.send(new GetCallerIdentityCommand({}), { abortSignal: ctx.signal });
    account = out.Account;
    arn = out.Arn;
  } catch (error) {
    f.problems.push(
      `AWS credentials: sts:GetCallerIdentity failed in ${region} (${errorText(error)}). Configure credentials ` +
        'before this step (aws-actions/configure-aws-credentials with role-to-assume, or AWS_PROFILE locally).',
    );
    return undefined;
  }
  if (accountId !== undefined && account !== accountId) {
    f.problems.push(
      `account: the credentials belong to account ${account ?? '?'} (${arn ?? '?'}), but environment ` +
        `"${environment}" pins account-id ${accountId}. Assume a role in account ${accountId}, or correct ` +
        `environments.${environment}.account-id.`,
    );
  }
  return account;
}

/**
 * The longest this run can take after preflight: a migration, the rollout, the
 * bake, then a rollback's rollout. Builds are not counted: they have no bound.
 */
export function worstCaseMs(config: StageContext['config']): number {
  return (config.migration?.timeoutMs ?? 0) + 2 * config.gate.waitTimeoutMs + config.gate.bakeTimeMs;
}

/** An OIDC role session lasts this long unless role-duration-seconds asks for more. */
const DEFAULT_SESSION_MS = 60 * 60_000;

/** Credentials that expire mid-release leave services half-deployed: warn before anything changes. */
export async function checkCredentialLifetime(ctx: StageContext, f: Findings): Promise<void> {
  let expiration: Date | undefined;
  try {
    const provider = ctx.aws.sts.config.credentials;
    const identity = await provider();
    expiration = identity.expiration;
  } catch {
    return; // the identity check reports unusable credentials
  }
  const { credentialExpiresAt } = ctx.config;
  if (!expiration && credentialExpiresAt !== undefined) expiration = new Date(credentialExpiresAt);
  const needed = worstCaseMs(ctx.config);
  if (!expiration) {
    if (needed > DEFAULT_SESSION_MS) {
      f.warnings.push(
        `AWS credentials: their expiry is unknown, and this run may need up to ${formatDuration(needed)} plus the ` +
          "builds (migration timeout + wait-timeout + bake-time + a rollback's wait-timeout): more than the 1h an " +
          'OIDC session lasts by default. Pass the expiry (AWS_CREDENTIAL_EXPIRATION, as the reusable workflow ' +
          'does) and raise role-duration-seconds, or shorten the timeouts.',
      );
    }
    return;
  }
  const remaining = expiration.getTime() - ctx.clock.now();
  if (remaining < needed) {
    f.warnings.push(
      `AWS credentials expire in ${formatDuration(Math.max(0, remaining))} (at ${expiration.toISOString()}), ` +
        `but this run may need up to ${formatDuration(needed)} plus the builds (migration timeout + wait-timeout ` +
        "+ bake-time + a rollback's wait-timeout). Raise the role session duration (role-duration-seconds) or " +
        'shorten the timeouts.',
    );
  }
}
