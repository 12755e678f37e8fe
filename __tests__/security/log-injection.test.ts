/**
 * Workflow-command injection through the job log: a service event, a migration's output
 * or an AWS error message may hold newlines followed by `::add-mask::`, `::stop-commands::`
 * or the legacy `##[...]`. What the real logger writes to stdout is what the runner parses.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { actionsLogger } from '../../src/runtime/actions-logger';
import { Secrets } from '../../src/runtime/secrets';

const HOSTILE = [
  'service acme-api has reached a steady state.',
  '::add-mask::everything',
  '  ::stop-commands::token',
  '::error file=x::fake annotation\r##[set-output name=url]https://evil.example',
  '::warning::%0A::debug::x',
].join('\n');

let written: string[] = [];
beforeEach(() => {
  written = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

/** The lines the runner reads, and those of them it would take as workflow commands. */
function stdoutLines(): { lines: string[]; commands: string[] } {
  const lines = written.join('').split(/\r\n|\r|\n/);
  return { lines, commands: lines.filter((l) => /^\s*(::|##\[)/.test(l)) };
}

describe('the job log', () => {
  it('prints each line of a message on its own, none of them a workflow command', () => {
    actionsLogger(new Secrets()).info(HOSTILE);
    const { lines, commands } = stdoutLines();
    expect(commands).toEqual([]);
    // The text is still all there, readable.
    expect(lines.map((l) => l.replace(/\u200b/g, ''))).toEqual([...HOSTILE.split(/\r|\n/), '']);
  });

  it('keeps a warning, an error, a notice, a debug line and a group name to one command each', async () => {
    const log = actionsLogger(new Secrets());
    log.warning(HOSTILE);
    log.error(HOSTILE);
    log.notice(HOSTILE);
    log.debug(HOSTILE);
    await log.group(HOSTILE, async () => undefined);
    const { commands } = stdoutLines();
    expect(commands.map((c) => c.slice(0, c.indexOf('::', 2) + 2))).toEqual([
      '::warning::',
      '::error::',
      '::notice::',
      '::debug::',
      '::group::',
      '::endgroup::',
    ]);
  });
});
