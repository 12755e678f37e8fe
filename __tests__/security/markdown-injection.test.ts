/**
 * Markdown injection into the job summary: cluster, environment, service events and
 * error texts come from the user or from AWS and must render as the text they are.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newReport } from '../../src/model/report';
import { renderSummary } from '../../src/report/summary';
import { consoleOrServer, markdownProblems } from '../support/markdown-check';

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

const SERVER = 'https://github.example.com';
const allowed = consoleOrServer(SERVER);

/** What anyone with cloudwatch:SetAlarmState, ecs:TagResource or a service's events can write. */
const HOSTILE_TEXTS = [
  '![x](https://evil.example/pixel.png) <img src=x onerror=alert(1)>',
  'log in again at https://evil.example/login or www.evil.example or admin@evil.example',
  '<a href="https://evil.example">details</a> &lt;script&gt; [click](https://evil.example "t")',
  '`](https://evil.example)` ``x`` ` <b>odd backtick',
  '[ref]: https://evil.example\n[ref]',
];

function everywhere(text: string) {
  const report = hostileReport();
  report.environment = text;
  report.migration = { outcome: 'failed', detail: text };
  report.alarms.push({ name: text, state: 'ALARM' });
  report.services.push({ service: text, state: 'failed', detail: text, strategy: 'BLUE_GREEN' });
  report.notes.push(`gate failed: alarm demo-5xx is ALARM: ${text}`, text);
  report.notes.push(`To finish the rollback, run: \`aws ecs update-service --service ${text}\``);
  report.error = text;
  report.history = [
    {
      release: text,
      commit: text,
      outcome: null,
      registeredAt: '2026-12-06T08:00:00.000Z',
      runUrl: text,
      running: false,
      services: [
        {
          service: text,
          taskDefinition: `arn:aws:ecs:eu-west-1:1:task-definition/${text}:1`,
          fromRelease: text,
        },
      ],
    },
  ];
  return report;
}

describe('untrusted text in the summary', () => {
  it('holds no raw HTML, image or link of its own from gate notes, alarm reasons, events, errors or tags', () => {
    for (const text of HOSTILE_TEXTS) {
      const markdown = renderSummary(everywhere(text), { githubServer: SERVER });
      expect(markdownProblems(markdown, allowed), text).toEqual([]);
      // Still there to read.
      expect(markdown).toContain('gate failed: alarm demo-5xx is ALARM');
    }
  });

  it("links a run URL only on the run's GitHub server; elsewhere it is text", () => {
    const report = everywhere('x');
    const row = (url: string) => {
      const entry = report.history?.[0];
      if (entry) entry.runUrl = url;
      return renderSummary(report, { githubServer: SERVER });
    };
    expect(row(`${SERVER}/acme/demo/actions/runs/7`)).toContain(`[run](${SERVER}/acme/demo/actions/runs/7)`);
    for (const foreign of [
      'https://evil.example/acme/demo/actions/runs/7',
      'https://github.example.com.evil.example/x',
      'https://user@github.example.com/x',
      'javascript:alert(1)',
    ]) {
      const markdown = row(foreign);
      expect(markdown).not.toContain('[run]');
      expect(markdownProblems(markdown, allowed), foreign).toEqual([]);
    }
  });

  it('links to the AWS console only: a region that would point elsewhere makes no link', () => {
    const report = everywhere('x');
    report.region = 'evil.example/#';
    const markdown = renderSummary(report, { githubServer: SERVER });
    expect(markdownProblems(markdown, allowed)).toEqual([]);
    expect(markdown).not.toContain('console.aws.amazon.com');
  });

  it('any generated text anywhere in the report: no HTML, image or foreign link', () => {
    const piece = fc.constantFrom(
      '<',
      '>',
      '[',
      ']',
      '(',
      ')',
      '!',
      '`',
      '``',
      '\\',
      '&',
      ';',
      '#',
      '|',
      '*',
      '_',
      ':',
      '/',
      '//',
      'https',
      'www.',
      '@',
      'evil.example',
      'img',
      'a href=',
      ' ',
      '\n',
      'x',
      '.',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const text = pieces.join('');
        const markdown = renderSummary(everywhere(text), { githubServer: SERVER });
        expect(markdownProblems(markdown, allowed)).toEqual([]);
      }),
      { numRuns: 1500 },
    );
  });
});
