/**
 * Preflight asks the smoke URL once (docs/config.md "The smoke check"): a redirect refuses the run before
 * anything changes, naming the Location to use; an error or no answer is a warning
 * only (the release running now may be the broken one).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PreflightError, runPreflight } from '../../src/preflight';
import { type Scenario, scenario } from '../engine/rolling/scenario';
import { type ScriptedServer, scriptedServer } from '../gate/http-script';

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const withSmoke = (s: Scenario, smokeUrl: string) =>
  s.context({ ...s.config, gate: { ...s.config.gate, smokeUrl } });

describe('preflight: the smoke URL', () => {
  it('refuses a URL that redirects, naming the Location to use, and changes nothing', async () => {
    server = await scriptedServer([{ status: 301, location: '/healthz/' }]);
    const s = scenario();
    const error = await runPreflight(withSmoke(s, server.url)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as PreflightError).problems).toEqual([
      `smoke-url: ${server.url} redirects (HTTP 301) to ${server.url}/: the smoke check never follows a redirect, so the gate would fail on it; set smoke-url to ${server.url}/`,
    ]);
    expect(server.answered).toHaveLength(1);
    expect(s.lab.recorder.mutations()).toEqual([]);
  });

  it('only warns when the URL fails or does not answer now, and says nothing when it answers 2xx', async () => {
    server = await scriptedServer([503]);
    const s = scenario();
    const failing = await runPreflight(withSmoke(s, server.url));
    expect(failing.warnings).toContain(
      `smoke-url: ${server.url}: HTTP 503 before the release; the gate needs 2xx after it (the release running now may be the broken one)`,
    );
    server.setScript([200]);
    const passing = await runPreflight(withSmoke(s, server.url));
    expect(passing.warnings.filter((w) => w.startsWith('smoke-url'))).toEqual([]);
    expect(server.answered).toEqual([503, 200]);
  });
});
