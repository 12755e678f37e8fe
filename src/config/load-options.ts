/** What the loader reads: the raw inputs, the environment, the workspace's files and git. */
import type { InputName } from './names';

export type RawInputs = Partial<Record<InputName, string>>;

export interface LoadOptions {
  inputs: RawInputs;
  env: Readonly<Record<string, string | undefined>>;
  /** Contents of a file relative to the workspace, or undefined when it does not exist. */
  readFile(path: string): string | undefined;
  /** `git rev-parse HEAD`, or undefined outside a checkout. */
  gitHead(): string | undefined;
}
