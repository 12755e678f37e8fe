/**
 * The environment a runner-mode migration starts from (docs/security.md, "The
 * migration's environment"): an allowlist, because the migration tool and every
 * package it loads run with whatever it is given. The action's own environment holds
 * the AWS credentials, the OIDC request token (which mints new tokens for the deploy
 * role), the runtime token and the GitHub token (INPUT_GITHUB-TOKEN).
 */

/** Passed as is when set. */
const FIXED = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'TMPDIR',
  'TZ',
  'TERM',
  'LANG',
  'LANGUAGE',
  'CI',
  'RUNNER_OS',
  'RUNNER_ARCH',
  'RUNNER_NAME',
  'RUNNER_TOOL_CACHE',
  'RUNNER_WORKSPACE',
  'RUNNER_DEBUG',
]);

/**
 * Variables that are not allowed: the token, and the runner's file commands, the
 * files through which a step changes later steps (GITHUB_ENV could set NODE_OPTIONS
 * for the next step, GITHUB_PATH could shadow `git`), and RUNNER_TEMP, the directory
 * that holds them: a migration has no business writing them. Hygiene, not isolation:
 * the migration still runs as the runner's user (docs/security.md).
 */
const DENIED = new Set([
  'GITHUB_TOKEN',
  'GITHUB_ENV',
  'GITHUB_PATH',
  'GITHUB_OUTPUT',
  'GITHUB_STATE',
  'GITHUB_STEP_SUMMARY',
  'RUNNER_TEMP',
]);

/** Never passed, not even when `migrations.env` names them. */
const NEVER = [
  /^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|SECURITY_TOKEN|CREDENTIAL_EXPIRATION)$/,
  /^AWS_(WEB_IDENTITY_TOKEN_FILE|ROLE_ARN|ROLE_SESSION_NAME|PROFILE|SHARED_CREDENTIALS_FILE|CONFIG_FILE)$/,
  /^AWS_CONTAINER_/,
  /^ACTIONS_/,
  /^INPUT_/,
  /^STATE_/,
];

/**
 * Variables that make a program load or run code other than its own: the dynamic
 * loader's (LD_*, DYLD_*), shell start-up files and exported functions, and the
 * interpreters' start-up, option and module search path variables (docs/security.md,
 * "The migration's environment"). A migration that needs one sets it in its command,
 * where a reviewer sees it.
 */
const LOADERS = [
  /^(LD|DYLD)_/,
  /^BASH_FUNC_/,
  /^(BASH_ENV|ENV|SHELLOPTS|BASHOPTS|PS4|PROMPT_COMMAND|ZDOTDIR|IFS)$/,
  /^(NODE_OPTIONS|NODE_PATH)$/,
  /^(PYTHONSTARTUP|PYTHONPATH|PYTHONHOME|PYTHONINSPECT|PYTHONWARNINGS)$/,
  /^(PERL5OPT|PERL5LIB|PERLLIB|PERL5DB)$/,
  /^(RUBYOPT|RUBYLIB)$/,
  /^(JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JDK_JAVA_OPTIONS)$/,
  /^GCONV_PATH$/,
];

/** Why a name may not be passed to the migration, or undefined when it may. */
export function refusedMigrationEnvName(name: string): string | undefined {
  if (NEVER.some((re) => re.test(name)) || DENIED.has(name)) {
    return `"${name}" is never passed to a migration: it holds the run's credentials or tokens, or changes later steps`;
  }
  if (LOADERS.some((re) => re.test(name))) {
    return `"${name}" is never passed to a migration: it makes a program load other code (a preloaded library, a start-up file, a module path); set it in migrations.command if the migration needs it`;
  }
  return undefined;
}

function allowedByDefault(name: string): boolean {
  if (FIXED.has(name) || name.startsWith('LC_')) return true;
  return name.startsWith('GITHUB_') && !DENIED.has(name);
}

/** The allowlisted part of `env`, plus the names the user listed in `migrations.env`. */
export function migrationEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  extra: readonly string[],
): Record<string, string> {
  const wanted = new Set(extra);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || refusedMigrationEnvName(name)) continue;
    if (allowedByDefault(name) || wanted.has(name)) out[name] = value;
  }
  return out;
}
