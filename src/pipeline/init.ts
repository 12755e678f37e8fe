/**
 * `ecs-release init` (docs/init.md): reads what a cluster runs (read-only in AWS),
 * drafts the config file from it, checks the draft with the loader every command uses,
 * and writes it with the starter workflows and the release role's policy. Prints what
 * it found, what it guessed and why, and what is left to the person.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { releasePolicy } from '../aws/release-policy';
import { ConfigError } from '../config/errors';
import { loadConfig } from '../config/load';
import { DEFAULT_CONFIG_FILE, INPUTS } from '../config/names';
import { type DiscoverContext, discover, type Found } from '../discover';
import { type Draft, draftConfig } from '../discover/draft';
import { policyScope } from '../discover/scope';
import { existing, initFiles, writeFiles } from './init-files';
import { printDraft, printFound } from './init-report';

export interface InitOptions {
  region: string;
  cluster: string;
  services?: string[];
  force: boolean;
  /** Where `.github/` is written and build contexts are looked for. */
  workdir: string;
}

/**
 * The draft as `plan` would load it: the project's own schema and cross-checks. A
 * problem here is init's own bug; it is reported and nothing is written.
 */
export function validateDraft(text: string): string[] {
  try {
    loadConfig({
      inputs: { [INPUTS.command]: 'plan', [INPUTS.config]: DEFAULT_CONFIG_FILE },
      env: {},
      readFile: (path) => (path === DEFAULT_CONFIG_FILE ? text : undefined),
      gitHead: () => '0'.repeat(40),
    });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((p) => `${p.key}: ${p.message}`);
  }
}

function filesFor(found: Found, draft: Draft) {
  const host = found.front.hosts.find((h) => !h.includes('*'));
  return initFiles(draft.text, releasePolicy(policyScope(found, draft)), {
    region: found.region,
    ...(found.account ? { account: found.account } : {}),
    ...(host ? { host } : {}),
  });
}

/** 0 when the files were written; 1 when init refused (a file exists, the draft is invalid). */
export async function initProject(ctx: DiscoverContext, options: InitOptions): Promise<0 | 1> {
  // Checked first: a refusal reads nothing from AWS and writes nothing.
  const present = existing(options.workdir);
  if (present.length > 0 && !options.force) {
    ctx.log.error(
      `refusing to overwrite ${present.join(', ')}: pass --force to replace ${present.length === 1 ? 'it' : 'them'}; nothing was read or written`,
    );
    return 1;
  }
  const found = await ctx.log.group('Read the cluster', () =>
    discover(ctx, {
      region: options.region,
      cluster: options.cluster,
      ...(options.services ? { services: options.services } : {}),
    }),
  );
  printFound(ctx.log, found);
  const draft = draftConfig(found, (dir) => existsSync(join(options.workdir, dir, 'Dockerfile')));
  printDraft(ctx.log, draft);
  const problems = validateDraft(draft.text);
  if (problems.length > 0) {
    for (const p of problems) ctx.log.error(`the drafted config: ${p}`);
    ctx.log.error('init drafted a config its own loader refuses (a bug in init): nothing was written');
    return 1;
  }
  const files = filesFor(found, draft);
  writeFiles(options.workdir, files);
  for (const f of files)
    ctx.log.info(`wrote ${f.path}${present.includes(f.path) ? ' (replaced, --force)' : ''}`);
  ctx.log.info(
    `next: ecs-release plan --config ${DEFAULT_CONFIG_FILE} (read-only): it checks the written config against the account`,
  );
  return 0;
}
