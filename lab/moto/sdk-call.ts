/**
 * Sends a call named the way the lab recorder names it (signing name +
 * operation + API-member input) through the real SDK client of that service,
 * so a replay exercises the SDK's own serializer against the other endpoint.
 */
import * as acm from '@aws-sdk/client-acm';
import * as cloudwatch from '@aws-sdk/client-cloudwatch';
import * as logs from '@aws-sdk/client-cloudwatch-logs';
import * as ecr from '@aws-sdk/client-ecr';
import * as ecs from '@aws-sdk/client-ecs';
import * as elbv2 from '@aws-sdk/client-elastic-load-balancing-v2';
import * as iam from '@aws-sdk/client-iam';
import * as rds from '@aws-sdk/client-rds';
import * as route53 from '@aws-sdk/client-route-53';
import * as secrets from '@aws-sdk/client-secrets-manager';
import * as ssm from '@aws-sdk/client-ssm';
import * as sts from '@aws-sdk/client-sts';
import type { AwsClients } from '../../src/aws/clients.js';

export interface AwsCall {
  /** Signing name, as the lab recorder has it: `ecs`, `monitoring`, `elasticloadbalancing`… */
  service: string;
  operation: string;
  input: Record<string, unknown>;
}

const BY_SIGNING_NAME: Record<string, { client: keyof AwsClients; module: Record<string, unknown> }> = {
  ecs: { client: 'ecs', module: ecs },
  ecr: { client: 'ecr', module: ecr },
  monitoring: { client: 'cloudwatch', module: cloudwatch },
  logs: { client: 'logs', module: logs },
  elasticloadbalancing: { client: 'elbv2', module: elbv2 },
  rds: { client: 'rds', module: rds },
  secretsmanager: { client: 'secrets', module: secrets },
  sts: { client: 'sts', module: sts },
  acm: { client: 'acm', module: acm },
  iam: { client: 'iam', module: iam },
  route53: { client: 'route53', module: route53 },
  ssm: { client: 'ssm', module: ssm },
};

type CommandClass = new (input: Record<string, unknown>) => unknown;
interface Sender {
  send(command: unknown): Promise<unknown>;
}

/** Sends `call` with the SDK; resolves with the SDK's output (without $metadata), rejects with the SDK's error. */
export async function sendCall(clients: AwsClients, call: AwsCall): Promise<Record<string, unknown>> {
  const entry = BY_SIGNING_NAME[call.service];
  if (!entry) throw new Error(`no SDK client for signing name '${call.service}'`);
  const Command = entry.module[`${call.operation}Command`];
  if (typeof Command !== 'function') {
    throw new Error(`the ${call.service} SDK client has no ${call.operation}Command`);
  }
  const client = clients[entry.client] as unknown as Sender;
  const output = (await client.send(new (Command as CommandClass)(call.input))) as Record<string, unknown>;
  const { $metadata: _metadata, ...rest } = output;
  return rest;
}
