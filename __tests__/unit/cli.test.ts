import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { actionInputsJson } from '../../scripts/action-inputs.mjs';
import { CliUsageError, cliArgs, cliInputs, cliUsage } from '../../src/runtime/cli-args';

const root = join(__dirname, '../..');
const actionYml = readFileSync(join(root, 'action.yml'), 'utf8');
const inputs = Object.keys(parse(actionYml).inputs as Record<string, unknown>);

describe('the CLI flags', () => {
  it('are generated from action.yml (npm run bundle rewrites a stale file)', () => {
    expect(readFileSync(join(root, 'src/runtime/action-inputs.json'), 'utf8')).toBe(
      actionInputsJson(actionYml),
    );
  });

  it('--help lists every input of action.yml with its description; a command lists the ones it reads', () => {
    const listed = (help: string) => inputs.filter((n) => help.includes(`\n  --${n} `));
    expect(listed(cliUsage([]))).toEqual(inputs.filter((n) => n !== 'command'));
    for (const command of [[], ['plan'], ['deploy'], ['rollback'], ['history']]) {
      const help = cliUsage(command);
      expect(help).toContain('ECS cluster name or ARN.');
      expect(help).toContain('Exit codes: 0');
    }
    const deploy = listed(cliUsage(['deploy']));
    expect(deploy).toContain('frontend-dockerfile');
    expect(deploy).toContain('migration-command');
    expect(deploy).not.toContain('to');
    const rollback = listed(cliUsage(['rollback']));
    expect(rollback).toContain('to');
    expect(rollback).toContain('bake-time');
    expect(rollback).not.toContain('platform');
    expect(rollback).not.toContain('migration-command');
    expect(listed(cliUsage(['history']))).toEqual([
      'config',
      'environment',
      'aws-region',
      'cluster',
      'frontend-service',
      'backend-service',
    ]);
    expect(cliUsage(['deploy'])).not.toContain('--json');
    expect(cliUsage(['rollback'])).toMatch(/^usage: ecs-release rollback /);
    expect(cliUsage([])).toMatch(/^usage: ecs-release \[deploy\|rollback\|plan\|history\|check\|unlock\] /);
    expect(cliUsage(['history'])).toMatch(
      /\n {2}--json +history only: print the releases as a JSON array on stdout/,
    );
  });

  it('--json goes with history only, anywhere on the line, and sets no input', () => {
    expect(cliArgs(['history', '--json', '--environment', 'staging'])).toEqual({
      inputs: { INPUT_COMMAND: 'history', INPUT_ENVIRONMENT: 'staging' },
      json: true,
    });
    expect(cliArgs(['--environment=staging', '--command', 'history', '--json']).json).toBe(true);
    expect(cliArgs(['history']).json).toBe(false);
    expect(() => cliArgs(['plan', '--json'])).toThrow(
      new CliUsageError(
        '--json prints the releases that `ecs-release history` lists; the other commands have no JSON output',
      ),
    );
    expect(() => cliArgs(['--json'])).toThrow(CliUsageError);
  });

  it('an unknown flag or command is an error that names the closest one', () => {
    expect(() => cliInputs(['plan', '--clustr', 'acme'])).toThrow(
      new CliUsageError('unknown flag --clustr; did you mean --cluster? (ecs-release --help lists them)'),
    );
    expect(() => cliInputs(['plna'])).toThrow('unknown command plna; did you mean plan?');
    expect(() => cliInputs(['--zzzzzzzz=1'])).toThrow(/^unknown flag --zzzzzzzz \(ecs-release/);
  });

  it('a flag followed by another flag is missing its value, not set to the other flag', () => {
    expect(() => cliInputs(['deploy', '--cluster', '--backend-service', 'x'])).toThrow(
      new CliUsageError('flag --cluster needs a value'),
    );
    expect(cliInputs(['--cluster=-odd', '--backend-service', 'x'])).toEqual({
      INPUT_CLUSTER: '-odd',
      'INPUT_BACKEND-SERVICE': 'x',
    });
    expect(() => cliInputs(['--cluster', 'acme', 'deploy'])).toThrow(
      new CliUsageError('unexpected argument "deploy": flags are --<input-name> <value>'),
    );
    expect(() => cliArgs(['history', '--json=yes'])).toThrow(CliUsageError);
  });
});
