/**
 * The smoke check's bounds (docs/config.md "The smoke check"): a redirect is never followed (a 3xx fails the
 * check, naming its Location), and no request reaches a link-local or metadata
 * address, literal or resolved, on any of the addresses a name resolves to; the
 * connection goes to the address that was checked (no second lookup).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runGate } from '../../src/gate';
import { checkSmoke, guardedFetch, type Resolver } from '../../src/gate/smoke';
import { testConfig } from '../support/config';
import { createWorld } from '../support/world';
import { type ScriptedServer, scriptedServer } from './http-script';

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const never = new AbortController().signal;
/** A resolver that answers from a table and records what it was asked. */
function resolver(table: Record<string, string[]>): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (hostname: string) => {
    asked.push(hostname);
    return (table[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { asked });
}

describe('smoke check: redirects', () => {
  it('fails on a 302 instead of following it to a page that answers 200, naming the Location', async () => {
    server = await scriptedServer([{ status: 302, location: '/healthz/' }, 200]);
    const check = await checkSmoke(server.url, guardedFetch(), 1000, never);
    expect(check).toEqual({
      ok: false,
      detail: `HTTP 302 redirect to ${server.url}/ (a smoke check does not follow redirects)`,
      redirect: { status: 302, location: `${server.url}/` },
    });
    // One request: the 200 behind the redirect was never asked for.
    expect(server.answered).toHaveLength(1);
  });

  it('does not follow a redirect with an injected fetch either (redirect: manual)', async () => {
    server = await scriptedServer([{ status: 301, location: 'http://169.254.169.254/latest/meta-data/' }]);
    const check = await checkSmoke(server.url, (url, init) => fetch(url, init), 1000, never);
    expect(check.ok).toBe(false);
    expect(check.redirect).toEqual({ status: 301, location: 'http://169.254.169.254/latest/meta-data/' });
    expect(server.answered).toHaveLength(1);
  });

  it('fails the gate when the URL redirects, naming where to', async () => {
    server = await scriptedServer([{ status: 308, location: 'https://app.example/healthz' }]);
    const world = createWorld({ real: false });
    const config = testConfig({
      gate: {
        alarms: [],
        bakeTimeMs: 60_000,
        autoRollback: true,
        waitTimeoutMs: 60_000,
        smokeUrl: server.url,
      },
    });
    const gate = await runGate(world.context(config), { alarms: [] });
    expect(gate.ok).toBe(false);
    expect(gate.reason).toBe(
      `smoke check ${server.url} never answered 2xx after the rollout: 5 tries 5s apart, the last one HTTP 308 redirect to https://app.example/healthz (a smoke check does not follow redirects)`,
    );
  });
});

describe('smoke check: addresses', () => {
  it('refuses a literal link-local or metadata address without sending anything', async () => {
    const resolve = resolver({});
    for (const [url, what] of [
      [
        'http://169.254.169.254/latest/meta-data/',
        '169.254.169.254 is the instance metadata service (169.254.169.254)',
      ],
      ['http://[fe80::1]:8080/', 'fe80::1 is a link-local address (fe80::/10)'],
      [
        'http://[::ffff:169.254.169.254]/',
        '::ffff:a9fe:a9fe is the instance metadata service (169.254.169.254), written as IPv6',
      ],
    ] as const) {
      const check = await checkSmoke(url, guardedFetch(resolve), 1000, never);
      expect(check).toEqual({ ok: false, detail: `${what}: a smoke check never goes there`, refused: true });
    }
    expect(resolve.asked).toEqual([]);
  });

  it('refuses a name that resolves to the metadata address, on any of its addresses', async () => {
    server = await scriptedServer([200]);
    const port = new URL(server.url).port;
    const resolve = resolver({
      'metadata.example': ['169.254.169.254'],
      'mixed.example': ['127.0.0.1', 'fd00:ec2::254'],
    });
    const first = await checkSmoke(`http://metadata.example:${port}/`, guardedFetch(resolve), 1000, never);
    expect(first).toEqual({
      ok: false,
      detail:
        'metadata.example resolves to 169.254.169.254, the instance metadata service (169.254.169.254): a smoke check never goes there',
      refused: true,
    });
    const second = await checkSmoke(`http://mixed.example:${port}/`, guardedFetch(resolve), 1000, never);
    expect(second.detail).toBe(
      'mixed.example resolves to fd00:ec2::254, the instance metadata service (fd00:ec2::254): a smoke check never goes there',
    );
    expect(server.answered).toEqual([]);
  });

  it('connects to the address it checked, once resolved, with the URL host in Host', async () => {
    server = await scriptedServer([200]);
    const port = new URL(server.url).port;
    const resolve = resolver({ 'app.smoke.test': ['127.0.0.1'] });
    // app.smoke.test exists only in the injected resolver: a second lookup would fail.
    const check = await checkSmoke(
      `http://app.smoke.test:${port}/healthz`,
      guardedFetch(resolve),
      1000,
      never,
    );
    expect(check).toEqual({ ok: true, detail: 'HTTP 200' });
    expect(resolve.asked).toEqual(['app.smoke.test']);
    expect(server.hosts).toEqual([`app.smoke.test:${port}`]);
  });

  it('keeps loopback: the lab serves its smoke URLs on 127.0.0.1 and localhost', async () => {
    server = await scriptedServer([200]);
    const port = new URL(server.url).port;
    expect(await checkSmoke(server.url, guardedFetch(), 1000, never)).toEqual({
      ok: true,
      detail: 'HTTP 200',
    });
    const local = resolver({ localhost: ['127.0.0.1'] });
    expect(await checkSmoke(`http://localhost:${port}/`, guardedFetch(local), 1000, never)).toEqual({
      ok: true,
      detail: 'HTTP 200',
    });
  });
});
