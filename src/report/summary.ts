import { shortArn } from '../aws/arn';
import { formatDuration } from '../config/duration';
import type { GroundFinding, HistoryEntry, Report } from '../model/report';
import { code, codeCell, fenced, type LinkPolicy, link, linkable, md, prose } from './markdown';

const RESULT_TEXT: Record<string, string> = {
  deployed: ':white_check_mark: deployed',
  unchanged: ':white_check_mark: unchanged (already running)',
  'rolled-back': ':leftwards_arrow_with_hook: rolled back',
  failed: ':x: failed',
  planned: ':memo: planned (nothing changed)',
  listed: ':scroll: listed (nothing changed)',
  unlocked: ":unlock: unlocked (a dead run's claim cleared; no service changed)",
  checked: ':white_check_mark: checked (no ground error)',
};

/** The ECS console page of a service, for the summary's links. */
export function serviceConsoleUrl(region: string, cluster: string, service: string): string {
  const name = cluster.split('/').pop() ?? cluster;
  return `https://${region}.console.aws.amazon.com/ecs/v2/clusters/${encodeURIComponent(name)}/services/${encodeURIComponent(service)}/deployments?region=${region}`;
}

/** The ECS console page of a task definition revision (`family:revision` from its ARN). */
export function taskDefinitionConsoleUrl(region: string, arn: string): string {
  const [family = arn, revision = ''] = (arn.split('/').pop() ?? arn).split(':');
  return `https://${region}.console.aws.amazon.com/ecs/v2/task-definitions/${encodeURIComponent(family)}/${encodeURIComponent(revision)}/containers?region=${region}`;
}

const cell = md;

/** The images table's last column: built, reused, or promoted from its source repository. */
function builtCell(image: Report['images'][string]): string {
  if (image.promoted) return `no (promoted from ${codeCell(image.from ?? '—')})`;
  return image.built ? 'yes' : 'no (reused)';
}

/** `web:7 100% · web:6 0%`: traffic weights by revision. */
function weightsText(weights: Record<string, number> | undefined): string {
  const entries = Object.entries(weights ?? {});
  return entries.length === 0 ? '—' : entries.map(([rev, pct]) => `${cell(rev)} ${pct}%`).join(' · ');
}

/**
 * Services ECS moved with a built-in strategy: the stages each deployment reached
 * (the release's, then the way back's) with their clock times, and the traffic weights
 * last seen.
 */
function builtInLines(report: Report): string[] {
  const moved = report.services.filter((s) => s.strategy);
  if (moved.length === 0) return [];
  const lines = [
    '',
    '| service | strategy | stages reached | production traffic | status |',
    '|---|---|---|---|---|',
  ];
  for (const s of moved) {
    for (const d of s.builtIn ?? [{ serviceDeploymentArn: '', stages: [] }]) {
      const stages = d.stages.map((x) => `${cell(x.stage)} ${cell(x.at.slice(11, 19))}`).join(' → ') || '—';
      lines.push(
        `| ${cell(s.service)} | ${cell(s.strategy)} | ${stages} | ${weightsText(d.weights?.production)} | ${cell(d.status)} |`,
      );
    }
  }
  return lines;
}

/**
 * The job summary as Markdown: a pure function of the report, written for failures too.
 * Every value from outside is escaped; `links` says where a run URL may point.
 */
