import type { StaleRelease } from '../model/contracts';

/** What preflight found: problems stop the run, warnings are printed and the run goes on. */
export interface Findings {
  problems: string[];
  warnings: string[];
  /** Releases without an outcome whose run is over: the command marks them `abandoned` once it holds the claim. */
  stale?: StaleRelease[];
}

export function newFindings(): Findings {
  return { problems: [], warnings: [] };
}

export { errorText } from '../aws/errors';

/** Every problem at once, so one run shows the user everything to fix. */
export class PreflightError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    const n = problems.length;
    super(
      `Preflight found ${n} problem${n === 1 ? '' : 's'}; nothing was changed in AWS:\n${problems
        .map((p) => `  - ${p}`)
        .join('\n')}`,
    );
    this.name = 'PreflightError';
    this.problems = problems;
  }
}
