/**
 * The config file's YAML, read within bounds (docs/config.md, "Bounds"): one document,
 * nesting of at most 32 levels (aliases included), no key set twice, no key
 * `__proto__`, no key that is a mapping or a list. The `yaml` library's own
 * `uniqueKeys` compares each key with every earlier key of its mapping (quadratic: an
 * 85,000-key file took a minute) and its composer recurses once per level (1,000
 * levels overflow the stack), so the nesting is measured on the parser's tokens first
 * (the parser keeps its own stack) and the keys are checked with one Map per mapping.
 */
import {
  Composer,
  type CST,
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  Parser,
  type YAMLMap,
} from 'yaml';
import { escapeControl } from './bounds';
import type { Problem } from './errors';

/** Deeper than any real config needs (the deepest key today is 5 levels down). */
export const MAX_DEPTH = 32;

/**
 * Problems go in `problems`; `where` is the path inside the file, empty for the file
 * itself; `offset`, where the YAML places the problem (for the annotation's line).
 */
type Report = (where: string, message: string, offset?: number) => void;

/**
 * The file's YAML as a plain value, or undefined after recording why it cannot be
 * one. Linear in the file's size.
 */
export function parseConfigYaml(text: string, path: string, problems: Problem[]): unknown {
  const lines = new LineCounter();
  const tokens = [...new Parser(lines.addNewLine).parse(text)];
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return `line ${line}, column ${col}`;
  };
  const report: Report = (where, message, offset) =>
    problems.push({
      key: where ? `${path}: ${where}` : path,
      message,
      file: path,
      ...(offset === undefined ? {} : { line: lines.linePos(offset).line }),
    });
  const documents = tokens.filter((token) => token.type === 'document');
  const second = documents[1];
  if (second) {
    report(
      '',
      `holds ${documents.length} YAML documents (the second starts at ${at(second.offset)}): a config file is one document; remove the "---" that starts the second`,
      second.offset,
    );
    return undefined;
  }
  const deep = tokens.map((token) => tooDeep(token, 0)).find((token) => token !== undefined);
  if (deep) {
    report('', `nests deeper than ${MAX_DEPTH} levels (at ${at(deep.offset)})`, deep.offset);
    return undefined;
  }
  const composer = new Composer({ uniqueKeys: false, logLevel: 'silent' });
  const document = [...composer.compose(tokens, true, text.length)][0];
  if (!document) return {};
  const error = [...document.errors, ...document.warnings][0];
  if (error) {
    report('', `is not valid YAML: ${error.message.split('\n')[0]} at ${at(error.pos[0])}`, error.pos[0]);
    return undefined;
  }
  if (!keysHold(document, report, at)) return undefined;
  return document.toJS({ maxAliasCount: 100 }) ?? {};
}

type Item = { key?: CST.Token | null; value?: CST.Token };

/** The first collection nested deeper than MAX_DEPTH under `token` (`level` collections enclose it). */
function tooDeep(token: CST.Token | null | undefined, level: number): CST.Token | undefined {
  if (!token) return undefined;
  if (token.type === 'document') return tooDeep(token.value, level);
  if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') {
    return undefined;
  }
  if (level === MAX_DEPTH) return token;
  for (const item of token.items as Item[]) {
    const found = tooDeep(item.key, level + 1) ?? tooDeep(item.value, level + 1);
    if (found) return found;
  }
  return undefined;
}

interface Walk {
  /** The latest node of each anchor so far, in document order (an alias means the latest before it). */
  anchors: Map<string, Node>;
  /** Each collection's height through aliases, computed once: an alias costs a look-up, not a walk. */
  heights: Map<Node, number>;
  /** Collections being walked: an alias to one of them is a cycle. */
  open: Set<Node>;
  report: Report;
  at: (offset: number) => string;
}

/** True when every key is fine and the nesting through aliases stays within bounds. */
function keysHold(document: Document.Parsed, report: Report, at: (offset: number) => string): boolean {
  let held = true;
  const walk: Walk = {
    anchors: new Map(),
    heights: new Map(),
    open: new Set(),
    report: (where, message, offset) => {
      held = false;
      report(where, message, offset);
    },
    at,
  };
  const height = heightOf(document.contents, '', walk);
  if (held && height > MAX_DEPTH) {
    walk.report('', `nests deeper than ${MAX_DEPTH} levels through its aliases (${height} levels)`);
  }
  return held;
}