export function renderSummary(report: Report, links: LinkPolicy = {}): string {
  const lines: string[] = [];
  const result = report.result ?? 'failed';
  lines.push(`## ecs-release ${report.command}: ${RESULT_TEXT[result] ?? result}`, '');
  // history lists releases: the checkout's release id is not one it acts on.
  if (!report.history) lines.push(`- **Release**: ${code(report.release)}`);
  if (report.runningRelease) lines.push(`- **Running now**: ${code(report.runningRelease)}`);
  lines.push(
    `- **Environment**: ${md(report.environment)} (cluster ${code(report.cluster)}, ${md(report.region)})`,
  );
  if (report.error) lines.push('', '**Error**', '', ...fenced(report.error));
  if (report.services.length > 0) {
    // What ran before, what this release registered, and what runs now (a rolled-back release shows all three).
    lines.push('', '| service | previous | release | now | state |', '|---|---|---|---|---|');
    const revision = (arn: string | undefined) =>
      arn ? link(shortArn(arn), taskDefinitionConsoleUrl(report.region, arn)) : '—';
    for (const s of report.services) {
      const service = link(s.service, serviceConsoleUrl(report.region, report.cluster, s.service));
      const state = `${cell(s.state)}${s.detail ? `: ${cell(s.detail)}` : ''}`;
      lines.push(
        `| ${service} | ${revision(s.previous)} | ${revision(s.target)} | ${revision(s.current)} | ${state} |`,
      );
    }
  }
  lines.push(...builtInLines(report));
  lines.push(...groundLines(report.ground));
  if (report.history) lines.push('', ...historyTable(report, report.history, links));
  const images = Object.entries(report.images);
  if (images.length > 0) {
    lines.push('', '| image | digest | built |', '|---|---|---|');
    for (const [key, image] of images)
      lines.push(`| ${cell(key)} | ${code(`${image.uri}@${image.digest}`)} | ${builtCell(image)} |`);
  }
  if (report.migration)
    lines.push('', `**Migration**: ${md(report.migration.outcome)} — ${md(report.migration.detail)}`);
  if (report.alarms.length > 0) {
    lines.push('', '| alarm | state |', '|---|---|');
    for (const a of report.alarms) lines.push(`| ${cell(a.name)} | ${cell(a.state)} |`);
  }
  if (report.stages.length > 0) {
    lines.push('', '| stage | duration | outcome |', '|---|---|---|');
    for (const s of report.stages)
      lines.push(`| ${cell(s.stage)} | ${formatDuration(s.ms)} | ${cell(s.outcome)} |`);
  }
  // Notes carry gate reasons, alarm reasons and errors: prose, not Markdown.
  if (report.notes.length > 0) lines.push('', ...report.notes.map((n) => `> ${prose(n)}`));
  return `${lines.join('\n')}\n`;
}

/** `command: history`: one row per release, newest first, the running one marked. */
function historyTable(report: Report, history: HistoryEntry[], links: LinkPolicy): string[] {
  if (history.length === 0) {
    return [`No release of environment ${md(report.environment)} in the task definitions' ecs-release tags.`];
  }
  const revision = (arn: string | null) =>
    arn ? link(shortArn(arn), taskDefinitionConsoleUrl(report.region, arn)) : 'unknown';
  const rows = history.map((h) => {
    const services = h.services
      .map((s) => {
        const kept =
          s.fromRelease && s.fromRelease !== h.release ? ` (kept from ${codeCell(s.fromRelease)})` : '';
        return `${cell(s.service)}: ${revision(s.taskDefinition)}${kept}`;
      })
      .join('<br>');
    // A run URL is a tag value anyone with ecs:TagResource could set: a link only to this run's GitHub server.
    const run = h.runUrl
      ? linkable(h.runUrl, links)
        ? link('run', h.runUrl, links)
        : codeCell(h.runUrl)
      : '—';
    const when = md(h.registeredAt.replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC'));
    return `| ${h.running ? ':arrow_forward:' : ''} | ${codeCell(h.release)} | ${h.commit ? codeCell(h.commit.slice(0, 12)) : '—'} | ${cell(h.outcome ?? 'no outcome')} | ${when} | ${services} | ${run} |`;
  });
  return [
    `**Releases** of ${md(report.environment)}, newest first (:arrow_forward: runs now; only \`succeeded\` ones can be rolled back to, with \`to:\` the release id or a commit of 7+ characters):`,
    '',
    '| now | release | commit | outcome | when | services | run |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ];
}

const SEVERITY_MARK = { error: ':x: error', warning: ':warning: warning', note: ':information_source: note' };

/** The ground checks' section (docs/ground.md): every finding, errors first, with where and the fix. */
function groundLines(findings: readonly GroundFinding[] | undefined): string[] {
  if (!findings) return [];
  if (findings.length === 0)
    return ['', '**Ground** (certificates, DNS, what the tasks need): nothing found.'];
  const rank = { error: 0, warning: 1, note: 2 };
  const sorted = [...findings].sort((a, b) => rank[a.severity] - rank[b.severity]);
  return [
    '',
    '**Ground** (certificates, DNS, what the tasks need):',
    '',
    '| severity | what | where | fix |',
    '|---|---|---|---|',
    ...sorted.map(
      (f) => `| ${SEVERITY_MARK[f.severity]} | ${cell(f.what)} | ${cell(f.where)} | ${cell(f.fix)} |`,
    ),
  ];
}
