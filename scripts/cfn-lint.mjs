// Lints every CloudFormation template under infra/ with cfn-lint, AWS's CloudFormation
// linter. It is a Python tool: on this project's machines it comes with the Python tool
// set (like moto), not from npm. Where cfn-lint's resource specification predates a
// property the templates use, the template suppresses exactly that rule on that resource
// (Metadata cfn-lint ignore_checks, with a comment): nothing is suppressed here.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const version = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
if (version.error || version.status !== 0) {
  const why = version.error ? version.error.message : (version.stderr || version.stdout).trim();
  console.error(
    `cfn-lint is missing (${why}).\n` +
      'It is AWS\'s CloudFormation linter, a Python tool: install it with "pip install cfn-lint" ' +
      '(or pipx install cfn-lint) and run this again. infra/ is not checked without it.',
  );
  process.exit(1);
}
const templates = readdirSync('infra')
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => join('infra', f));
console.log(`${version.stdout.trim()} on ${templates.join(', ')}`);
const run = spawnSync('cfn-lint', ['--', ...templates], { stdio: 'inherit' });
if (run.status !== 0) {
  console.error(`cfn-lint: findings above (exit ${run.status ?? run.signal})`);
  process.exit(1);
}
console.log(`cfn-lint: ${templates.length} templates, no findings`);
