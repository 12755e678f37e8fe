// Build the static site: src/ -> OUT/ with a content-hashed app bundle (cache busting).
// Deterministic (no timestamps), so an unchanged source gives an identical layer.
// usage: node build.mjs SRC_DIR OUT_DIR
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [src = 'src', out = 'out'] = process.argv.slice(2);
// strip full-line comments and blank lines: a stand-in for a real minifier
const js = readFileSync(join(src, 'app.js'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.trim().startsWith('//'))
  .map((line) => line.trim())
  .join('\n');
const hash = createHash('sha256').update(js).digest('hex').slice(0, 12);
const appName = `app.${hash}.js`;
const html = readFileSync(join(src, 'index.html'), 'utf8')
  .replaceAll('__APP_JS__', `/${appName}`)
  .replaceAll('__BUILD_ID__', hash);

mkdirSync(out, { recursive: true });
writeFileSync(join(out, appName), `${js}\n`);
writeFileSync(join(out, 'index.html'), html);
writeFileSync(
  join(out, 'build.json'),
  `${JSON.stringify({ build: hash, files: ['index.html', appName] })}\n`,
);
console.log(`built ${out}/index.html and ${out}/${appName}`);
