import type { ACMClient } from '@aws-sdk/client-acm';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { Route53Client } from '@aws-sdk/client-route-53';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, RetryStrategyV2 } from '@smithy/types';
import { VERSION } from '../version';

export interface AwsClients {
  ecs: ECSClient;
  ecr: ECRClient;
  cloudwatch: CloudWatchClient;
  logs: CloudWatchLogsClient;
  elbv2: ElasticLoadBalancingV2Client;
  rds: RDSClient;
  secrets: SecretsManagerClient;
  sts: STSClient;
  /** The ground checks' readers (docs/ground.md): made only by the commands that run them. */
  acm: ACMClient;
  route53: Route53Client;
  iam: IAMClient;
  ssm: SSMClient;
}

/** The SDK's HttpHandler shape, narrowed to what tests inject (the lab's in-process handler). */
// biome-ignore lint/suspicious/noExplicitAny: the SDK types each client's handler separately; any handler of the smithy shape fits all of them.
export type RequestHandler = any;

export interface ClientOptions {
  region: string;
  /** Tests pass the lab's in-process handler; production leaves the SDK's own. */
  requestHandler?: RequestHandler;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Attempts per call, including the first; adaptive mode also rate-limits on throttling. */
  maxAttempts?: number;
  /** Tests against moto_server name its URL; production leaves the endpoint to the SDK's own settings. */
  endpoint?: string;
  /** Tests retry without backoff (the SDK's delays are real time); production keeps the adaptive retries. */
  retryStrategy?: RetryStrategyV2;
}

type Config = ReturnType<typeof clientConfig>;

/**
 * How each client is made. `require` (not `import`) so a client's package is only
 * evaluated when the client is first used: each package costs 1 to 8 MB and several ms
 * on top of the SDK core. A stage that imports a package's commands evaluates it anyway;
 * a process that never reaches such a stage (a task-mode migration and Secrets Manager
 * or RDS) does not pay for it. The bundler still bundles what is required.
 */
const MAKERS: { [K in keyof AwsClients]: (config: Config) => AwsClients[K] } = {
  ecs: (c) => new (require('@aws-sdk/client-ecs') as typeof import('@aws-sdk/client-ecs')).ECSClient(c),
  ecr: (c) => new (require('@aws-sdk/client-ecr') as typeof import('@aws-sdk/client-ecr')).ECRClient(c),
  cloudwatch: (c) =>
    new (
      require('@aws-sdk/client-cloudwatch') as typeof import('@aws-sdk/client-cloudwatch')
    ).CloudWatchClient(c),
  logs: (c) =>
    new (
      require('@aws-sdk/client-cloudwatch-logs') as typeof import('@aws-sdk/client-cloudwatch-logs')
    ).CloudWatchLogsClient(c),
  elbv2: (c) =>
    new (
      require('@aws-sdk/client-elastic-load-balancing-v2') as typeof import('@aws-sdk/client-elastic-load-balancing-v2')
    ).ElasticLoadBalancingV2Client(c),
  rds: (c) => new (require('@aws-sdk/client-rds') as typeof import('@aws-sdk/client-rds')).RDSClient(c),
  secrets: (c) =>
    new (
      require('@aws-sdk/client-secrets-manager') as typeof import('@aws-sdk/client-secrets-manager')
    ).SecretsManagerClient(c),
  sts: (c) => new (require('@aws-sdk/client-sts') as typeof import('@aws-sdk/client-sts')).STSClient(c),
  acm: (c) => new (require('@aws-sdk/client-acm') as typeof import('@aws-sdk/client-acm')).ACMClient(c),
  route53: (c) =>
    new (require('@aws-sdk/client-route-53') as typeof import('@aws-sdk/client-route-53')).Route53Client(c),
  iam: (c) => new (require('@aws-sdk/client-iam') as typeof import('@aws-sdk/client-iam')).IAMClient(c),
  ssm: (c) => new (require('@aws-sdk/client-ssm') as typeof import('@aws-sdk/client-ssm')).SSMClient(c),
};

function clientConfig(options: ClientOptions) {
  return {
    region: options.region,
    retryMode: 'adaptive',
    maxAttempts: options.maxAttempts ?? 8,
    customUserAgent: `ecs-release/${VERSION}`,
    ...(options.requestHandler ? { requestHandler: options.requestHandler } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.retryStrategy ? { retryStrategy: options.retryStrategy } : {}),
  };
}

/**
 * One place for every client's settings. The endpoint is left to the SDK so its
 * own `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>` settings keep working.
 * Each client is made on first use (and then kept): a plan never builds the RDS or
 * Secrets Manager client it does not call.
 */
export function createClients(options: ClientOptions): AwsClients {
  const config = clientConfig(options);
  const made: Partial<AwsClients> = {};
  const clients = {} as AwsClients;
  for (const key of Object.keys(MAKERS) as (keyof AwsClients)[]) {
    Object.defineProperty(clients, key, {
      enumerable: true,
      get: () => {
        made[key] ??= MAKERS[key](config) as never;
        return made[key];
      },
    });
  }
  return clients;
}
