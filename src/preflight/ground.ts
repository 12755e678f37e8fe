/**
 * The ground checks inside preflight (docs/ground.md): run on what the release will
 * run, their errors become preflight problems (nothing changes in AWS), warnings stay
 * warnings, notes are logged. The ground module, and with it the ACM, Route 53, IAM and
 * SSM clients, is imported here only when a command runs it.
 */
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
  scope: { services: readonly LiveService[]; tasks: GroundTask[] },
  sink?: GroundSink,
): Promise<Findings> {
  const { config } = ctx;
  const command = config.command;
  if (command !== 'deploy' && command !== 'plan' && command !== 'rollback' && command !== 'check')
    return { problems: [], warnings: [] };
  const { checkGround, declaredHosts, findingLine } = await import('../ground');
  const now = ctx.clock.now();
  const { findings } = await checkGround(
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
  sink?.(findings.map(({ severity, what, where, fix }) => ({ severity, what, where, fix })));
  const out: Findings = { problems: [], warnings: [] };
  for (const f of findings) {
    if (f.severity === 'error')
      out.problems.push(`${findingLine(f)} (${command === 'check' ? 'check' : EMERGENCY})`);
    else if (f.severity === 'warning') out.warnings.push(findingLine(f));
    else ctx.log.info(findingLine(f));
  }
  return out;
}
