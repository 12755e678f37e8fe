/**
 * `smoke-test-url` (docs/config.md, docs/strategies.md): the URL of the built-in strategies' test
 * listener, read from the input or `gate.smoke-test-url`, with smoke-url's rules.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load';
import { BASE_INPUTS, options, problemsOf } from './helpers';

const file = (gate: string) => `
region: eu-west-1
cluster: acme
images:
  backend: { repository: acme/backend }
services:
  - { service: acme-api, containers: { api: backend } }
gate: ${gate}
`;

describe('smoke-test-url', () => {
  it('is unset by default, apart from smoke-url', () => {
    const config = loadConfig(options({ ...BASE_INPUTS, 'smoke-url': 'https://app.acme.example/healthz' }));
    expect(config.gate.smokeUrl).toBe('https://app.acme.example/healthz');
    expect(config.gate.smokeTestUrl).toBeUndefined();
  });

  it('comes from the input, or gate.smoke-test-url in the file, the input winning', () => {
    const fromInput = loadConfig(
      options({ ...BASE_INPUTS, 'smoke-test-url': 'http://alb.internal:8443/healthz' }),
    );
    expect(fromInput.gate.smokeTestUrl).toBe('http://alb.internal:8443/healthz');
    expect(fromInput.gate.smokeUrl).toBeUndefined();

    const files = {
      '.github/ecs-release.yml': file('{ smoke-test-url: "https://test.acme.example:8443/" }'),
    };
    expect(loadConfig(options({}, files)).gate.smokeTestUrl).toBe('https://test.acme.example:8443/');
    expect(
      loadConfig(options({ 'smoke-test-url': 'https://other.acme.example/' }, files)).gate.smokeTestUrl,
    ).toBe('https://other.acme.example/');
  });

  it('refuses a URL that is not http(s), in the input and in the file, naming the key', () => {
    expect(problemsOf(() => loadConfig(options({ ...BASE_INPUTS, 'smoke-test-url': 'ftp://x/' })))).toEqual([
      'input "smoke-test-url": expected an http(s) URL, got "ftp://x/"',
    ]);
    const files = { '.github/ecs-release.yml': file('{ smoke-test-url: "not a url" }') };
    expect(problemsOf(() => loadConfig(options({}, files)))).toEqual([
      '.github/ecs-release.yml: gate.smoke-test-url: expected an http(s) URL',
    ]);
  });

  it('refuses credentials in the URL without printing them', () => {
    const input = problemsOf(() =>
      loadConfig(options({ ...BASE_INPUTS, 'smoke-test-url': 'https://u:hunter2@test.acme.example/' })),
    );
    expect(input).toEqual([
      'input "smoke-test-url": must not hold credentials (user:password@): they would be printed and sent as the deployment URL',
    ]);
    const files = { '.github/ecs-release.yml': file('{ smoke-test-url: "https://u:hunter2@t.example/" }') };
    const fromFile = problemsOf(() => loadConfig(options({}, files)));
    expect(fromFile).toEqual([
      expect.stringMatching(/^\.github\/ecs-release\.yml: gate\.smoke-test-url: must not hold credentials/),
    ]);
    expect([...input, ...fromFile].join('\n')).not.toContain('hunter2');
  });
});
