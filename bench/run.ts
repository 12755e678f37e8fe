/**
 * `npm run bench`: every figure of docs/targets.md with its baseline measured in
 * the same run, printed as the README's Markdown table and (a full run)
 * written to bench/results.md. Rows that need the lab (re-run, images) are skipped with a
 * notice when it is not up; the images row runs last (it builds on the shared
 * engine, and removes only its own build cache).
 *
 *   npm run bench [-- --quick] [-- --only watch,failures,startup,refusal,dist,memory,builtin,ground,rerun,images,promotion]
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Row, rowsTable } from './lib/stats';
import {
  builtInRows,
  distRows,
  failureRows,
  groundRows,
  imagesRows,
  memoryRows,
  promotionRows,
  type RowOptions,
  refusalRows,
  rerunRows,
  startupRows,
  watchRows,
} from './rows';

// Before any SDK module loads (they load lazily): its Node 20 notice is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const GROUPS: Record<string, (o: RowOptions) => Promise<Row[]>> = {
  watch: watchRows,
  failures: failureRows,
  startup: startupRows,
  refusal: refusalRows,
  dist: distRows,
  memory: memoryRows,
  builtin: builtInRows,
  ground: groundRows,
  rerun: rerunRows,
  images: imagesRows,
  promotion: promotionRows,
};

function chosen(argv: string[]): string[] {
  const i = argv.indexOf('--only');
  if (i < 0) return Object.keys(GROUPS);
  const names = (argv[i + 1] ?? '').split(',').filter(Boolean);
  const unknown = names.filter((n) => !(n in GROUPS));
  if (names.length === 0 || unknown.length > 0)
    throw new Error(`--only takes one or more of ${Object.keys(GROUPS).join(', ')} (comma-separated)`);
  return Object.keys(GROUPS).filter((n) => names.includes(n));
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const names = chosen(argv);
  const quick = argv.includes('--quick');
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  const started = Date.now();
  const rows: Row[] = [];
  for (const name of names) {
    const t = Date.now();
    rows.push(...(await (GROUPS[name] as (o: RowOptions) => Promise<Row[]>)({ quick, progress })));
    progress(`${name}: ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }
  const stamp = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const text = [
    `Measured ${stamp} UTC with \`npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}\``,
    `(Node ${process.version}, ${((Date.now() - started) / 1000).toFixed(0)} s in all):`,
    '',
    rowsTable(rows),
    '',
  ].join('\n');
  process.stdout.write(`\n${text}`);
  // results.md is the record of a full run (the README quotes it): a partial one leaves it alone.
  if (argv.length === 0) writeFileSync(join(__dirname, 'results.md'), text);
  else progress('partial run (--only/--quick): bench/results.md left as it was');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