/** The node's nesting through aliases (a scalar is 0), its keys checked on the way. */
function heightOf(node: unknown, path: string, walk: Walk): number {
  if (isAlias(node)) {
    const target = walk.anchors.get(node.source);
    if (target && walk.open.has(target)) {
      walk.report(
        path || '(document)',
        `the alias *${node.source} is inside the node it names`,
        node.range?.[0],
      );
      return 0;
    }
    return (target && walk.heights.get(target)) ?? 0;
  }
  const anchor = (node as { anchor?: string } | null)?.anchor;
  if (anchor) walk.anchors.set(anchor, node as Node);
  if (!isMap(node) && !isSeq(node)) return 0;
  walk.open.add(node);
  let inner = 0;
  if (isMap(node)) inner = mapHeight(node, path, walk);
  else
    node.items.forEach((item, index) => {
      inner = Math.max(inner, heightOf(item, `${path}[${index}]`, walk));
    });
  walk.open.delete(node);
  walk.heights.set(node, inner + 1);
  return inner + 1;
}

/** A mapping's keys, as JavaScript will hold them: each once, none `__proto__`, none a collection. */
function mapHeight(map: YAMLMap, path: string, walk: Walk): number {
  const seen = new Map<string, number>();
  let inner = 0;
  for (const pair of map.items) {
    inner = Math.max(inner, heightOf(pair.key, path, walk));
    const key = keyText(pair.key, walk);
    const offset = (pair.key as Node | null)?.range?.[0] ?? map.range?.[0] ?? 0;
    const child = key === undefined ? path : path ? `${path}.${printable(key)}` : printable(key);
    if (key === undefined) {
      walk.report(
        path || '(document)',
        `has a key at ${walk.at(offset)} that is a mapping or a list: keys are plain names`,
        offset,
      );
    } else if (key === '__proto__') {
      walk.report(child, 'is a key JavaScript does not keep as data ("__proto__"): rename it', offset);
    } else if (seen.has(key)) {
      walk.report(
        child,
        `is set twice (${twice(walk.at(seen.get(key) ?? 0), walk.at(offset))}): each key once per mapping`,
        offset,
      );
    } else {
      seen.set(key, offset);
    }
    inner = Math.max(inner, heightOf(pair.value, child, walk));
  }
  return inner;
}

/** `line 3 and line 9`; the columns too when both are on one line (a flow mapping). */
function twice(first: string, again: string): string {
  const line = (at: string) => at.replace(/, column \d+/, '');
  return line(first) === line(again) ? `${first} and ${again}` : `${line(first)} and ${line(again)}`;
}

/**
 * The property name JavaScript gives the key (`1` and `"1"` are one name, so are `~`
 * and `""`), or undefined for a mapping or list as a key.
 */
function keyText(key: unknown, walk: Walk): string | undefined {
  const node = isAlias(key) ? walk.anchors.get(key.source) : key;
  if (node === null || node === undefined) return '';
  if (!isScalar(node)) return undefined;
  return node.value === null ? '' : String(node.value);
}

/** A key as printed in a problem: control characters escaped, never longer than 60 characters. */
function printable(key: string): string {
  const short = key.length > 60 ? `${key.slice(0, 60)}…` : key;
  return /\p{Cc}/u.test(short) ? escapeControl(short) : short;
}

/**
 * The line (1-based) of the key at `path` in a file parseConfigYaml accepted, for a
 * schema problem's annotation: the last key or list item of `path` the file has (a
 * missing key points at the mapping that lacks it), undefined for the document itself.
 */
export function keyLines(text: string): (path: readonly PropertyKey[]) => number | undefined {
  const lines = new LineCounter();
  const tokens = new Parser(lines.addNewLine).parse(text);
  const document = [
    ...new Composer({ uniqueKeys: false, logLevel: 'silent' }).compose(tokens, true, text.length),
  ][0];
  return (path) => {
    let node: unknown = document?.contents;
    let offset: number | undefined;
    for (const step of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(step));
        if (!pair) break;
        offset = (pair.key as Node).range?.[0];
        node = pair.value;
      } else if (isSeq(node) && typeof step === 'number' && node.items[step]) {
        node = node.items[step];
        offset = (node as Node).range?.[0];
      } else break;
    }
    return offset === undefined ? undefined : lines.linePos(offset).line;
  };
}
