/**
 * A moto_server of the test file's own: started before its tests, its clients destroyed and
 * the server stopped after. A missing moto fails the file, never skips it: an unchecked
 * claim about AWS's API models is worse than a red test (docs/lab.md).
 */
import { afterAll, beforeAll } from 'vitest';
import { destroyClients, motoClients } from '../../lab/moto/clients';
import { type MotoServer, motoSkipReason, startMotoServer } from '../../lab/moto/server';
import type { AwsClients } from '../../src/aws/clients';

export interface MotoLab {
  moto: MotoServer;
  aws: AwsClients;
}

/** Call at the top of a describe: the returned object is filled before its first test. */
export function useMoto(): MotoLab {
  const lab = {} as MotoLab;
  beforeAll(async () => {
    const missing = motoSkipReason();
    if (missing) throw new Error(missing);
    lab.moto = await startMotoServer();
    lab.aws = motoClients(lab.moto.url);
  }, 60_000);
  afterAll(async () => {
    if (lab.aws) destroyClients(lab.aws);
    await lab.moto?.stop();
  });
  return lab;
}
