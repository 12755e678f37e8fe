import type { Report } from '../model/report';

/** What a GitHub deployment's payload says about the release: enough to know what ran where. */
export interface ReleaseManifest {
  release: string;
  commit: string;
  environment: string;
  cluster: string;
  region: string;
  services: Record<string, { previous: string | null; current: string | null }>;
  images: Record<string, { uri: string; digest: string; built: boolean }>;
  migration: { outcome: string; detail: string } | null;
}

export function releaseManifest(report: Report, commit: string): ReleaseManifest {
  return {
    release: report.release,
    commit,
    environment: report.environment,
    cluster: report.cluster,
    region: report.region,
    services: Object.fromEntries(
      report.services.map((s) => [s.service, { previous: s.previous ?? null, current: s.current ?? null }]),
    ),
    images: Object.fromEntries(
      Object.entries(report.images).map(([key, i]) => [
        key,
        { uri: i.uri, digest: i.digest, built: i.built },
      ]),
    ),
    migration: report.migration
      ? { outcome: report.migration.outcome, detail: report.migration.detail }
      : null,
  };
}
