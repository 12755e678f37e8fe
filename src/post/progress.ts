import { shellWord as q } from '../aws/cli-command';
import type { Report, Result } from '../model/report';

/**
 * What the main step has issued so far, saved (core.saveState) at every point
 * where AWS changed, so the post step can say where each service stands even
 * when the main step was cancelled or killed half-way.
 */
export interface Progress {
  command: string;
  release: string;
  environment: string;
  cluster: string;
  region: string;
  /** The stage running when this was saved; `done` once the main step finished. */
  phase: string;
  result?: Result;
  services: {
    service: string;
    previous?: string;
    current?: string;
    state: string;
  }[];
}

export function progressOf(report: Report, phase: string): Progress {
  return {
    command: report.command,
    release: report.release,
    environment: report.environment,
    cluster: report.cluster,
    region: report.region,
    phase,
    ...(report.result ? { result: report.result } : {}),
    services: report.services.map((s) => ({
      service: s.service,
      ...(s.previous ? { previous: s.previous } : {}),
      ...(s.current ? { current: s.current } : {}),
      state: s.state,
    })),
  };
}

export interface ObservedService {
  service: string;
  /** The PRIMARY deployment's task definition. */
  taskDefinition?: string;
  rolloutState?: string;
  deployments: number;
}

export interface Assessment {
  consistent: boolean;
  /** `previous`, `release` or `unknown`, per service. */
  lines: string[];
  /** One command that shows each service's deployments, to confirm by hand. */
  confirm: string;
}

/** Which release each service is on (or heading to) right now. Pure: tested without AWS. */
export function assess(progress: Progress, observed: ObservedService[]): Assessment {
  const lines: string[] = [];
  const sides = new Set<string>();
  for (const s of progress.services) {
    const seen = observed.find((o) => o.service === s.service);
    const td = seen?.taskDefinition;
    const side =
      td && td === s.previous && td === s.current
        ? 'unchanged'
        : td === s.previous
          ? 'previous'
          : td === s.current
            ? 'release'
            : 'unknown';
    if (side !== 'unchanged') sides.add(side);
    const moving =
      seen && (seen.rolloutState === 'IN_PROGRESS' || seen.deployments > 1)
        ? ', deployment still in progress'
        : '';
    const label =
      side === 'previous'
        ? 'the previous release'
        : side === 'release'
          ? `release ${progress.release}`
          : side === 'unchanged'
            ? 'unchanged by this release'
            : 'a task definition this run did not set';
    lines.push(`${s.service}: ${td ?? 'not found'} (${label}${moving})`);
  }
  const services = progress.services.map((s) => q(s.service)).join(' ');
  return {
    consistent: sides.size <= 1 && !sides.has('unknown'),
    lines,
    confirm:
      `aws ecs describe-services --region ${q(progress.region)} --cluster ${q(progress.cluster)} --services ${services} ` +
      `--query 'services[].{service:serviceName,deployments:deployments[].{id:id,taskDefinition:taskDefinition,rolloutState:rolloutState}}'`,
  };
}
