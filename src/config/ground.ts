/** The ground checks' settings (docs/ground.md): `hosts`, `certificate-min-days`, `ground`. */

import { HOST_PATTERN } from './addresses';
import type { Sections } from './environment';
import type { Problem } from './errors';
import type { InputReader } from './inputs-parse';
import { INPUTS } from './names';
import type { GroundMode } from './types';

export const MIN_DAYS_BOUNDS = { min: 0, max: 3650 } as const;

export function badHost(host: string): string | undefined {
  if (host.length > 253 || !HOST_PATTERN.test(host))
    return `"${host.replace(/[^\x20-\x7e]/g, '?').slice(0, 80)}" is not a host name`;
  return undefined;
}

export function groundFromInputs(
  reader: InputReader,
  sections: Sections,
  problems: Problem[],
): { hosts: string[]; certificateMinDays: number; ground: GroundMode } {
  const fromInput = reader.lines(INPUTS.hosts);
  const hosts = fromInput ?? sections.hosts ?? [];
  if (fromInput) {
    for (const h of fromInput) {
      const problem = badHost(h);
      if (problem) problems.push({ key: `input "${INPUTS.hosts}"`, message: problem });
    }
  }
  return {
    hosts,
    certificateMinDays: minDays(reader, sections, problems),
    ground: reader.oneOf<GroundMode>(INPUTS.ground, ['enforce', 'warn']) ?? 'enforce',
  };
}

function minDays(reader: InputReader, sections: Sections, problems: Problem[]): number {
  const raw = reader.string(INPUTS.certificateMinDays);
  if (raw === undefined) return sections['certificate-min-days'] ?? 30;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < MIN_DAYS_BOUNDS.min || n > MIN_DAYS_BOUNDS.max) {
    problems.push({
      key: `input "${INPUTS.certificateMinDays}"`,
      message: `expected a whole number of days from ${MIN_DAYS_BOUNDS.min} to ${MIN_DAYS_BOUNDS.max}, got "${raw.slice(0, 40)}"`,
    });
    return 30;
  }
  return n;
}
