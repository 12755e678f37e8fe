/**
 * Workflow-command injection through the job log: a service event, a migration's output
 * or an AWS error message may hold newlines followed by `::add-mask::`, `::stop-commands::`
 * or the legacy `##[...]`. What the real logger writes to stdout is what the runner parses.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { actionsLogger } from '../../src/entry/runner';
import { Secrets } from '../../src/runtime/secrets';
import { inertJson, inertLine } from '../../src/runtime/workflow-commands';
import { dotnetTrimStart, foreignCommands, runnerLines } from '../support/runner-parser';

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
  const lines = runnerLines(written.join(''));
  return { lines, commands: lines.filter((l) => /^::/.test(dotnetTrimStart(l)) || l.includes('##[')) };
}

const MARK = 'HOSTILE-MARK';

/** What the review found the runner acts on, each with the marker in its command. */
const RUNNER_TRICKS = [
  `migration 0042 done ##[stop-commands]${MARK}`,
  `\u0085::add-mask::${MARK}`,
  `\u2028::stop-commands::${MARK}`,
  `\u3000\u00a0\u2003::set-env name=${MARK}::x`,
  `first half\r::add-mask::${MARK}`,
  `\t \v\f##[add-mask]${MARK}`,
  `text ###[set-output name=${MARK}]x and ##[error]${MARK}`,
];

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

describe('untrusted text as the runner parses it', () => {
  it('neutralises ##[ anywhere, and :: at a line start after .NET trimming (U+0085, Unicode spaces, a lone CR)', () => {
    const log = actionsLogger(new Secrets());
    for (const trick of RUNNER_TRICKS) {
      log.info(trick);
      log.warning(trick);
      log.error(trick);
      log.notice(trick);
      log.debug(trick);
    }
    expect(foreignCommands(written.join(''), MARK)).toEqual([]);
  });

  it('leaves :: inside a line (IPv6, std::io), a BOM-led line and ordinary text exactly as they are', () => {
    for (const line of [
      'connecting to [fe80::1%eth0]:5432 and ::1',
      'error[E0433]: failed to resolve: use of undeclared crate or module `std::io`',
      '\ufeff::not-a-command-for-the-runner',
      'a # comment ## and [brackets]',
    ])
      expect(inertLine(line)).toBe(line);
  });

  it('no generated message makes a command, and each reads the same without its zero-width spaces', () => {
    const piece = fc.constantFrom(
      '::',
      '##[',
      ']',
      'add-mask',
      'stop-commands',
      MARK,
      ' ',
      '\r',
      '\n',
      '\r\n',
      '\u0085',
      '\u2028',
      '\u00a0',
      '\u3000',
      '\ufeff',
      '\t',
      '#',
      ':',
      '[',
      'x',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (pieces) => {
        written = [];
        const message = pieces.join('');
        const log = actionsLogger(new Secrets());
        log.info(message);
        log.warning(message);
        const stdout = written.join('');
        expect(foreignCommands(stdout, MARK)).toEqual([]);
        const infoLines = runnerLines(written[0] === undefined ? '' : stdout).slice(
          0,
          message.split(/\r\n|\r|\n/).length,
        );
        expect(infoLines.map((l) => l.replace(/\u200b/g, ''))).toEqual(message.split(/\r\n|\r|\n/));
      }),
      { numRuns: 2000 },
    );
  });

  it('history --json: ##[ written as a JSON escape, the same value when read back', () => {
    const json = JSON.stringify(
      [{ runUrl: `x ##[stop-commands]${MARK}`, s: '\u0085::add-mask::x' }],
      null,
      2,
    );
    const inert = inertJson(json);
    expect(JSON.parse(inert)).toEqual(JSON.parse(json));
    expect(foreignCommands(inert, MARK)).toEqual([]);
  });
});
