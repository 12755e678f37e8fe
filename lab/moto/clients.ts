/**
 * The action's SDK clients pointed at moto_server: the same client classes,
 * one attempt per call (a retry would hide a rejection), dummy credentials.
 */

import { type AwsClients, createClients } from '../../src/aws/clients.js';
import { SEED_REGION } from './seed.js';

export function motoClients(url: string, region = SEED_REGION): AwsClients {
  return createClients({
    region,
    endpoint: url,
    credentials: { accessKeyId: 'moto', secretAccessKey: 'moto' },
    maxAttempts: 1,
  });
}

/** Closes every client's sockets. */
export function destroyClients(clients: AwsClients): void {
  for (const client of Object.values(clients)) client.destroy();
}
