export interface Problem {
  /** Where: `input "bake-time"` or `.github/ecs-release.yml: gate.bake-time`. */
  key: string;
  message: string;
}

/** Every configuration problem at once, each naming its key. */
export class ConfigError extends Error {
  constructor(readonly problems: Problem[]) {
    super(
      `The configuration has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems
        .map((p) => `  - ${p.key}: ${p.message}`)
        .join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}
