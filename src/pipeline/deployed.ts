import type { ImagesResult, PreflightResult } from '../model/contracts';
import type { Report } from '../model/report';

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

export function recordImages(report: Report, images: ImagesResult): void {
  for (const [key, image] of Object.entries(images)) {
    report.images[key] = {
      uri: image.uri,
      digest: image.digest,
      ...(image.contentTag ? { tag: image.contentTag } : {}),
      region: report.region,
      built: image.built,
      ...(image.promotedFrom ? { promoted: true, from: image.promotedFrom } : {}),
    };
  }
}
