import type { PreflightResult } from '../model/contracts';
import type { ReleaseRecord } from '../record/release-record';
import { diffTaskDefinitions } from './diff';
import { renderTaskDefinition, sameDefinition } from './task-definition';

/**
 * What deploy would do, per service, for `plan`. `references` are image
 * references by key: `repo@sha256:…` when known, else `<repository>:<content key>`
 * for an image not built yet.
 */
export function previewServices(
  preflight: PreflightResult,
  references: Record<string, string>,
  record: ReleaseRecord,
): string {
  const blocks = [...preflight.services]
    .sort((a, b) => a.config.wave - b.config.wave || a.config.service.localeCompare(b.config.service))
    .map((live) => {
      const td = live.taskDefinition;
      const running = { ...td, tags: live.taskDefinitionTags };
      const rendered = renderTaskDefinition(td, live.taskDefinitionTags, live.containers, references, record);
      const head = `service ${live.config.service} (wave ${live.config.wave}) runs ${td.family}:${td.revision}`;
      if (sameDefinition(running, rendered)) {
        return `${head}\n  unchanged: nothing would be registered or updated`;
      }
      const diff = diffTaskDefinitions(running, rendered)
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n');
      return `${head}\n  would register a new revision of ${td.family} and update the service:\n${diff}`;
    });
  return blocks.join('\n');
}
