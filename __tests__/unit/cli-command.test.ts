/** Commands printed for a person to paste: every word reaches the shell as the one word it was. */
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shellWord } from '../../src/aws/cli-command';

const echo = (word: string) =>
  execFileSync('sh', ['-c', `printf %s ${shellWord(word)}`], { encoding: 'utf8' });

describe('shellWord', () => {
  it('keeps names and ARNs readable, and hostile text one literal word', () => {
    expect(shellWord('arn:aws:ecs:eu-west-1:123456789012:task-definition/api:7')).toBe(
      'arn:aws:ecs:eu-west-1:123456789012:task-definition/api:7',
    );
    for (const word of ["$(touch /tmp/x)'", "a'b", '`id`; rm -rf ~', 'x\ny', '', '-n', '*', '$HOME'])
      expect(echo(word)).toBe(word);
  });

  it('any generated text comes back unchanged from the shell', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom("'", '"', '\\', '$', '`', ' ', ';', '\n', '(', ')', '*', 'a', '-', '!'),
        }),
        (word) => {
          expect(echo(word)).toBe(word);
        },
      ),
      { numRuns: 100 },
    );
  });
});
