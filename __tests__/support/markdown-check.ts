/**
 * What GitHub would render from a job summary, checked without a renderer: raw HTML,
 * links, images, link definitions and GFM's extended autolinks (bare `https://`,
 * `www.`, e-mail addresses) outside code spans and fenced blocks. Conservative: a
 * backslash-escaped character cannot open HTML or a link, but autolinks are looked for
 * with escapes resolved.
 */

/** The summary's own tags: line breaks in a table cell. */
const OWN_HTML = /^<br>/;

/** Lines outside fenced code blocks (a fence closes with a run of its character at least as long). */
function outsideFences(markdown: string): string[] {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const opener = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      const closer = /^ {0,3}(`+|~+)\s*$/.exec(line)?.[1];
      if (closer && closer[0] === fence[0] && closer.length >= fence.length) fence = undefined;
    } else if (opener) fence = opener;
    else out.push(line);
  }
  return out;
}

/**
 * A line as two texts: `live`, where escaped characters and code spans are blanked
 * (`\uE000`), and `plain`, where escapes are resolved and code spans blanked.
 */
function liveText(line: string): { live: string; plain: string } {
  let live = '';
  let plain = '';
  let i = 0;
  while (i < line.length) {
    const c = line[i] ?? '';
    if (c === '\\' && /[!-/:-@[-`{-~]/.test(line[i + 1] ?? '')) {
      live += '\uE000';
      plain += line[i + 1];
      i += 2;
    } else if (c === '`') {
      const run = /^`+/.exec(line.slice(i))?.[0] ?? '`';
      const close = findRun(line, i + run.length, run.length);
      if (close < 0) {
        live += run;
        plain += run;
        i += run.length;
      } else {
        live += '\uE000';
        plain += '\uE000';
        i = close + run.length;
      }
    } else {
      live += c;
      plain += c;
      i += 1;
    }
  }
  return { live, plain };
}

/** The index of the next run of exactly `n` backticks at or after `from`, or -1. */
function findRun(line: string, from: number, n: number): number {
  for (let i = from; i < line.length; ) {
    const run = /^`+/.exec(line.slice(i))?.[0];
    if (!run) {
      i += 1;
      continue;
    }
    if (run.length === n) return i;
    i += run.length;
  }
  return -1;
}

const AUTOLINK = /(?:https?|ftp):\/\/[^\s<\uE000]*|www\.[^\s<\uE000]*|[\w.+-]+@[\w-]+\.[\w.-]*\w/gi;

/** Every problem in `markdown`: HTML that is not the summary's own, a link `allowed` refuses, an image, an autolink. */
export function markdownProblems(markdown: string, allowed: (url: string) => boolean): string[] {
  const problems: string[] = [];
  for (const line of outsideFences(markdown)) {
    const { live, plain } = liveText(line);
    for (const m of live.matchAll(/<[A-Za-z/!?]/g)) {
      if (!OWN_HTML.test(live.slice(m.index))) problems.push(`HTML: ${line}`);
    }
    if (/!\[/.test(live)) problems.push(`image: ${line}`);
    if (/^ {0,3}\[[^\]]*\]:/.test(live)) problems.push(`link definition: ${line}`);
    const destinations = [...live.matchAll(/\]\(([^)\s]*)/g)].map((m) => m[1] ?? '');
    for (const url of destinations) if (!allowed(url)) problems.push(`link to ${url}: ${line}`);
    let rest = plain;
    for (const url of destinations) rest = rest.split(`](${url}`).join('](\uE000');
    for (const m of rest.matchAll(AUTOLINK)) problems.push(`autolink ${m[0]}: ${line}`);
  }
  return problems;
}

/** Links the summary may hold: the AWS console over https, and the run's GitHub server. */
export function consoleOrServer(githubServer: string): (url: string) => boolean {
  return (url) => {
    try {
      const u = new URL(url);
      if (u.protocol === 'https:' && /^([a-z0-9-]+\.)?console\.aws\.amazon\.com$/.test(u.hostname))
        return true;
      return u.origin === new URL(githubServer).origin;
    } catch {
      return false;
    }
  };
}
