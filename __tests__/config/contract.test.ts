import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configJsonSchema } from '../../src/config/json-schema';
import { INPUT_NAMES, OUTPUTS } from '../../src/config/names';
import { VERSION } from '../../src/version';

const action = parse(readFileSync('action.yml', 'utf8')) as {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: Record<string, string>;
};

describe('the public interface', () => {
  it('action.yml declares exactly the inputs the loader reads, each described', () => {
    expect(Object.keys(action.inputs).sort()).toEqual([...INPUT_NAMES].sort());
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description, name).toBeTruthy();
    }
  });

  it('gives no action.yml default to inputs the config file can set, so the file is not silently overridden', () => {
    const withDefaults = Object.entries(action.inputs)
      .filter(([, input]) => input.default !== undefined)
      .map(([name]) => name);
    expect(withDefaults.sort()).toEqual(['command', 'environment', 'github-token', 'to']);
  });

  it('declares the action outputs and runs on node24 with a post step', () => {
    expect(Object.keys(action.outputs).sort()).toEqual(Object.values(OUTPUTS).sort());
    expect(action.runs).toMatchObject({ using: 'node24', main: 'dist/index.js', post: 'dist/post/index.js' });
  });

  it('commits the JSON Schema generated from the loader schema (npm run schema)', () => {
    const committed = JSON.parse(readFileSync('schema/ecs-release.schema.json', 'utf8'));
    expect(committed).toEqual(configJsonSchema());
  });

  it('keeps VERSION in step with package.json', () => {
    expect(VERSION).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });
});
