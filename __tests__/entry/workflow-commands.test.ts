/**
 * The main step writes outputs and state itself (runtime/workflow-commands.ts), not
 * through @actions/core: the runner must read back exactly what was written, and a
 * value must not be able to close its block and add an output of its own.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { issueCommand, issueFileCommand } from '../../src/runtime/workflow-commands';

/** The runner's reading of GITHUB_OUTPUT: `name<<delimiter` blocks. */
function readBlocks(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^=<]+)<<(.+)$/.exec(lines[i] ?? '');
    if (!m) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i] ?? '');
    out[m[1] ?? ''] = value.join('\n');
  }
  return out;
}

afterEach(() => vi.restoreAllMocks());

describe('issueFileCommand', () => {
  it('appends blocks the runner reads back unchanged, even for a value shaped like a block end', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ecs-release-output-')), 'output');
    writeFileSync(file, '');
    const hostile = 'line one\nEOF\nghadelimiter_x\nresult<<EOF\ndeployed\nEOF';
    issueFileCommand('OUTPUT', 'images', hostile, { GITHUB_OUTPUT: file });
    issueFileCommand('OUTPUT', 'result', 'failed', { GITHUB_OUTPUT: file });
    expect(readBlocks(readFileSync(file, 'utf8'))).toEqual({ images: hostile, result: 'failed' });
  });

  it('refuses a runner file that is not there', () => {
    expect(() => issueFileCommand('STATE', 'progress', '{}', { GITHUB_STATE: '/nonexistent/state' })).toThrow(
      'Missing file at path: /nonexistent/state',
    );
  });

  it('outside a runner prints the legacy command, its value escaped onto one line', () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    issueFileCommand('OUTPUT', 'task-definitions', '{"a":1}\n::add-mask::x', {});
    expect(written.join('')).toBe('::set-output name=task-definitions::{"a":1}%0A::add-mask::x\n');
  });
});

describe('issueCommand', () => {
  it('places an annotation with file and line, the properties escaped as the runner reads them', () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    issueCommand('error', 'a.yml: gate: 50%\nnext', { file: 'odd,dir/a:b.yml', line: 7 });
    issueCommand('error', 'input "cluster": required', {});
    expect(written).toEqual([
      '::error file=odd%2Cdir/a%3Ab.yml,line=7::a.yml: gate: 50%25%0Anext\n',
      '::error::input "cluster": required\n',
    ]);
  });
});
