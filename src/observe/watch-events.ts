/** Every new service event printed once, in the order ECS wrote them (docs/aws-facts.md "Service events"). */
import type { Service } from '@aws-sdk/client-ecs';
import type { StageContext } from '../runtime/context';
import { unhealthyEvent } from './diagnose';
import type { Watched } from './watched';

const STARTED = /^\(service [^)]+\) has started \d+ tasks: (.*)$/;

/** `(service S) has started 2 tasks: (task <id>) (task <id>).` (docs/aws-facts.md "Service events"): the ids. */
export function startedEvent(message: string): string[] {
  const m = STARTED.exec(message);
  return m?.[1] ? [...m[1].matchAll(/\(task ([^)\s]+)\)/g)].flatMap((x) => x[1] ?? []) : [];
}

const clockTime = (d: Date | undefined) => d?.toISOString().slice(11, 19) ?? '--:--:--';

export function printEvents(ctx: StageContext, w: Watched, s: Service, ourCreatedAt: Date | undefined): void {
  const events = s.events ?? [];
  if (!w.seen) {
    // Without UpdateService's answer: events older than our deployment belong to earlier history.
    const since = ourCreatedAt?.getTime() ?? ctx.clock.now();
    w.seen = new Set(events.filter((e) => (e.createdAt?.getTime() ?? 0) < since).map((e) => e.id ?? ''));
  }
  const fresh = events.filter((e) => e.id && !w.seen?.has(e.id)).reverse();
  for (const e of fresh) {
    w.seen.add(e.id ?? '');
    const unhealthy = unhealthyEvent(e.message ?? '');
    if (unhealthy) w.healthReasons.set(unhealthy.taskId, unhealthy.line);
    for (const id of startedEvent(e.message ?? '')) w.startedTasks.add(id);
    ctx.log.info(`${w.target.service} event ${clockTime(e.createdAt)} ${e.message ?? ''}`);
  }
}
