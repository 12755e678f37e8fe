/**
 * The ground checks inside preflight (docs/ground.md): run on what the release will
 * run, their errors become preflight problems (nothing changes in AWS), warnings stay
 * warnings, notes are logged. The ground module, and with it the ACM, Route 53, IAM and
 * SSM clients, is imported here only when a command runs it.
 */
import type { ServedCertificate } from '../gate/smoke';
import type { LiveService } from '../model/contracts';
import type { GroundFinding } from '../model/report';
import type { StageContext } from '../runtime/context';
import type { Findings } from './findings';
import { worstCaseMs } from './identity';

/** A task definition the release will run, with the service's load balancer entries. */
export interface GroundTask {
  service: string;
  taskDefinition: LiveService['taskDefinition'];
  loadBalancers: NonNullable<LiveService['service']['loadBalancers']>;
}

/** Where the findings go besides the log (the pipeline puts them in the report's summary section). */
export type GroundSink = (findings: GroundFinding[]) => void;

export function liveTasks(services: readonly LiveService[]): GroundTask[] {
  return services.map((s) => ({
    service: s.config.service,
    taskDefinition: s.taskDefinition,
    loadBalancers: s.service.loadBalancers ?? [],
  }));
}

const EMERGENCY = 'to release anyway in an emergency, set ground: warn';

/**
 * The ground checks over `services` (their load balancers, certificates, DNS) and `tasks`.
 * Returns problems (errors) and warnings in preflight's shape, and hands every finding to `sink`.
 */
export async function checkGroundFor(
  ctx: StageContext,
  account: string,
  scope: {
    services: readonly LiveService[];
    tasks: GroundTask[];
    /** What the smoke URL was served before the release (preflight asks it beside the ground checks). */
    served?: Promise<ServedCertificate | undefined>;
  },
  sink?: GroundSink,
): Promise<Findings> {
  const { config } = ctx;
  const command = config.command;
  if (command !== 'deploy' && command !== 'plan' && command !== 'rollback' && command !== 'check')
    return { problems: [], warnings: [] };
  const { checkGround, declaredHosts, findingLine, servedFindings } = await import('../ground');
  const now = ctx.clock.now();
  const { findings, listeners } = await checkGround(
    ctx.aws,
    {
      command,
      mode: config.ground ?? 'enforce',
      account,
      region: config.region,
      services: scope.services.map((s) => s.service),
      tasks: scope.tasks,
      declaredHosts: declaredHosts(config.hosts ?? [], [config.gate.smokeUrl, config.gate.smokeTestUrl]),
      minDays: config.certificateMinDays ?? 30,
      now,
      runEnd: now + worstCaseMs(config),
    },
    ctx.signal,
  );
  const served = await scope.served;
  if (served && config.gate.smokeUrl)
    findings.push(...servedFindings(new URL(config.gate.smokeUrl).hostname, served, listeners));
  sink?.(findings.map(({ severity, what, where, fix }) => ({ severity, what, where, fix })));
  const out: Findings = { problems: [], warnings: [] };
  for (const f of findings) {
    // Every refusal names the way out; `check` refuses nothing, it reports.
    if (f.severity === 'error')
      out.problems.push(command === 'check' ? findingLine(f) : `${findingLine(f)} (${EMERGENCY})`);
    else if (f.severity === 'warning') out.warnings.push(findingLine(f));
    else ctx.log.info(findingLine(f));
  }
  return out;
}

/**
 * `check`: who is asking and what the services run now, read as preflight reads them.
 * What would refuse a deploy here (a deployment in flight) is only a warning: `check`
 * judges the ground, not the services' state. Unusable credentials still stop it.
 */
export async function readRunning(
  ctx: StageContext,
): Promise<{ account: string; services: LiveService[]; warnings: string[] }> {
  const { checkIdentity } = await import('./identity');
  const { checkServices } = await import('./services');
  const { PreflightError } = await import('./findings');
  const f: Findings = { problems: [], warnings: [] };
  const account = await checkIdentity(ctx, f);
  if (account === undefined) throw new PreflightError(f.problems);
  const services = await checkServices(ctx, f);
  if (services.length === 0) throw new PreflightError(f.problems);
  return { account, services, warnings: [...f.problems, ...f.warnings] };
}
