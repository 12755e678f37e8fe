/**
 * What init prints: what it found, what it guessed (each with its reason) and what is
 * left to the person. Names from AWS go through the logger, which makes every line inert
 * for the runner, and control characters are shown escaped, as the config's are.
 */
import { controlCharacter, escapeControl } from '../config/bounds';
import type { Found } from '../discover';
import type { Draft } from '../discover/draft';
import type { Logger } from '../runtime/log';

/** Outside text in a line: as it is when printable, quoted and escaped otherwise. */
function shown(text: string): string {
  return controlCharacter(text) ? escapeControl(text) : text;
}

const list = (items: readonly string[]) => (items.length > 0 ? items.map(shown).join(', ') : 'none');

export function printFound(log: Logger, found: Found): void {
  log.info(
    `found: cluster ${shown(found.cluster)} in ${shown(found.region)}, ${found.services.length} service(s)`,
  );
  for (const s of found.services) {
    const containers = s.containers.map((c) => `${shown(c.name)} (${shown(c.image)})`).join(', ');
    log.info(
      `  service ${shown(s.name)}: ${shown(s.strategy)}, task definition ${shown(s.family)}, containers ${containers}`,
    );
  }
  log.info(`  repositories in ECR: ${list(found.repositories.map((r) => r.name))}`);
  log.info(
    `  load balancers: ${found.front.loadBalancerArns.length}; hosts on their rules: ${list(found.front.hosts)}`,
  );
  for (const a of found.alarms) log.info(`  alarm ${shown(a.name)}: ${shown(a.because)}`);
  if (found.alarms.length === 0)
    log.info('  alarms: none names the services, their target groups or load balancers');
  for (const a of found.skippedAlarms)
    log.info(
      `  skipped alarm ${shown(a)}: Application Auto Scaling's target tracking alarm, in ALARM by design`,
    );
  const db = found.database;
  log.info(
    db
      ? `  database: ${shown(db.instance)}, used by ${shown(db.service)} (${shown(db.container)}: ${shown(db.because)})`
      : '  database: no RDS instance named in a task definition',
  );
}

export function printDraft(log: Logger, draft: Draft): void {
  log.info('guessed (check these):');
  for (const g of draft.guesses) log.info(`  ${shown(g.what)}, because ${shown(g.why)}`);
  log.info('left to you:');
  for (const l of draft.left) log.info(`  - ${shown(l)}`);
}
