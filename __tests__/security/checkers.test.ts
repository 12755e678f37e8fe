/**
 * The two checkers the untrusted-text tests rely on find what they must: a checker
 * that finds nothing would let every one of those tests pass.
 */
import { describe, expect, it } from 'vitest';
import { consoleOrServer, markdownProblems } from '../support/markdown-check';
import { foreignCommands, runnerCommands } from '../support/runner-parser';

describe('the runner model', () => {
  it('takes what the runner takes: ##[ mid-line, :: after U+0085, U+3000 or a lone CR', () => {
    const stdout = ['a ##[stop-commands]T', '\u0085::add-mask::T', 'x\r\u3000::error::e', '::T::'].join('\n');
    expect(runnerCommands(stdout).map((c) => [c.form, c.name, c.processed])).toEqual([
      ['legacy', 'stop-commands', true],
      ['v2', 'add-mask', false],
      ['v2', 'error', false],
      ['v2', 'T', true],
    ]);
  });

  it('does not take a line after a zero-width space or a BOM, nor :: inside a line', () => {
    expect(runnerCommands('\u200b::add-mask::x\n\ufeff::add-mask::x\nfe80::1 std::io ##\u200b[x]')).toEqual(
      [],
    );
  });

  it('foreign: a legacy command, a name the action never writes, a marked mask, anything ignored', () => {
    const names = (s: string) => foreignCommands(s, 'M').map((c) => c.name);
    expect(names('::warning::M ok\n::add-mask::secret')).toEqual([]);
    expect(names('::add-mask::M')).toEqual(['add-mask']);
    expect(names('::set-env name=M::x')).toEqual(['set-env']);
    expect(names('::stop-commands::t\n::add-mask::secret\n::t::')).toEqual([
      'stop-commands',
      'add-mask',
      't',
    ]);
  });
});

describe('the Markdown check', () => {
  const allowed = consoleOrServer('https://github.com');
  it('finds HTML, images, foreign links, link definitions and autolinks', () => {
    for (const bad of [
      '<img src=x>',
      'see [here](https://evil.example)',
      '![x](https://eu-west-1.console.aws.amazon.com/x)',
      '[r]: https://evil.example',
      'go to https://evil.example',
      'go to www.evil.example',
      'mail admin@evil.example',
      '<https://evil.example>',
    ])
      expect(markdownProblems(bad, allowed), bad).not.toEqual([]);
  });

  it('passes escaped text, code spans, fenced blocks and allowed links', () => {
    const good = [
      '\\<img src=x\\> \\[here\\](x)',
      '`<img src=x> https://evil.example`',
      '```\n<img src=x>\n[a](https://evil.example)\n```',
      '[run](https://github.com/acme/demo/actions/runs/1) [svc](https://eu-west-1.console.aws.amazon.com/ecs)',
      'https:\u200b//evil.example www\u200b.evil.example a@\u200bevil.example',
      'a<br>b',
    ].join('\n');
    expect(markdownProblems(good, allowed)).toEqual([]);
  });
});
