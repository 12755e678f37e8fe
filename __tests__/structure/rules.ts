/**
 * The code's shape, measured with the TypeScript compiler over src/: function
 * lengths and which folder imports which (the layers of docs/architecture.md).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export const SRC = resolve(__dirname, '../../src');

export function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

const parse = (file: string) =>
  ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);

/** Every function (declaration, method, arrow, expression) with its length in lines. */
export function functionLengths(file: string): { name: string; lines: number }[] {
  const source = parse(file);
  const out: { name: string; lines: number }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      out.push({ name: functionName(node), lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

function functionName(node: ts.Node): string {
  const named = node as { name?: ts.Node };
  if (named.name && ts.isIdentifier(named.name)) return named.name.text;
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  return '(anonymous)';
}

/** Relative imports (static and dynamic) of a file, resolved to paths under src/. */
export function importsOf(file: string): string[] {
  const source = parse(file);
  const specs: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier)
      specs.push((node.moduleSpecifier as ts.StringLiteral).text);
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteral(arg)) specs.push(arg.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specs.filter((s) => s.startsWith('.')).map((s) => relative(SRC, resolve(dirname(file), s)));
}

/**
 * Layers, highest first: entry → commands → engine and stages → record, aws, model → config.
 * runtime/ (clock, log, the injected context) sits beside record/aws/model: every stage gets it.
 */
const LAYERS: [number, RegExp][] = [
  [5, /^entry\/|^runtime\/cli-args$/],
  [4, /^(pipeline|commands)(\/|$)/],
  // `ecs-release init`'s reads of an account, and the drafts it writes (issue 22).
  [3, /^discover(\/|$)/],
  [3, /^(engine|gate|preflight|ground|images|render|migrate|database|post|report)(\/|$)/],
  [2, /^(record|aws|model|observe|registry|runtime)(\/|$)/],
  [1, /^config(\/|$)|^version$/],
];

export function layerOf(path: string): number {
  const p = path.replace(/\.ts$/, '');
  for (const [rank, re] of LAYERS) if (re.test(p)) return rank;
  throw new Error(`${path} belongs to no layer: add it to LAYERS in __tests__/structure/rules.ts`);
}

/** A relative import resolved to the file it loads (`x` → `x.ts` or `x/index.ts`), or undefined outside src/. */
function moduleFile(target: string, known: Set<string>): string | undefined {
  const bare = target.replace(/\.js$/, '');
  return [`${bare}.ts`, `${bare}/index.ts`, target].find((f) => known.has(f));
}

/**
 * Import circles over the given files (paths relative to src/), type-only imports
 * included: each strongly connected group of two or more files (or a file that
 * imports itself), sorted, by Tarjan's algorithm.
 */
export function importCycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const connect = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v) as number);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop() as string;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(group.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) connect(v);
  return cycles;
}

/** Which file under `root` imports which (names relative to `root`), relative imports only. */
export function importGraph(root = SRC): Map<string, string[]> {
  const names = sourceFiles(root).map((f) => relative(root, f));
  const known = new Set(names);
  return new Map(
    names.map((name) => {
      const specs = importsOf(join(root, name)).map((t) => relative(root, resolve(SRC, t)));
      return [name, specs.map((t) => moduleFile(t, known)).filter((t): t is string => t !== undefined)];
    }),
  );
}

export const REPO = resolve(SRC, '..');

/** Documents kept outside the repository, by name: no reader of the repository can open them. */
const OUTSIDE_NAMES = /\b(SPEC(\.md)?|AWS-BEHAVIOUR(\.md)?|MACHINE-NOTES(\.md)?)\b/g;
/** The same, plus any path into the shared folder they live in. */
const OUTSIDE_DOCUMENTS = new RegExp(`${OUTSIDE_NAMES.source}|\\bshared\\/`, 'g');
const MARKDOWN_PATH = /[\w./-]*[\w-]\.md\b/g;

/** `file:line match` for each distinct match `find` reports on each line of `files`, named relative to `root`. */
function mentions(root: string, files: readonly string[], find: (line: string) => string[]): string[] {
  return files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) => [...new Set(find(line))].map((m) => `${relative(root, file)}:${i + 1} ${m}`)),
  );
}

/**
 * Mentions, in every file under `root` (code and comments alike), of a document a
 * reader of the repository cannot open: the ones kept outside it, and any `*.md`
 * path that exists neither from the repository's root nor under docs/.
 */
export function missingDocuments(root = SRC, repo = REPO): string[] {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
    );
  const exists = (p: string) => [join(repo, p), join(repo, 'docs', p)].some((f) => existsSync(f));
  return mentions(root, files(root), (line) => [
    ...[...line.matchAll(OUTSIDE_DOCUMENTS)].map((m) => m[0]),
    ...[...line.matchAll(MARKDOWN_PATH)].map((m) => m[0]).filter((p) => !exists(p)),
  ]);
}

/**
 * The repository's tracked text files (`git ls-files`), without dist/ (built),
 * node_modules and the two files that define this check and plant its fixtures.
 */
export function trackedTextFiles(repo = REPO): string[] {
  const skipped = /^(dist|node_modules)\/|^__tests__\/structure\/(rules|structure\.test)\.ts$/;
  return execFileSync('git', ['ls-files', '-z'], { cwd: repo, encoding: 'utf8' })
    .split('\0')
    .filter((name) => name !== '' && !skipped.test(name))
    .map((name) => join(repo, name))
    .filter((file) => existsSync(file) && !readFileSync(file).includes(0));
}

/**
 * Mentions by name, anywhere in the repository's tracked text, of the documents kept
 * outside it: docs/ is what a reader of the repository has, so that is what to cite.
 * Paths into `shared/` are src/'s rule only: the bench reads its baseline, the AWS
 * action's bundle, from ../shared/anchors, which it never copies into the repository.
 */
export function outsideDocuments(repo = REPO, files = trackedTextFiles(repo)): string[] {
  return mentions(repo, files, (line) => [...line.matchAll(OUTSIDE_NAMES)].map((m) => m[0]));
}
