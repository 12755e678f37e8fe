/**
 * Markdown from untrusted values (docs/security.md, "Untrusted text in the job
 * summary"): AWS messages, tags, service events, alarm reasons, the config's values.
 * Each renders as the text it is: no HTML, no link, image or emphasis of its own, and
 * links only where the action itself points, to the AWS console or the run's GitHub
 * server.
 */

const ZERO_WIDTH_SPACE = '\u200b';

/**
 * GitHub turns bare `https://…`, `www.…` and `name@host.tld` into links (GFM's extended
 * autolinks), escaped or not. A zero-width space after `:` of `://`, in `www.` and after
 * `@` breaks each pattern; the text reads the same.
 */
function breakAutolinks(text: string): string {
  return text
    .replace(/:\/\//g, `:${ZERO_WIDTH_SPACE}//`)
    .replace(/(www)\./gi, `$1${ZERO_WIDTH_SPACE}.`)
    .replace(/@/g, `@${ZERO_WIDTH_SPACE}`);
}

/**
 * A value as inline Markdown text: on one line, every character that could start a
 * link, an image, emphasis, HTML, an entity, a heading, a table cell or math escaped,
 * and autolinks broken.
 */
export function md(text: string | undefined): string {
  return breakAutolinks((text ?? '—').replace(/[\r\n]+/g, ' ')).replace(/[\\`*_[\]<>#|!~&$]/g, '\\$&');
}

/** A value as an inline code span: the fence is longer than any run of backticks in it. */
export function code(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const fence = '`'.repeat(longestRun(flat, '`') + 1);
  return flat.includes('`') ? `${fence} ${flat} ${fence}` : `${fence}${flat}${fence}`;
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}

/** An inline code span inside a table row: GitHub splits cells at a `|` even inside code. */
export function codeCell(text: string): string {
  return code(text).replace(/\|/g, '\\|');
}

/** A multi-line value as a fenced block it cannot close early. */
export function fenced(text: string, language = ''): string[] {
  const fence = '`'.repeat(Math.max(3, longestRun(text, '`') + 1));
  return [`${fence}${language}`, text, fence];
}

/**
 * A line of prose that mixes the action's words and untrusted values, where the action
 * marks commands with backticks: each backtick-delimited part becomes a code span
 * (which renders anything as text), the rest is escaped. A value holding backticks of
 * its own can only move where a code span starts or ends, never let text through raw.
 */
export function prose(text: string): string {
  const parts = text.replace(/[\r\n]+/g, ' ').split('`');
  // An odd number of backticks: the last one pairs with nothing and stays text.
  const tail = parts.length % 2 === 0 ? parts.splice(-2, 2).join('`') : undefined;
  const out = parts.map((part, i) =>
    i % 2 === 0 ? (part === '' ? '' : md(part)) : part === '' ? '\\`\\`' : code(part),
  );
  if (tail !== undefined) out.push(md(tail));
  // Two spans side by side would read as one longer backtick run: a zero-width space keeps them apart.
  return out.reduce((joined, next) =>
    joined.endsWith('`') && next.startsWith('`') ? `${joined}${ZERO_WIDTH_SPACE}${next}` : joined + next,
  );
}

/** Where the summary may link: the run's GitHub server (an origin such as `https://github.com`). */
export interface LinkPolicy {
  githubServer?: string | undefined;
}

const AWS_CONSOLE_HOST = /^([a-z0-9-]+\.)?console\.aws\.amazon\.com$/;

/** Whether `url` is one the summary may link to: the AWS console over https, or the run's GitHub server. */
export function linkable(url: string, policy: LinkPolicy): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password) return false;
  if (parsed.protocol === 'https:' && AWS_CONSOLE_HOST.test(parsed.hostname) && !parsed.port) return true;
  return (
    policy.githubServer !== undefined &&
    /^https?:$/.test(parsed.protocol) &&
    parsed.origin === githubServerOf(policy.githubServer)
  );
}

/**
 * A Markdown link whose destination cannot be closed early by a `)` in a value; a
 * destination the policy does not allow is left out (the text alone).
 */
export function link(text: string | undefined, url: string, policy: LinkPolicy = {}): string {
  if (!linkable(url, policy)) return md(text);
  return `[${md(text)}](${url.replace(/[()\s<>\\`]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)})`;
}

/** The GitHub server of a run URL (`GITHUB_SERVER_URL`), or github.com when there is none. */
export function githubServerOf(runUrl: string | undefined): string {
  try {
    return runUrl ? new URL(runUrl).origin : 'https://github.com';
  } catch {
    return 'https://github.com';
  }
}
