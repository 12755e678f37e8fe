/** run() whole, as the action's entry calls it: exit code, outputs, saved state, summary. */
import { describe, expect, it } from 'vitest';
import { run } from '../../src/commands/run';
import type { Progress } from '../../src/post/progress';
import { scenario } from '../engine/rolling/scenario';
import { fakeRuntime } from '../support/runtime';

const progress = (state: Record<string, string>): Progress => JSON.parse(state.progress ?? '{}') as Progress;

describe('run() with a fake Runtime', () => {
  it('an AWS client that cannot be made fails the run: exit 1, outputs, done state, summary', async () => {
    const s = scenario();
    const rt = fakeRuntime(s, {
      aws: async () => {
        throw new Error('Could not load credentials from any providers');
      },
    });
    const outcome = await run(rt, { ...s.config, githubToken: 'ghs_secret-token' });

    expect(outcome.exitCode).toBe(1);
    expect(outcome.error).toBe('Could not load credentials from any providers');
    expect(rt.outputs).toEqual({ release: '', result: 'failed', images: '{}', 'task-definitions': '{}' });
    // Nothing in AWS had changed: the post step is told the run is over.
    expect(progress(rt.state)).toMatchObject({ phase: 'done', result: 'failed', cluster: 'demo' });
    expect(rt.summaries).toHaveLength(1);
    expect(rt.summaries[0]).toContain('Could not load credentials from any providers');
    expect(s.masked).toContain('ghs_secret-token');
  });

  it('a plan ends planned: exit 0, its outputs, no state for the post step', async () => {
    const s = scenario();
    const rt = fakeRuntime(s);
    const outcome = await run(rt, { ...s.config, command: 'plan' });

    expect(outcome.exitCode, outcome.error).toBe(0);
    expect(rt.outputs).toEqual({ release: '', result: 'planned', images: '{}', 'task-definitions': '{}' });
    expect(rt.state).toEqual({});
    expect(rt.summaries[0]).toContain('## ecs-release plan: :memo: planned (nothing changed)');
  });

  it('a summary that cannot be written is a warning, not a different outcome', async () => {
    const s = scenario();
    const rt = fakeRuntime(s, {
      writeSummary: async () => {
        throw new Error('EACCES: permission denied');
      },
    });
    const outcome = await run(rt, { ...s.config, command: 'plan' });

    expect(outcome.exitCode, outcome.error).toBe(0);
    expect(s.log.lines).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        message: 'could not write the job summary: EACCES: permission denied',
      }),
    );
  });
});
