/**
 * The simulator's ECR with the lab's second registry: requests signed for its region are
 * answered from it, GetAuthorizationToken with `registryIds` names either registry, and
 * the token it gives opens that registry (the copy's auth path end to end).
 */
import { randomBytes } from 'node:crypto';
import { CreateRepositoryCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireLabEnv } from '../../lab/env';
import { imageExists } from '../../src/registry';
import { needsLab } from '../support/world';
import { type Harness, MODES, openLab } from './sim-harness.js';

const env = (() => {
  needsLab();
  const e = requireLabEnv();
  if (!e.registry2) throw new Error('the lab has no second registry: run lab/up again');
  return { ...e, registry2: e.registry2 };
})();

describe.each(MODES)('ECR with a second registry (%s)', (mode) => {
  let h: Harness;
  beforeAll(async () => {
    h = await openLab(mode, {
      registry: { host: env.registry, user: env.registryUser, password: env.registryPassword },
      registry2: env.registry2,
    });
  });
  afterAll(() => h.close());
  const ecr = (region: string) => new ECRClient({ ...h.config, region });

  const tokenEndpoints = async (region: string, registryIds?: string[]) => {
    const out = await ecr(region).send(new GetAuthorizationTokenCommand(registryIds ? { registryIds } : {}));
    return (out.authorizationData ?? []).map((d) => d.proxyEndpoint);
  };

  it('answers GetAuthorizationToken by the signing region, and by registryIds in any region', async () => {
    expect(await tokenEndpoints('eu-west-1')).toEqual([`http://${env.registry}`]);
    expect(await tokenEndpoints(env.registry2.region)).toEqual([`http://${env.registry2.host}`]);
    expect(await tokenEndpoints('eu-west-1', [env.registry2.account, h.lab.account])).toEqual([
      `http://${env.registry2.host}`,
      `http://${env.registry}`,
    ]);
  });

  it("keeps each region's repositories in its own registry", async () => {
    const name = `r2-${randomBytes(3).toString('hex')}`;
    const out = await ecr(env.registry2.region).send(new CreateRepositoryCommand({ repositoryName: name }));
    expect(out.repository?.repositoryUri).toBe(`${env.registry2.host}/${name}`);
    expect(out.repository?.registryId).toBe(env.registry2.account);
    expect(h.lab.ecr2?.repositories.has(name)).toBe(true);
    expect(h.lab.ecr.repositories.has(name)).toBe(false);
  });

  it('gives a token that opens the second registry and not the first', async () => {
    const out = await ecr(env.registry2.region).send(new GetAuthorizationTokenCommand({}));
    const token = out.authorizationData?.[0]?.authorizationToken ?? '';
    const ref = (host: string) => ({
      host,
      repository: 'lab/none',
      auth: { host, authorization: `Basic ${token}` },
    });
    const digest = `sha256:${'1'.repeat(64)}`;
    expect(await imageExists(ref(env.registry2.host), digest)).toBe(false);
    await expect(imageExists(ref(env.registry), digest)).rejects.toThrow(/HEAD manifest .* HTTP 401/);
  });
});
