import type { Report } from '../model/report';
import type { GroundSink } from '../preflight';

/** The ground checks' findings into the report (the summary's section); a rollback adds its target's tasks' to its load balancers'. */
export function groundInto(report: Report): GroundSink {
  return (findings) => {
    report.ground = [...(report.ground ?? []), ...findings];
  };
}
