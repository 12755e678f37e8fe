import type { Progress } from './progress';

/**
 * The main step's saved progress, read back by the post step. Saved state is a file on
 * the runner that any earlier step of the job can append to, so it is untrusted: every
 * field is checked before it reaches an AWS call, the log or the "confirm with"
 * command (docs/security.md, "Untrusted text").
 */

/** An AWS region (`eu-west-1`, `us-gov-west-1`, `cn-north-1`). */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** An ECS cluster or service, by name or ARN. */
const ECS_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const ECS_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:(cluster|service)\/[A-Za-z0-9_/-]{1,511}$/;
/** A task definition revision ARN (or `family:revision`). */
const TASK_DEFINITION =
  /^(arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/)?[A-Za-z0-9_-]{1,255}:\d{1,9}$/;
/** Release ids, commands, phases, states, results: short plain words. */
const WORD = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;
const MAX_SERVICES = 1000;

type Check = (value: unknown) => boolean;
const matches =
  (pattern: RegExp): Check =>
  (value) =>
    typeof value === 'string' && pattern.test(value);
const ecsName: Check = (v) => matches(ECS_NAME)(v) || matches(ECS_ARN)(v);
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined || check(v);

const FIELDS: Record<string, Check> = {
  command: matches(WORD),
  release: matches(WORD),
  environment: matches(/^[^\p{Cc}\p{Cf}]{1,256}$/u),
  cluster: ecsName,
  region: matches(REGION),
  phase: matches(WORD),
  result: optional(matches(WORD)),
};

const SERVICE_FIELDS: Record<string, Check> = {
  service: ecsName,
  previous: optional(matches(TASK_DEFINITION)),
  current: optional(matches(TASK_DEFINITION)),
  state: matches(WORD),
};

function record(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first field of `value` that fails its check, or undefined when all pass. */
function badField(value: Record<string, unknown>, fields: Record<string, Check>): string | undefined {
  return Object.entries(fields).find(([key, check]) => !check(value[key]))?.[0];
}

/** Only the checked fields: anything else in the state is left behind. */
function pick(value: Record<string, unknown>, fields: Record<string, Check>): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(fields).flatMap((k) => (value[k] === undefined ? [] : [[k, value[k]]])),
  );
}

/** The saved progress when every field is what the main step writes; otherwise which field is not (never its value). */
export function readProgress(saved: string): { progress: Progress } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(saved);
  } catch {
    return { problem: 'it is not JSON' };
  }
  if (!record(value)) return { problem: 'it is not an object' };
  const bad = badField(value, FIELDS);
  if (bad) return { problem: `field "${bad}" is not valid` };
  const { services } = value;
  if (!Array.isArray(services) || services.length > MAX_SERVICES)
    return { problem: 'field "services" is not valid' };
  for (const [i, s] of services.entries()) {
    const badService = record(s) ? badField(s, SERVICE_FIELDS) : 'service';
    if (badService) return { problem: `field "services[${i}].${badService}" is not valid` };
  }
  const progress = { ...pick(value, FIELDS), services: services.map((s) => pick(s, SERVICE_FIELDS)) };
  return { progress: progress as unknown as Progress };
}
