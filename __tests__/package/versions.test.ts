import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
  devDependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string }>;
};

describe('one version line for the AWS SDK', () => {
  it('pins every @aws-sdk/* client at the same exact version', () => {
    const sdk = Object.entries(pkg.devDependencies).filter(([name]) => name.startsWith('@aws-sdk/'));
    expect(sdk.length).toBeGreaterThan(0);
    const versions = new Set(sdk.map(([, version]) => version));
    expect([...versions], `@aws-sdk/* versions in package.json: ${JSON.stringify(sdk)}`).toHaveLength(1);
    expect([...versions][0]).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('declares no runtime dependencies: dist/ is the whole program, so installing the CLI fetches nothing', () => {
    expect(pkg.dependencies ?? {}).toEqual({});
  });

  it('installs one copy of each @aws-sdk and @smithy package, at the version package.json names', () => {
    const copies = new Map<string, Set<string>>();
    for (const [path, entry] of Object.entries(lock.packages)) {
      const name = /node_modules\/(@(?:aws-sdk|smithy)\/[^/]+)$/.exec(path)?.[1];
      if (!name || !entry.version) continue;
      copies.set(name, (copies.get(name) ?? new Set()).add(entry.version));
    }
    const repeated = [...copies].filter(([, versions]) => versions.size > 1);
    expect(repeated.map(([name, v]) => `${name}: ${[...v].join(', ')}`)).toEqual([]);
    const declared = { ...pkg.dependencies, ...pkg.devDependencies };
    for (const [name, version] of Object.entries(declared)) {
      if (!/^@(aws-sdk|smithy)\//.test(name)) continue;
      expect([...(copies.get(name) ?? [])], name).toEqual([version]);
    }
  });
});
