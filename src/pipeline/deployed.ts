import type { ImagesResult, LiveService, PreflightResult, RenderResult } from './contracts';
import { TAGS } from './contracts';
import type { Report } from './report';

/** Per image key, the images the services run now: the layer cache for rebuilding that key. */
export function deployedImages(preflight: PreflightResult): Record<string, string[]> {
  const deployed: Record<string, string[]> = {};
  for (const live of preflight.services) {
    for (const mapping of live.containers) {
      const image = live.taskDefinition.containerDefinitions?.find(
        (c) => c.name === mapping.container,
      )?.image;
      if (!image) continue;
      const list = deployed[mapping.image] ?? [];
      if (!list.includes(image)) list.push(image);
      deployed[mapping.image] = list;
    }
  }
  return deployed;
}

/**
 * The release the services run, by the record tags of their running revisions.
 * A release leaves unchanged services on older revisions, so the newest revision
 * registered carries the id of the release that is running as a whole.
 */
export function runningReleaseOf(services: readonly LiveService[]): string | undefined {
  let newest: { at: number; release: string } | undefined;
  for (const s of services) {
    const release = s.taskDefinitionTags.find((t) => t.key === TAGS.release)?.value;
    if (!release) continue;
    const at = s.taskDefinition.registeredAt?.getTime() ?? 0;
    if (!newest || at > newest.at) newest = { at, release };
  }
  return newest?.release ?? (services.length > 0 ? 'baseline' : undefined);
}

export function recordImages(report: Report, images: ImagesResult): void {
  for (const [key, image] of Object.entries(images)) {
    report.images[key] = { uri: image.uri, digest: image.digest, built: image.built };
  }
}

export function recordRender(report: Report, render: RenderResult): void {
  report.services = render.services.map((s) => ({
    service: s.live.config.service,
    previous: s.previousArn,
    current: s.targetArn,
    state: s.changed ? 'pending' : 'unchanged',
  }));
}
