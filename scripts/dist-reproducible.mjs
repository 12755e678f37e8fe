// dist/ must be the same bytes whether or not npm's install scripts ran: a runner, a
// contributor with `--ignore-scripts`, or a hardened CI would otherwise each produce a
// different bundle, and "dist/ matches the sources" would depend on the machine.
//
// Builds the bundle from a copy of the working tree whose dependencies come from
// `npm ci --ignore-scripts` (from the npm cache), and compares it byte for byte with a
// bundle built where the install scripts did run:
//   --reference dist   (default) the repository's dist/, as .ci/run's bundle step has
//                      just built it from its own `npm ci` and checked it is committed;
//   --reference build  a bundle built now from a copy of the working tree whose
//                      node_modules hard-links the repository's (for a worktree whose
//                      dist/ is stale or whose node_modules is a symlink: webpack's
//                      module ids are paths, so a symlinked node_modules renames chunks).
// Slow (an npm ci and one or two bundles, minutes on a busy machine): a .ci/run step,
// not a unit test. Exit 1 names every file that differs.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const reference = args.length === 0 ? 'dist' : args[0] === '--reference' && args.length === 2 ? args[1] : '';
if (!['dist', 'build'].includes(reference)) {
  console.error('usage: node scripts/dist-reproducible.mjs [--reference dist|build]');
  process.exit(2);
}
const started = Date.now();
const elapsed = () => `${Math.round((Date.now() - started) / 1000)}s`;
const run = (cmd, argv, cwd) => execFileSync(cmd, argv, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });

/** The working tree's files (tracked and new, not ignored), without dist/. */
function sources() {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  });
  return out
    .split('\0')
    .filter((f) => f !== '' && !/^(dist|node_modules)(\/|$)/.test(f) && existsSync(join(root, f)));
}

function copyTree(into) {
  for (const file of sources()) {
    mkdirSync(dirname(join(into, file)), { recursive: true });
    copyFileSync(join(root, file), join(into, file));
  }
}

function files(dir, base = dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return lstatSync(path).isDirectory() ? files(path, base) : [relative(base, path)];
  });
}

/**
 * Whether npm ran the install scripts there: esbuild's postinstall replaces its
 * JavaScript launcher (`#!/usr/bin/env node`) with the native binary, on every
 * platform and without a compiler, unlike the native addons' builds.
 */
function scriptsRan(nodeModules) {
  const launcher = readFileSync(join(nodeModules, 'esbuild/bin/esbuild')).subarray(0, 2);
  return launcher.toString('latin1') !== '#!';
}

// The reference must come from an install whose scripts ran, at this tree's paths:
// checked before the slow part.
const modules = realpathSync(join(root, 'node_modules'));
if (!scriptsRan(modules)) {
  console.error(`${modules}: the install scripts did not run there, so the comparison would prove nothing`);
  process.exit(1);
}
if (reference === 'dist' && lstatSync(join(root, 'node_modules')).isSymbolicLink()) {
  console.error('node_modules is a symlink, so dist/ has other chunk names: use --reference build');
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'ecs-release-dist-'));
try {
  const bare = join(work, 'ignore-scripts');
  copyTree(bare);
  run('npm', ['ci', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], bare);
  if (scriptsRan(join(bare, 'node_modules')))
    throw new Error('npm ci --ignore-scripts ran the install scripts');
  run('node', ['scripts/bundle.mjs'], bare);
  console.log(`bundled from npm ci --ignore-scripts (${elapsed()})`);

  let expected = join(root, 'dist');
  if (reference === 'build') {
    const full = join(work, 'with-scripts');
    copyTree(full);
    run('cp', ['-al', modules, join(full, 'node_modules')], root);
    run('node', ['scripts/bundle.mjs'], full);
    expected = join(full, 'dist');
    console.log(`bundled from the repository's node_modules, install scripts run (${elapsed()})`);
  }

  const got = files(join(bare, 'dist')).sort();
  const want = files(expected).sort();
  const differ = [...new Set([...got, ...want])].filter((f) => {
    if (!got.includes(f) || !want.includes(f)) return true;
    return !readFileSync(join(bare, 'dist', f)).equals(readFileSync(join(expected, f)));
  });
  if (differ.length > 0) {
    console.error(`dist/ depends on whether install scripts ran; these files differ: ${differ.join(', ')}`);
    process.exitCode = 1;
  } else {
    console.log(`dist/ is the same with and without install scripts: ${want.length} files (${elapsed()})`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
