import { expect } from 'vitest';
import type { ReleaseConfig } from '../../src/config/types';
import { PreflightError, runPreflight } from '../../src/preflight';
import type { Scenario } from '../engine/rolling/scenario';

/** Runs preflight, expecting it to refuse; asserts it changed nothing in AWS (it is read-only) and returns the refusal. */
export async function refused(s: Scenario, config: ReleaseConfig = s.config): Promise<PreflightError> {
  const error = await runPreflight(s.context(config)).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof PreflightError)) throw new Error(`expected a PreflightError, got ${String(error)}`);
  // Read-only: whatever preflight found, nothing in AWS changed.
  expect(s.lab.recorder.mutations()).toEqual([]);
  return error;
}
