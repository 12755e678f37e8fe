/**
 * Markdown injection into the job summary: cluster, environment, service events and
 * error texts come from the user or from AWS and must render as the text they are.
 */
import { describe, expect, it } from 'vitest';
import { newReport } from '../../src/model/report';
import { renderSummary } from '../../src/report/summary';

function hostileReport() {
  const report = newReport({
    command: 'deploy',
    environment: 'prod\n# Owned\n<img src=x onerror=alert(1)>',
    cluster: 'acme`](https://evil.example)',
    region: 'eu-west-1',
    release: 'abc``def',
  });
  report.result = 'failed';
  report.error = 'task failed\n```\n# Escaped the fence\n[click](https://evil.example)';
  report.services.push({
    service: 'acme-api',
    previous: 'arn:td/api:4',
    current: 'arn:td/api:5',
    state: 'failed',
    detail: 'event | with pipe\n## heading [link](https://evil.example) **bold**',
  });
  report.notes.push('note\n# heading in a note');
  return report;
}

/** Lines outside any fenced block. */
function outsideFences(markdown: string): string[] {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const opener = /^(`{3,})/.exec(line)?.[1];
    if (fence) {
      if (line.startsWith(fence) && line.trim() === line.slice(0, fence.length).trim()) fence = undefined;
    } else if (opener) fence = opener;
    else out.push(line);
  }
  return out;
}

describe('the job summary', () => {
  it('renders hostile values as text: one heading, no links, images or HTML of theirs', () => {
    const markdown = renderSummary(hostileReport());
    // Code spans render their content as text.
    const lines = outsideFences(markdown).map((l) => l.replace(/(`+) .*? \1|(`+)[^`]*\2/g, 'CODE'));
    // Only the summary's own heading.
    expect(lines.filter((l) => /^\s*#/.test(l))).toEqual(['## ecs-release deploy: :x: failed']);
    expect(lines.join('\n')).not.toMatch(/(?<!\\)\]\(https:\/\/evil/);
    // Every link destination ends where the summary meant it to.
    for (const [, url] of lines.join('\n').matchAll(/(?<!\\)\]\(([^)]*)\)/g))
      expect(url).toMatch(/^https:\/\/eu-west-1\.console\.aws\.amazon\.com\/.*region=eu-west-1$/);
    expect(lines.join('\n')).not.toMatch(/(?<!\\)<img/);
    // The service row is still one row of five cells (service, previous, release, now, state).
    const row = lines.find((l) => l.startsWith('| [acme-api]'));
    expect(row?.split(/(?<!\\)\|/).length).toBe(7);
  });

  it('keeps the whole error inside its fence', () => {
    const markdown = renderSummary(hostileReport());
    const start = markdown.indexOf('**Error**');
    const block = markdown.slice(start).split('\n').slice(2);
    const fence = block[0] ?? '';
    expect(fence.length).toBeGreaterThan(3);
    const close = block.indexOf(fence, 1);
    expect(block.slice(1, close).join('\n')).toBe(hostileReport().error);
  });
});
