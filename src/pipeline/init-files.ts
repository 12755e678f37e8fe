/**
 * The files `ecs-release init` writes (docs/init.md "Files"): the config, the starter
 * workflows with this account's region, account id and first host filled in, and the
 * release role's policy. Never over an existing file without --force: every file is
 * checked first, so a refusal writes nothing.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PolicyDocument } from '../aws/release-policy';
import { DEFAULT_CONFIG_FILE } from '../config/names';
import STARTERS from './starter-workflows.json';

export const POLICY_FILE = '.github/ecs-release-policy.json';

export interface InitFile {
  /** Relative to the workspace. */
  path: string;
  text: string;
}

/** What the starters hold as examples, replaced by what init found. */
export interface StarterValues {
  region: string;
  account?: string;
  host?: string;
}

/**
 * promote.yml is the other way to release a push to main (staging, then production from
 * staging's images): written beside deploy.yml, both would release every push. init writes
 * deploy.yml; "left to you" names promote.yml (docs/promotion.md).
 */
const ALTERNATIVES = new Set(['promote.yml']);

/** The starters init writes, by file name. */
const written = (): [string, string][] =>
  Object.entries(STARTERS as Record<string, string>).filter(([name]) => !ALTERNATIVES.has(name));

export function starterWorkflows(values: StarterValues): InitFile[] {
  return written().map(([name, text]) => {
    let out = text.replace(/aws-region: eu-west-1/g, `aws-region: ${values.region}`);
    if (values.account) out = out.replace(/111122223333/g, values.account);
    if (values.host) out = out.replace(/app\.example\.com/g, values.host);
    return { path: `.github/workflows/${name}`, text: out };
  });
}

export function initFiles(config: string, policy: PolicyDocument, starters: StarterValues): InitFile[] {
  return [
    { path: DEFAULT_CONFIG_FILE, text: config },
    ...starterWorkflows(starters),
    { path: POLICY_FILE, text: `${JSON.stringify(policy, null, 2)}\n` },
  ];
}

/** Where init writes, known before anything is read. */
export function initPaths(): string[] {
  return [DEFAULT_CONFIG_FILE, ...written().map(([name]) => `.github/workflows/${name}`), POLICY_FILE];
}

/** The files that exist already: init refuses to replace them without --force. */
export function existing(workdir: string): string[] {
  return initPaths().filter((path) => existsSync(join(workdir, path)));
}

export function writeFiles(workdir: string, files: readonly InitFile[]): void {
  for (const f of files) {
    const path = join(workdir, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.text);
  }
}
