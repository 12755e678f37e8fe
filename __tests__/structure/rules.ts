/**
 * The code's shape, measured with the TypeScript compiler over src/: function
 * lengths and which folder imports which (the layers of docs/architecture.md).
 */
import { readdirSync, readFileSync } from 'node:fs';
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
  [5, /^(main|post|index|action)$|^runtime\/(action-runtime|actions-logger|cli-args)$/],
  [4, /^(pipeline|commands)(\/|$)/],
  [3, /^(engine|rollout|rollback|gate|preflight|ground|images|render|migrate|database|post|report)(\/|$)/],
  [2, /^(record|aws|model|runtime)(\/|$)/],
  [1, /^config(\/|$)|^version$/],
];

export function layerOf(path: string): number {
  const p = path.replace(/\.ts$/, '');
  for (const [rank, re] of LAYERS) if (re.test(p)) return rank;
  throw new Error(`${path} belongs to no layer: add it to LAYERS in __tests__/structure/rules.ts`);
}
