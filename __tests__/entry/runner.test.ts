/**
 * The runner protocol both steps speak (src/entry/runner.ts): inputs in, outputs, state and
 * the summary out, a secret the run has seen redacted from all of them, and the state the
 * main step saved read back by the post step as the runner hands it over (STATE_<name>).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readInputs, runner } from '../../src/entry/runner';
import { Secrets } from '../../src/runtime/secrets';

afterEach(() => vi.restoreAllMocks());

function stdout(): string[] {
  const written: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  return written;
}

function runnerFiles() {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-release-runner-'));
  const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STATE: join(dir, 'state') };
  const summary = join(dir, 'summary');
  for (const f of [...Object.values(files), summary]) writeFileSync(f, '');
  return { files, summary, read: (f: string) => readFileSync(f, 'utf8') };
}

describe('the runner protocol', () => {
  it('reads inputs as the runner sets them: upper-cased, spaces as underscores, trimmed', () => {
    const inputs = readInputs({ INPUT_COMMAND: ' plan \n', INPUT_ENVIRONMENT: 'production' });
    expect(inputs).toMatchObject({ command: 'plan', environment: 'production', cluster: '' });
  });

  it('hands the runner outputs, state and summary with a masked secret redacted', async () => {
    const written = stdout();
    const { files, summary, read } = runnerFiles();
    const r = runner(new Secrets(), { ...files, GITHUB_STEP_SUMMARY: summary, GITHUB_ACTIONS: 'true' });
    r.mask('s3cret-value');
    r.setOutput('result', 'failed: s3cret-value');
    r.saveState('progress', '{"token":"s3cret-value"}');
    await r.writeSummary('## failed with s3cret-value\n');
    expect(written).toEqual(['::add-mask::s3cret-value\n']);
    expect(read(files.GITHUB_OUTPUT)).toMatch(/^result<<(ghadelimiter_[\w-]+)\nfailed: \*\*\*\n\1\n$/);
    expect(read(files.GITHUB_STATE)).toMatch(/^progress<<(ghadelimiter_[\w-]+)\n\{"token":"\*\*\*"\}\n\1\n$/);
    expect(read(summary)).toBe('## failed with ***\n');
  });

  it('masks nothing by command outside a runner (the command would print the secret), still redacts', () => {
    const written = stdout();
    const r = runner(new Secrets(), {});
    r.mask('s3cret-value');
    r.log.info('token s3cret-value');
    expect(written).toEqual(['token ***\n']);
  });

  it('prints the summary, inert, where there is no summary file (the CLI)', async () => {
    const written = stdout();
    await runner(new Secrets(), {}).writeSummary('## title\n::stop-commands::x');
    expect(written).toEqual(['## title\n', '\u200b::stop-commands::x\n']);
  });

  it('refuses a summary file it cannot write, as core.summary does', async () => {
    const { summary } = runnerFiles();
    const r = runner(new Secrets(), { GITHUB_STEP_SUMMARY: join(summary, 'missing') });
    await expect(r.writeSummary('x')).rejects.toThrow(/ENOENT|ENOTDIR/);
  });

  it('gives the post step the state the runner passes back, and nothing when there is none', () => {
    const r = runner(new Secrets(), { STATE_progress: '{"phase":"rollout"}' });
    expect(r.getState('progress')).toBe('{"phase":"rollout"}');
    expect(r.getState('other')).toBe('');
  });
});
