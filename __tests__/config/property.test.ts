import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError } from '../../src/config/errors';
import { loadConfig } from '../../src/config/load';
import { INPUT_NAMES } from '../../src/config/names';
import { options } from './helpers';

const interesting = fc.oneof(
  fc.string(),
  fc.constantFrom(
    '',
    'true',
    'false',
    '5m',
    '90s',
    '1h',
    'x',
    '[',
    '["a"]',
    '[1]',
    'A=1\nB',
    'https://x.example',
    'task',
    'runner',
    'plan',
    'rollback',
  ),
);
const inputs = fc.dictionary(fc.constantFrom(...INPUT_NAMES), interesting);

const yamlValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(
      fc.oneof(
        fc.string(),
        fc.constantFrom(
          'region',
          'cluster',
          'images',
          'services',
          'gate',
          'migrations',
          'environments',
          'repository',
          'containers',
          'service',
          'wave',
          'command',
          'bake-time',
          'production',
        ),
      ),
      tie('value'),
      { maxKeys: 4 },
    ),
  ),
})).value;

function outcome(fn: () => unknown): 'config' | 'error' {
  try {
    fn();
    return 'config';
  } catch (error) {
    if (error instanceof ConfigError) {
      expect(error.problems.length).toBeGreaterThan(0);
      for (const p of error.problems) expect(p.key.length).toBeGreaterThan(0);
      return 'error';
    }
    throw error;
  }
}

describe('config loader under arbitrary input', () => {
  it('returns a config or a ConfigError listing fields, never throws anything else', () => {
    fc.assert(
      fc.property(
        inputs,
        fc.oneof(
          yamlValue.map((v) => stringify(v)),
          fc.string(),
        ),
        (raw, yaml) => {
          outcome(() => loadConfig(options(raw, { '.github/ecs-release.yml': yaml })));
        },
      ),
      { numRuns: 1500 },
    );
  });
});
