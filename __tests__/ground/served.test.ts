/**
 * The certificate the smoke check is served (docs/ground.md#tls): recorded in the summary
 * with its names and expiry, and a warning when it is none of the listener's certificates
 * (something in front of the load balancer serves another one). A local https server
 * with a self-signed certificate answers the smoke URL.
 */
import { X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO, seedDemo } from '../../lab/scenarios/demo';
import { seedGround } from '../../lab/scenarios/ground';
import { checkSmoke, guardedFetch } from '../../src/gate/smoke';
import { newReport } from '../../src/model/report';
import { groundInto } from '../../src/pipeline/ground';
import { runPreflight } from '../../src/preflight';
import { renderSummary } from '../../src/report/summary';
import { testConfig } from '../support/config';
import { selfSigned } from '../support/self-signed';
import { createWorld } from '../support/world';

const servers: Server[] = [];
const systemCas = getCACertificates('default');
afterEach(async () => {
  setDefaultCACertificates(systemCas);
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

async function httpsServer(pair: { cert: string; key: string }): Promise<number> {
  const server = createServer(pair, (_req, res) => res.writeHead(200).end('ok'));
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return (server.address() as AddressInfo).port;
}

const expiry = (pem: string) => Date.parse(new X509Certificate(pem).validTo);
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const never = new AbortController().signal;

describe('the certificate the smoke check is served', () => {
  it('is read off the TLS connection: its names and expiry', async () => {
    const pair = selfSigned(['shop.acme.example', 'www.shop.acme.example'], 20);
    const port = await httpsServer(pair);
    const toLocal = async () => [{ address: '127.0.0.1', family: 4 }];
    const check = await checkSmoke(
      `https://shop.acme.example:${port}/healthz`,
      guardedFetch(toLocal, { ca: pair.cert }),
      5000,
      never,
    );
    expect(check).toMatchObject({ ok: true, detail: 'HTTP 200' });
    expect(check.certificate).toEqual({
      names: ['shop.acme.example', 'www.shop.acme.example'],
      notAfter: expiry(pair.cert),
    });
  });

  /** A plan's preflight against the demo's ALB, whose HTTPS listener also carries `onListener` for localhost. */
  async function plan(served: { cert: string; key: string }, onListener: { cert: string }) {
    const w = createWorld({ real: false });
    seedDemo(w.lab);
    const g = seedGround(w.lab);
    const iam = w.lab.iam.putServerCertificate('localhost-cert', expiry(onListener.cert), onListener.cert);
    w.lab.elbv2.rules.listeners.get(g.httpsListenerArn)?.certificates.push(iam.arn);
    const port = await httpsServer(served);
    // The smoke request verifies TLS: trust the test's self-signed certificate.
    setDefaultCACertificates([...systemCas, served.cert]);
    const config = testConfig({
      command: 'plan',
      cluster: DEMO.cluster,
      services: [
        { service: DEMO.api.service, containers: [{ image: 'backend' }], wave: 1 },
        { service: DEMO.web.service, containers: [{ image: 'frontend' }], wave: 1 },
      ],
    });
    const smokeUrl = `https://localhost:${port}/healthz`;
    const withSmoke = { ...config, gate: { ...config.gate, smokeUrl } };
    const report = newReport(withSmoke);
    // Preflight may refuse the demo world for other reasons: the ground section is filled before.
    await runPreflight(w.context(withSmoke), { ground: groundInto(report) }).catch(() => undefined);
    return {
      summary: renderSummary(report),
      log: w.log.text(),
      listener: 'listener HTTPS:443 of load balancer demo-alb',
    };
  }

  it("the listener's own certificate: recorded in the summary, no warning", async () => {
    const pair = selfSigned(['localhost'], 30);
    const { summary, log } = await plan(pair, pair);
    expect(summary).toContain(
      `| :information_source: note | smoke-url localhost was served a certificate for localhost (expires ${day(expiry(pair.cert))}) |`,
    );
    expect(log).not.toContain('something in front of the load balancer');
  });

  it('another certificate than the listener has: a warning that something in front serves it', async () => {
    const listener = selfSigned(['localhost'], 30);
    const front = selfSigned(['localhost', 'cdn.localhost'], 90);
    const { summary, log, listener: where } = await plan(front, listener);
    const what = `smoke-url localhost was served a certificate for localhost, cdn.localhost (expires ${day(expiry(front.cert))}) that is not one of ${where}'s certificates: something in front of the load balancer serves it`;
    expect(log).toContain(what);
    expect(summary).toContain(`| :warning: warning | ${what} |`);
  });
});
