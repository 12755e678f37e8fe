/**
 * docs/architecture.md's rules, checked over src/ with the TypeScript compiler:
 * no import reaches from a lower layer into a higher one, no import circle (type-only
 * imports included), no function grows past 80 lines, src/ names no document a
 * reader of the repository cannot open, and no tracked file names one kept outside it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  functionLengths,
  importCycles,
  importGraph,
  importsOf,
  layerOf,
  missingDocuments,
  outsideDocuments,
  SRC,
  sourceFiles,
} from './rules';

const MAX_LINES = 80;

describe('the shape of src/', () => {
  const files = sourceFiles().map((f) => ({ path: f, name: relative(SRC, f) }));

  it('every import points to the same layer or a lower one', () => {
    const upward = files.flatMap(({ path, name }) =>
      importsOf(path)
        .filter((target) => layerOf(target) > layerOf(name))
        .map((target) => `${name} -> ${target}`),
    );
    expect(upward).toEqual([]);
  });

  it(`no function is longer than ${MAX_LINES} lines`, () => {
    const offenders = files.flatMap(({ path, name }) =>
      functionLengths(path)
        .filter((f) => f.lines > MAX_LINES)
        .map((f) => `${name} ${f.name}: ${f.lines} lines`),
    );
    expect(offenders).toEqual([]);
  });

  it('the checker sees a long function and an upward import when there is one', () => {
    // Guards the two checks above against passing because they measure nothing.
    const long = join(mkdtempSync(join(tmpdir(), 'structure-')), 'long.ts');
    const body = Array.from({ length: MAX_LINES }, (_, i) => `  const x${i} = ${i};`).join('\n');
    writeFileSync(long, `export function long() {\n${body}\n}\n`);
    expect(functionLengths(long)).toEqual([{ name: 'long', lines: MAX_LINES + 2 }]);
    expect(files.map((f) => f.name)).toEqual(
      expect.arrayContaining(['config/load.ts', 'migrate/task-mode.ts']),
    );
    expect(layerOf('pipeline/deploy.ts')).toBeGreaterThan(layerOf('engine/index.ts'));
    expect(layerOf('model/contracts.ts')).toBeGreaterThan(layerOf('config/types.ts'));
  });

  it('no file imports itself back through others (type-only imports count)', () => {
    expect(importCycles(importGraph())).toEqual([]);
  });

  it('src/ names only documents that are in the repository', () => {
    expect(missingDocuments()).toEqual([]);
  });

  it('no tracked file outside src/ names a document kept outside the repository either', () => {
    expect(outsideDocuments()).toEqual([]);
  });

  it('the checker sees an import circle and a missing document when there is one', () => {
    // Guards the two checks above: a planted circle (type-only) and planted mentions.
    const root = mkdtempSync(join(tmpdir(), 'structure-'));
    mkdirSync(join(root, 'a'));
    writeFileSync(join(root, 'a/index.ts'), "import type { B } from '../b';\nexport type A = B;\n");
    writeFileSync(join(root, 'b.ts'), "import { c } from './c';\nexport type B = string;\n");
    writeFileSync(join(root, 'c.ts'), "import type { A } from './a';\nexport const c = 1;\n");
    writeFileSync(join(root, 'd.ts'), "import { c } from './c';\n");
    expect(importCycles(importGraph(root))).toEqual([['a/index.ts', 'b.ts', 'c.ts']]);
    writeFileSync(
      join(root, 'd.ts'),
      [
        '// see SPEC §4 and AWS-BEHAVIOUR "x"; MACHINE-NOTES.md; /work/shared/x',
        '// docs/rollout.md exists, docs/nowhere.md does not',
      ].join('\n'),
    );
    expect(missingDocuments(root)).toEqual([
      'd.ts:1 SPEC',
      'd.ts:1 AWS-BEHAVIOUR',
      'd.ts:1 MACHINE-NOTES.md',
      'd.ts:1 shared/',
      'd.ts:2 docs/nowhere.md',
    ]);
  });

  it('the checker sees such a mention in any tracked text file, outside src/ too', () => {
    // A planted repository: dist/, the check's own files and binary files are not read.
    const repo = mkdtempSync(join(tmpdir(), 'structure-repo-'));
    const plant = (name: string, text: string | Buffer) => {
      mkdirSync(dirname(join(repo, name)), { recursive: true });
      writeFileSync(join(repo, name), text);
    };
    plant('src/a.ts', '// see docs/targets.md\n');
    plant('bench/x.ts', '// clean\n// SPEC 5: under 100 MB\n');
    plant('docs/y.md', 'As AWS-BEHAVIOUR §9 and MACHINE-NOTES.md say.\n');
    plant('dist/index.js', '// SPEC\n');
    plant('__tests__/structure/structure.test.ts', "'// see SPEC'\n");
    plant('logo.png', Buffer.from([0, 83, 80, 69, 67]));
    plant('untracked.ts', '// SPEC\n');
    execFileSync('git', ['init', '-q'], { cwd: repo });
    execFileSync('git', ['add', 'src', 'bench', 'docs', 'dist', '__tests__', 'logo.png'], { cwd: repo });
    expect(outsideDocuments(repo)).toEqual([
      'bench/x.ts:2 SPEC',
      'docs/y.md:1 AWS-BEHAVIOUR',
      'docs/y.md:1 MACHINE-NOTES.md',
    ]);
  });
});
