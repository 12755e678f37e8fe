/** `plan` prints the resolved configuration: names of the migration's environment, never values. */
import { describe, expect, it } from 'vitest';
import { describeConfig } from '../../src/config/describe';
import { testConfig } from '../support/config';

describe('plan: the resolved configuration', () => {
  it('lists the names of migrations.env variables and of the allowlist, never their values', () => {
    const printed = describeConfig(
      testConfig({
        githubToken: 'ghs_token_value',
        migration: {
          service: 'demo-api',
          command: ['npm', 'run', 'migrate'],
          mode: 'runner',
          timeoutMs: 60_000,
          always: false,
          environment: { SENTRY_AUTH_TOKEN: 'sntrys_secret_value', PATH: '/usr/bin', HOME: '/home/runner' },
        },
      }),
    );
    expect(printed).not.toContain('sntrys_secret_value');
    expect(printed).not.toContain('/home/runner');
    expect(printed).not.toContain('ghs_token_value');
    const shown = JSON.parse(printed) as { migration: { environment: string[]; command: string[] } };
    expect(shown.migration.environment).toEqual(['HOME', 'PATH', 'SENTRY_AUTH_TOKEN']);
    expect(shown.migration.command).toEqual(['npm', 'run', 'migrate']);
  });
});
