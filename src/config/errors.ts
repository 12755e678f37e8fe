export interface Problem {
  /** Where: `input "bake-time"` or `.github/ecs-release.yml: gate.bake-time`. */
  key: string;
  message: string;
  /** Found in the config file: the file as the configuration names it, for an annotation. */
  file?: string;
  /** The problem's line in `file` (1-based), when the YAML places it. */
  line?: number;
}

/** Enough to fix in one go; more (a file of 40,000 repeated keys) would bury the first ones. */
export const SHOWN_PROBLEMS = 20;

/** The problems to print: the first SHOWN_PROBLEMS, then one line that counts the rest. */
export function shownProblems(problems: readonly Problem[]): Problem[] {
  if (problems.length <= SHOWN_PROBLEMS) return [...problems];
  const rest = problems.length - SHOWN_PROBLEMS;
  return [
    ...problems.slice(0, SHOWN_PROBLEMS),
    {
      key: '(and more)',
      message: `${rest} more problem${rest === 1 ? '' : 's'} not listed: fix these first`,
    },
  ];
}

/** Every configuration problem at once, each naming its key. */
export class ConfigError extends Error {
  constructor(readonly problems: Problem[]) {
    super(
      `The configuration has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${shownProblems(
        problems,
      )
        .map((p) => `  - ${p.key}: ${p.message}`)
        .join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}
