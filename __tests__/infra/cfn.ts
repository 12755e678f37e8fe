/**
 * Reads a CloudFormation template the way CloudFormation would for one set of parameters:
 * short tags (`!Ref`, `!Sub`, `!GetAtt`, `!If`, ...) in long form, conditions decided,
 * `AWS::NoValue` dropped, parameters and pseudo parameters substituted. What only exists
 * once the stack does stays as a readable token: `<Ref X>`, `<GetAtt X.Attr>`.
 */
import { parse, type Tags } from 'yaml';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
// biome-ignore lint/suspicious/noExplicitAny: a resource's properties are free-form JSON, read by path in the checks.
export type Props = Record<string, any>;
export type Resource = { Type: string; Condition?: string; DependsOn?: string | string[]; Properties: Props };
export type Template = {
  Parameters?: Record<string, { Default?: string | number }>;
  Conditions?: Record<string, Json>;
  Resources: Record<string, Resource>;
  Outputs?: Record<string, Json>;
};

const INTRINSICS = ['Base64', 'Cidr', 'FindInMap', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub'];
const CONDITIONS = ['And', 'Equals', 'If', 'Not', 'Or'];

function longForm(tag: string, value: unknown): Json {
  if (tag === 'Ref' || tag === 'Condition') return { [tag]: value as Json };
  if (tag === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${tag}`]: value as Json };
}

/** CloudFormation's short tags, on scalars, sequences and mappings alike. */
export const CFN_TAGS: Tags = ['Ref', 'Condition', 'GetAtt', ...INTRINSICS, ...CONDITIONS].flatMap((name) => [
  { tag: `!${name}`, resolve: (value: string) => longForm(name, value) },
  {
    tag: `!${name}`,
    collection: 'seq' as const,
    resolve: (seq: { toJSON(): unknown }) => longForm(name, seq.toJSON()),
  },
  {
    tag: `!${name}`,
    collection: 'map' as const,
    resolve: (map: { toJSON(): unknown }) => longForm(name, map.toJSON()),
  },
]);

export function parseTemplate(text: string): Template {
  return parse(text, { customTags: CFN_TAGS, merge: false }) as Template;
}

const PSEUDO: Record<string, string> = {
  'AWS::AccountId': '111122223333',
  'AWS::Region': 'eu-west-1',
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'stack',
};
const NO_VALUE = Symbol('AWS::NoValue');

type Context = { params: Record<string, string>; conditions: Record<string, boolean>; template: Template };

function sub(text: string, vars: Record<string, Json>, ctx: Context): string {
  return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
    if (name in vars) {
      const v = resolveValue(vars[name] as Json, ctx);
      return typeof v === 'string' ? v : JSON.stringify(v);
    }
    if (name in ctx.params) return ctx.params[name] as string;
    if (name in PSEUDO) return PSEUDO[name] as string;
    return name.includes('.') ? `<GetAtt ${name}>` : `<Ref ${name}>`;
  });
}

function intrinsic(key: string, arg: Json, ctx: Context): Json | typeof NO_VALUE {
  if (key === 'Ref') {
    const name = arg as string;
    if (name === 'AWS::NoValue') return NO_VALUE;
    return ctx.params[name] ?? PSEUDO[name] ?? `<Ref ${name}>`;
  }
  if (key === 'Fn::GetAtt') return `<GetAtt ${(arg as string[]).join('.')}>`;
  if (key === 'Fn::If') {
    const [name, yes, no] = arg as [string, Json, Json];
    return resolveOrDrop(ctx.conditions[name] ? yes : no, ctx);
  }
  if (key === 'Fn::Sub') {
    const [text, vars] = typeof arg === 'string' ? [arg, {}] : (arg as [string, Record<string, Json>]);
    return sub(text, vars, ctx);
  }
  return { [key]: resolveValue(arg, ctx) };
}

function resolveOrDrop(value: Json, ctx: Context): Json | typeof NO_VALUE {
  if (Array.isArray(value))
    return value.map((v) => resolveOrDrop(v, ctx)).filter((v): v is Json => v !== NO_VALUE);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'Ref' || (keys[0] as string).startsWith('Fn::')))
    return intrinsic(keys[0] as string, value[keys[0] as string] as Json, ctx);
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(value)) {
    const r = resolveOrDrop(v, ctx);
    if (r !== NO_VALUE) out[k] = r;
  }
  return out;
}

function resolveValue(value: Json, ctx: Context): Json {
  const r = resolveOrDrop(value, ctx);
  return r === NO_VALUE ? null : r;
}

function condition(expr: Json, ctx: Context): boolean {
  const [key, arg] = Object.entries(expr as Record<string, Json>)[0] ?? [];
  const args = arg as Json[];
  if (key === 'Fn::Equals') return resolveValue(args[0] as Json, ctx) === resolveValue(args[1] as Json, ctx);
  if (key === 'Fn::And') return args.every((a) => condition(a, ctx));
  if (key === 'Fn::Or') return args.some((a) => condition(a, ctx));
  if (key === 'Fn::Not') return !condition(args[0] as Json, ctx);
  if (key === 'Condition') return condition(ctx.template.Conditions?.[arg as string] as Json, ctx);
  throw new Error(`condition ${key} is not understood`);
}

/** The template as CloudFormation would create it with these parameters (defaults for the rest). */
export function resolveTemplate(template: Template, given: Record<string, string>): Template {
  const params: Record<string, string> = {};
  for (const [name, p] of Object.entries(template.Parameters ?? {}))
    if (p.Default !== undefined) params[name] = String(p.Default);
  Object.assign(params, given);
  const ctx: Context = { params, conditions: {}, template };
  for (const [name, expr] of Object.entries(template.Conditions ?? {}))
    ctx.conditions[name] = condition(expr, ctx);
  const resources: Record<string, Resource> = {};
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Condition && !ctx.conditions[r.Condition]) continue;
    resources[id] = { ...r, Properties: resolveValue((r.Properties ?? {}) as Json, ctx) as Props };
  }
  return { ...template, Resources: resources };
}

/** The logical id a `<Ref X>` or `<GetAtt X.Attr>` token names. */
export function refId(token: unknown): string | undefined {
  return typeof token === 'string' ? /^<(?:Ref|GetAtt) ([^.>]+)/.exec(token)?.[1] : undefined;
}
