/**
 * A cluster, service or container name with a control character (ESC, BEL, NUL,
 * DEL, C1) is refused, from an input or from the file, with the field named and
 * the character shown only as its code point (never printed raw into the log).
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load';
import { BASE_INPUTS, options, problemsOf } from './helpers';

const CONTROL = /\p{Cc}/u;

describe('ECS names with control characters', () => {
  it.each([
    ['cluster', 'acme\u001b[2J', '(U+001B) at position 5'],
    ['frontend-service', 'acme-web\u0007', '(U+0007) at position 9'],
    ['backend-service', 'acme\u0000api', '(U+0000) at position 5'],
    ['frontend-container', 'web\u007f', '(U+007F) at position 4'],
    ['backend-container', 'a\u009bpi', '(U+009B) at position 2'],
  ])('input "%s" is refused, naming the input', (input, value, where) => {
    const problems = problemsOf(() => loadConfig(options({ ...BASE_INPUTS, [input]: value })));
    expect(problems).toEqual([
      `input "${input}": has a control character ${where}: ECS names are printable text`,
    ]);
  });

  it('file keys are refused, naming the key, with the container name escaped', () => {
    const file = [
      'region: eu-west-1',
      'cluster: "acme\\tprod"',
      'images: { backend: { repository: acme/backend } }',
      'services:',
      '  - { service: "acme\\u001bapi", containers: { "a\\rpi": backend } }',
      'migrations: { service: acme-api, container: "ap\\ni", command: [migrate] }',
    ].join('\n');
    const problems = problemsOf(() => loadConfig(options({}, { '.github/ecs-release.yml': file })));
    const at = '.github/ecs-release.yml: ';
    expect(problems).toEqual(
      expect.arrayContaining([
        `${at}cluster: has a control character (U+0009) at position 5: ECS names are printable text`,
        `${at}services[0].service: has a control character (U+001B) at position 5: ECS names are printable text`,
        `${at}services[0].containers: container "a\\u000Dpi" has a control character (U+000D) at position 2: ECS names are printable text`,
        `${at}migrations.container: has a control character (U+000A) at position 3: ECS names are printable text`,
      ]),
    );
    for (const p of problems) expect(p).not.toMatch(CONTROL);
  });

  it('printable names, unicode included, still load', () => {
    const config = loadConfig(
      options({
        ...BASE_INPUTS,
        cluster: 'acme-prod',
        'frontend-service': 'acme-wéb',
        'frontend-container': 'web_1',
      }),
    );
    expect(config.cluster).toBe('acme-prod');
    expect(config.services[0]).toEqual({
      service: 'acme-wéb',
      containers: [{ container: 'web_1', image: 'frontend' }],
      wave: 1,
    });
  });
});
