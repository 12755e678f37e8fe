import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { RDSClient } from '@aws-sdk/client-rds';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
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
}

/**
 * One place for every client's settings. The endpoint is left to the SDK so its
 * own `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>` settings keep working.
 */
export function createClients(options: ClientOptions): AwsClients {
  const config = {
    region: options.region,
    retryMode: 'adaptive',
    maxAttempts: options.maxAttempts ?? 8,
    customUserAgent: `ecs-release/${VERSION}`,
    ...(options.requestHandler ? { requestHandler: options.requestHandler } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  };
  return {
    ecs: new ECSClient(config),
    ecr: new ECRClient(config),
    cloudwatch: new CloudWatchClient(config),
    logs: new CloudWatchLogsClient(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    rds: new RDSClient(config),
    secrets: new SecretsManagerClient(config),
    sts: new STSClient(config),
  };
}
