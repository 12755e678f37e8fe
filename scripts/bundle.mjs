// Builds dist/ with ncc: one CommonJS bundle (docs/cli.md: an ESM bundle with
// dockerode breaks on __dirname) whose entry starts the main or the post step, so
// both share one set of chunks. Output is deterministic, and .ci/run fails when the
// committed dist/ differs from what this produces.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ncc from '@vercel/ncc';
import { transform } from 'esbuild';
import { actionInputsJson } from './action-inputs.mjs';
import { starterWorkflowsJson } from './starter-workflows.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const versionFile = join(root, 'src/version.ts');
const versionSource = readFileSync(versionFile, 'utf8');
const wanted = versionSource.replace(/VERSION = '[^']*'/, `VERSION = '${pkg.version}'`);
if (wanted !== versionSource) writeFileSync(versionFile, wanted);

// The CLI's flags are action.yml's inputs: generated here so --help never restates them.
const inputsFile = join(root, 'src/runtime/action-inputs.json');
const inputsJson = actionInputsJson(readFileSync(join(root, 'action.yml'), 'utf8'));
if (!existsSync(inputsFile) || inputsJson !== readFileSync(inputsFile, 'utf8'))
  writeFileSync(inputsFile, inputsJson);

// `ecs-release init` writes the starter workflows: carried in the bundle, generated from workflows/.
const startersFile = join(root, 'src/pipeline/starter-workflows.json');
const startersJson = starterWorkflowsJson(join(root, 'workflows'));
if (!existsSync(startersFile) || startersJson !== readFileSync(startersFile, 'utf8'))
  writeFileSync(startersFile, startersJson);

// Minified with names kept, so a stack trace of an internal bug still names functions;
// legal comments go to licenses.txt, which ncc writes.
async function minify(code) {
  const out = await transform(code, {
    minify: true,
    keepNames: true,
    legalComments: 'none',
    target: 'es2022',
    format: 'cjs',
    platform: 'node',
  });
  return out.code;
}

// ssh2 (docker-modem's Docker-over-SSH transport, with asn1, bcrypt-pbkdf and the
// optional native cpu-features) stays out of the bundle: ecs-release talks to a unix://
// or tcp:// DOCKER_HOST only (src/entry/main.ts refuses ssh://). ncc
// exposes no resolver alias or plugin, but its `externals` maps a request to what the
// bundle require()s at run time: ssh2 becomes ./ssh2-unsupported.js beside the chunks,
// a stub whose Client throws "Docker over SSH is not supported"
// (scripts/ssh2-unsupported.cjs). docker-modem require()s ssh2 when it loads, so the
// stub must exist; it throws only if asked to dial. Rejected: package.json `overrides`
// (changes every install and the lockfile, not just the bundle) and tsconfig `paths`,
// which ncc honours but tsc would too, retargeting ssh2's types. ssh2 also has install
// scripts whose output (cpu-features' addon) changed the bundle: without it, dist/ is
// the same whether or not they ran (scripts/dist-reproducible.mjs checks).
const SSH2_STUB = 'ssh2-unsupported.js';

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'post'), { recursive: true });
const { code, assets } = await ncc(join(root, 'scripts/bundle-entry.ts'), {
  externals: { ssh2: `./${SSH2_STUB}` },
  minify: false,
  sourceMap: false,
  license: 'licenses.txt',
  quiet: true,
  target: 'es2022',
});
writeFileSync(join(dist, 'index.js'), await minify(code));
// Only the chunks and the licenses: no code path loads ncc's other assets (gRPC's
// .proto trees); the image build encodes its protobuf messages itself.
for (const [file, asset] of Object.entries(assets)) {
  if (file.endsWith('.index.js')) writeFileSync(join(dist, file), await minify(String(asset.source)));
  else if (file === 'licenses.txt') writeFileSync(join(dist, file), asset.source);
}
copyFileSync(join(root, 'scripts/ssh2-unsupported.cjs'), join(dist, SSH2_STUB));
writeFileSync(
  join(dist, 'post/index.js'),
  "'use strict';\n// The post step: the shared bundle, told which step to run.\nglobalThis.ecsReleaseStep = 'post';\nrequire('../index.js');\n",
);
