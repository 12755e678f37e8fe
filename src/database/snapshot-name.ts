/**
 * RDS snapshot identifiers: 1–255 letters, digits and hyphens, starting with a
 * letter, no two hyphens in a row, no hyphen at the end.
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSnapshot.html
 */
function part(text: string, max: number): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, max)
    .replace(/^-+|-+$/g, '');
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** `ecs-release-<environment>-<release, 12 characters>-<UTC yyyymmddhhmmss>`. */
export function snapshotName(environment: string, release: string, now: number): string {
  const parts = ['ecs-release', part(environment, 60), part(release, 12), stamp(now)].filter((p) => p !== '');
  return parts.join('-');
}

export function isValidSnapshotName(id: string): boolean {
  return id.length <= 255 && /^[a-z][a-z0-9-]*$/i.test(id) && !id.includes('--') && !id.endsWith('-');
}
