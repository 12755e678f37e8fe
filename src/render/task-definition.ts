/**
 * Pure rendering: the new revision is the running one with only the mapped
 * containers' images replaced, and the release's record tags.
 */
import type { RegisterTaskDefinitionCommandInput, Tag, TaskDefinition } from '@aws-sdk/client-ecs';
import type { ResolvedMapping } from '../model/contracts';
import { isRecordTag, type ReleaseRecord, recordTags } from '../record/release-record';

/** What ECS adds to a registered revision; RegisterTaskDefinition refuses or ignores these. */
export const READ_ONLY = new Set([
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  'deleteRequestedAt',
]);

/** `aws:` tags (CloudFormation's, for one) cannot be set by anyone but AWS: carrying them over fails the registration. */
function isReserved(key: string | undefined): boolean {
  return key?.toLowerCase().startsWith('aws:') === true;
}

/** Every field a RegisterTaskDefinition call accepts, copied from a described revision. */
export function registrableFields(td: TaskDefinition): RegisterTaskDefinitionCommandInput {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(td))
    if (!READ_ONLY.has(k) && v !== undefined) out[k] = structuredClone(v);
  return out as unknown as RegisterTaskDefinitionCommandInput;
}

export function renderTaskDefinition(
  running: TaskDefinition,
  runningTags: Tag[],
  mappings: ResolvedMapping[],
  images: Record<string, string>,
  record: ReleaseRecord,
): RegisterTaskDefinitionCommandInput {
  const input = registrableFields(running);
  const containers = input.containerDefinitions ?? [];
  for (const m of mappings) {
    const image = images[m.image];
    if (image === undefined)
      throw new Error(`no image reference for image key "${m.image}" (container ${m.container})`);
    const c = containers.find((x) => x.name === m.container);
    if (!c)
      throw new Error(
        `task definition ${running.family}:${running.revision} has no container "${m.container}"`,
      );
    c.image = image;
  }
  const kept = runningTags.filter((t) => !isRecordTag(t.key) && !isReserved(t.key));
  return { ...input, tags: [...kept, ...recordTags(record)] };
}

export type Comparable = (TaskDefinition | RegisterTaskDefinitionCommandInput) & { tags?: Tag[] | undefined };

/** Drops what does not change a revision's meaning: absent vs empty, and ECS's read-only fields. */
export function normalize(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(normalize).filter((v) => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = normalize((value as Record<string, unknown>)[k]);
      if (v !== undefined) out[k] = v;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return value === null ? undefined : value;
}

/** The registrable content of a revision plus its non-record tags, ready to compare or diff. */
export function comparable(td: Comparable): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(td)) if (!READ_ONLY.has(k) && k !== 'tags') fields[k] = v;
  const tags = (td.tags ?? [])
    .filter((t) => !isRecordTag(t.key) && !isReserved(t.key))
    .map((t) => `${t.key ?? ''}=${t.value ?? ''}`)
    .sort();
  return { ...(normalize(fields) as Record<string, unknown>), ...(tags.length > 0 && { tags }) };
}

/** "Did not change" (docs/rollout.md "Render"): equal registrable fields, record tags left out. */
export function sameDefinition(a: Comparable, b: Comparable): boolean {
  return JSON.stringify(comparable(a)) === JSON.stringify(comparable(b));
}
