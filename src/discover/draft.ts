/**
 * The config file init writes (docs/init.md): built from what it found and what it
 * guessed, as YAML text with comments where a person must decide. Pure: tests give it a
 * `Found` and a workspace answer and read the text.
 */
import { HOST_PATTERN } from '../config/addresses';
import { VERSION } from '../version';
import { type Guess, guessContext, guessWaves, type ImageGuess, imageKeys, type ServiceGuess } from './guess';
import type { Found } from './types';

/** The rule hosts the config can name: a pattern such as `api-*.example.com` is no host name. */
const isHostName = (h: string): boolean => h.length <= 253 && HOST_PATTERN.test(h);
const hostNames = (found: Found): string[] => found.front.hosts.filter(isHostName);

export interface Draft {
  text: string;
  images: ImageGuess[];
  services: ServiceGuess[];
  guesses: Guess[];
  /** What the person still has to do, one line each. */
  left: string[];
}

/** A YAML scalar: plain when it cannot be read as anything else, else JSON's quoting (valid YAML). */
export function scalar(value: string): string {
  const plain =
    /^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(value) && !/^(true|false|yes|no|on|off|null|~|[\d.]+)$/i.test(value);
  return plain ? value : JSON.stringify(value);
}

function flowMap(entries: Record<string, string>): string {
  return `{ ${Object.entries(entries)
    .map(([k, v]) => `${scalar(k)}: ${scalar(v)}`)
    .join(', ')} }`;
}

/** The container's repository when ECR holds it: only those images are built and released. */
function releasedRepository(found: Found, repository: string | undefined): string | undefined {
  return repository && found.repositories.some((r) => r.name === repository) ? repository : undefined;
}

function imagesAndServices(found: Found, hasDockerfile: (dir: string) => boolean) {
  const repositories = found.services.flatMap((s) =>
    s.containers.flatMap((c) => releasedRepository(found, c.repository) ?? []),
  );
  const keys = imageKeys(repositories);
  const guesses: Guess[] = [];
  const images: ImageGuess[] = [];
  for (const [repository, key] of keys) {
    const g = guessContext(key, repository, keys.size, hasDockerfile);
    images.push(g.image);
    guesses.push(g.guess);
  }
  const containers = new Map<string, Record<string, string>>();
  for (const s of found.services) {
    const map: Record<string, string> = {};
    for (const c of s.containers) {
      const key = keys.get(releasedRepository(found, c.repository) ?? '');
      if (key) map[c.name] = key;
    }
    if (Object.keys(map).length > 0) containers.set(s.name, map);
  }
  const waves = guessWaves(found, containers);
  return { images, services: waves.services, guesses: [...guesses, ...waves.guesses] };
}

function migrationLines(found: Found): string[] {
  const db = found.database;
  const lines = ['# migrations:                   # uncomment and set the command your app migrates with'];
  if (db) {
    lines.push(
      `#   service: ${scalar(db.service)}   # its task definition uses ${scalar(db.instance)}: ${db.because}`,
      `#   container: ${scalar(db.container)}`,
      '#   command: [sh, -c, "your migration command"]',
      '#   mode: task',
      `#   db-instance: ${scalar(db.instance)}`,
      '#   snapshot: false',
    );
  } else {
    lines.push(
      '#   service: <the service whose image migrates>   # no RDS instance was named in a task definition',
      '#   command: [sh, -c, "your migration command"]',
    );
  }
  return lines;
}

function gateLines(found: Found): string[] {
  const host = found.front.hosts.find((h) => !h.includes('*'));
  const smoke = `smoke-url: https://${host ?? 'app.example.com'}/healthz   # a URL that answers 200 when the app is up`;
  const skipped = found.skippedAlarms.map(
    (name) => `  # not ${scalar(name)}: Application Auto Scaling's, in ALARM by design`,
  );
  // Without an alarm the section would hold comments only: YAML's null, which the schema refuses.
  if (found.alarms.length === 0) {
    return [
      '# gate:',
      '#   alarms: []   # no alarm names the services, their target groups or load balancers',
      ...skipped.map((l) => `#${l.slice(1)}`),
      `#   ${smoke}`,
    ];
  }
  return [
    'gate:',
    '  alarms:',
    ...found.alarms.map((a) => `    - ${scalar(a.name)}   # ${a.because}`),
    ...skipped,
    `  # ${smoke}`,
  ];
}

export function draftConfig(found: Found, hasDockerfile: (dir: string) => boolean): Draft {
  const { images, services, guesses } = imagesAndServices(found, hasDockerfile);
  const lines = [
    `# Written by ecs-release init ${VERSION} from cluster ${scalar(found.cluster)} (${found.region}).`,
    '# Every key is in docs/config.md; check the guesses init printed before the first release.',
    `region: ${scalar(found.region)}`,
    `cluster: ${scalar(found.cluster)}`,
    'images:',
    ...images.map(
      (i) =>
        `  ${scalar(i.key)}: ${flowMap({ repository: i.repository, context: i.context })}${i.unsure ? '   # no Dockerfile found: set the context' : ''}`,
    ),
    'services:                      # container name -> image key',
    ...services.map(
      (s) => `  - { service: ${scalar(s.service)}, containers: ${flowMap(s.containers)}, wave: ${s.wave} }`,
    ),
    ...(hostNames(found).length > 0
      ? [
          'hosts:                         # from the listener rules in front of the services',
          ...hostNames(found).map((h) => `  - ${scalar(h)}`),
        ]
      : []),
    ...gateLines(found),
    ...migrationLines(found),
  ];
  return { text: `${lines.join('\n')}\n`, images, services, guesses, left: leftToPerson(found, images) };
}

function leftToPerson(found: Found, images: ImageGuess[]): string[] {
  const left: string[] = [];
  for (const i of images.filter((x) => x.unsure))
    left.push(`set the build context of image ${i.key} (no Dockerfile found)`);
  for (const s of found.services) {
    const kept = s.containers.filter((c) => releasedRepository(found, c.repository));
    for (const c of s.containers.filter((x) => !kept.includes(x)))
      left.push(
        `container ${c.name} of ${s.name} runs ${c.image}, from no ECR repository of this account: not released, kept as it is`,
      );
    if (kept.length === 0) left.push(`service ${s.name} runs no image from ECR: left out of services`);
  }
  if (found.alarms.length === 0) left.push('add the alarms the gate should watch (gate.alarms)');
  for (const h of found.front.hosts.filter((x) => !isHostName(x)))
    left.push(
      `listener rule host ${h} is a pattern, not a host name: left out of hosts (name its hosts there)`,
    );
  left.push(
    "check.yml's matrix and rollback.yml's choices list a sample staging environment: point it at yours or remove it",
  );
  left.push('set gate.smoke-url to a URL that answers when the app is up');
  left.push(
    'to release staging first and promote its images to production, use workflows/promote.yml instead of deploy.yml (docs/promotion.md)',
  );
  left.push(
    found.database
      ? 'set the migration command and uncomment the migrations block'
      : 'add a migrations block if the app has a database',
  );
  left.push(
    'pin the starter workflows to the ecs-release release you adopt (the all-zero SHA fails until you do)',
  );
  left.push(...found.unread.map((u) => `not read: ${u}`));
  return left;
}
