// Builds dist/ with ncc: one CommonJS bundle per entry (MACHINE-NOTES: an ESM
// bundle with dockerode breaks on __dirname). Output is deterministic, and .ci/run
// fails when the committed dist/ differs from what this produces.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ncc from '@vercel/ncc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const entries = { index: 'src/index.ts', post: 'src/post.ts' };

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const versionFile = join(root, 'src/version.ts');
const versionSource = readFileSync(versionFile, 'utf8');
const wanted = versionSource.replace(/VERSION = '[^']*'/, `VERSION = '${pkg.version}'`);
if (wanted !== versionSource) writeFileSync(versionFile, wanted);

rmSync(dist, { recursive: true, force: true });
for (const [name, entry] of Object.entries(entries)) {
  const out = name === 'index' ? dist : join(dist, name);
  const { code, assets } = await ncc(join(root, entry), {
    minify: false,
    sourceMap: false,
    license: 'licenses.txt',
    quiet: true,
    target: 'es2022',
  });
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'index.js'), code);
  for (const [file, asset] of Object.entries(assets)) {
    mkdirSync(dirname(join(out, file)), { recursive: true });
    writeFileSync(join(out, file), asset.source);
  }
}
