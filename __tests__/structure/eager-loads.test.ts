/**
 * docs/targets.md: load only what a command needs. The first log line (run()'s start line)
 * needs only the entry, the configuration and the runtime. The bundler puts every module that the entry reaches
 * through static imports (and `require` calls, which it resolves the same way) in the
 * chunks loaded before that line; so that set must hold no package a later stage needs.
 * The chunks themselves are checked in __tests__/e2e/first-line.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { SRC } from './rules';

/** The main step's entry, and commands/run.ts: the one dynamic import before the first line (it holds run()). */
const FIRST_LINE_ENTRIES = ['entry/main.ts', 'commands/run.ts'];
const ALLOWED_PACKAGES = ['zod', 'yaml'];

/** What a module needs loaded at once: runtime imports and re-exports, and `require` calls. */
function eagerSpecifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const specs: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && !typeOnlyImport(node))
      specs.push((node.moduleSpecifier as ts.StringLiteral).text);
    if (ts.isExportDeclaration(node) && node.moduleSpecifier && !node.isTypeOnly)
      specs.push((node.moduleSpecifier as ts.StringLiteral).text);
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'require') {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteral(arg)) specs.push(arg.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specs;
}

function typeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false;
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return (
    !clause.name &&
    named !== undefined &&
    ts.isNamedImports(named) &&
    named.elements.every((e) => e.isTypeOnly)
  );
}

function resolveLocal(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  return [base, `${base}.ts`, join(base, 'index.ts')].find((p) => existsSync(p) && p.endsWith('.ts'));
}

/** Every src module and package the given entries load eagerly. */
function eagerClosure(entries: string[]): { modules: string[]; packages: string[] } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const queue = entries.map((e) => join(SRC, e));
  for (let file = queue.pop(); file; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of eagerSpecifiers(file)) {
      if (spec.startsWith('.')) {
        const local = resolveLocal(file, spec);
        if (local) queue.push(local);
      } else if (!spec.startsWith('node:')) {
        packages.add(
          spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec),
        );
      }
    }
  }
  return { modules: [...seen].map((f) => relative(SRC, f)).sort(), packages: [...packages].sort() };
}

describe('the first log line', () => {
  it('loads no package beyond zod and yaml, and none of the stages', () => {
    const { modules, packages } = eagerClosure(FIRST_LINE_ENTRIES);
    expect(packages.filter((p) => !ALLOWED_PACKAGES.includes(p))).toEqual([]);
    // aws/arn.ts (a pure helper the summary uses) may come along; the clients may not.
    const stages = ['pipeline', 'preflight', 'images', 'render', 'migrate', 'rollout', 'rollback', 'gate'];
    expect(modules.filter((m) => stages.includes(m.split('/')[0] ?? '') || m === 'aws/clients.ts')).toEqual(
      [],
    );
    expect(modules).toContain('commands/run.ts');
  });

  it('the walk does see the SDK, Docker and Octokit where a later stage loads them', () => {
    expect(eagerClosure(['pipeline/deploy.ts']).packages).toEqual(
      expect.arrayContaining(['@aws-sdk/client-ecs', '@aws-sdk/client-ecr']),
    );
    // `require` in a function is still bundled with its module: the walk counts it.
    expect(eagerClosure(['aws/clients.ts']).packages).toContain('@aws-sdk/client-rds');
  });
});

describe('a command', () => {
  it('loads the Docker client, gRPC, Octokit and Secrets Manager only when a stage uses them', () => {
    const later = ['dockerode', '@grpc/grpc-js', '@actions/github', '@aws-sdk/client-secrets-manager'];
    for (const command of ['commands', 'deploy', 'rollback/index', 'plan', 'history']) {
      const { packages } = eagerClosure([`pipeline/${command}.ts`]);
      expect(
        packages.filter((p) => later.includes(p)),
        command,
      ).toEqual([]);
    }
  });

  it('loads only its own command: the dispatcher holds no stage, history no image or migration code', () => {
    const dispatcher = eagerClosure(['pipeline/commands.ts']);
    expect(
      dispatcher.modules.filter((m) =>
        /^(engine|preflight|images|render|migrate|database|rollout|gate)\//.test(m),
      ),
    ).toEqual([]);
    const history = eagerClosure(['pipeline/history.ts']);
    expect(history.modules.filter((m) => /^(images|migrate|database)\//.test(m))).toEqual([]);
  });

  it('a task-mode migration holds the ECS and CloudWatch Logs clients alone (the 100,000-line stream)', () => {
    expect(eagerClosure(['migrate/index.ts']).packages).toEqual([
      '@aws-sdk/client-cloudwatch-logs',
      '@aws-sdk/client-ecs',
    ]);
  });
});
