/**
 * "A fresh runner" without pruning anyone else's build cache: the engine is
 * shared, so the images benchmark marks its builds and removes only the BuildKit
 * records that descend from its mark.
 *
 * The mark is a no-op `RUN : <run id>` right after every FROM: BuildKit keys
 * each step on its parent, so every record after the mark is this run's alone
 * (only the base image stays shared, and a fresh runner pulls that anyway, from
 * the local registry). An exec record's description carries its command line
 * (`mount / from exec /bin/sh -c : <run id>`), and layers taken from the registry
 * cache name their repository (which holds the run id too): that is how the
 * marks are found in `/system/df`; COPY and context records carry nothing of
 * the run, hence a RUN
 * (one container start in the cold build; cached like any step in the rebuild).
 * The records go one by one through the engine's `/build/prune` with an `id`
 * filter (API 1.41 supports it and refuses an unknown filter rather than
 * ignoring it), children before parents. dockerode's pruneBuilder() drops its
 * options (it would prune everything), so the call goes through the modem.
 * https://docs.docker.com/reference/api/engine/version/v1.41/#tag/Image/operation/BuildPrune
 */
import type Docker from 'dockerode';

interface CacheRecord {
  ID: string;
  Parent?: string;
  Parents?: string[];
  Description?: string;
  InUse?: boolean;
}

/** The Dockerfile line that marks a build as this run's. */
export const markLine = (mark: string): string => `RUN : ${mark}`;

/** Inserts the mark after every FROM line (every stage). */
export function markDockerfile(text: string, mark: string): string {
  return text.replace(/^(FROM\s.*)$/gm, `$1\n${markLine(mark)}`);
}

async function records(docker: Docker): Promise<CacheRecord[]> {
  const df = (await docker.df()) as { BuildCache?: CacheRecord[] | null };
  return df.BuildCache ?? [];
}

const parentsOf = (r: CacheRecord): string[] => [...(r.Parents ?? []), ...(r.Parent ? [r.Parent] : [])];

/** The marked records and everything built on them, leaves first. */
export async function ownRecords(docker: Docker, mark: string): Promise<CacheRecord[]> {
  const all = await records(docker);
  const own = new Map<string, { record: CacheRecord; depth: number }>();
  for (const r of all) if (r.Description?.includes(mark)) own.set(r.ID, { record: r, depth: 0 });
  for (let grew = own.size > 0; grew; ) {
    grew = false;
    for (const r of all) {
      if (own.has(r.ID)) continue;
      const depths = parentsOf(r).map((p) => own.get(p)?.depth);
      const known = depths.filter((d): d is number => d !== undefined);
      if (known.length === 0) continue;
      own.set(r.ID, { record: r, depth: Math.max(...known) + 1 });
      grew = true;
    }
  }
  return [...own.values()].sort((a, b) => b.depth - a.depth).map((x) => x.record);
}

/** POST /build/prune?all=1&filters={"id":[id]}: the engine matches `id` as a pattern, and ids are 25 random characters. */
function pruneRecord(docker: Docker, id: string): Promise<string[]> {
  if (!/^[a-z0-9]{20,}$/.test(id)) return Promise.reject(new Error(`unexpected build cache id ${id}`));
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: '/build/prune?',
        method: 'POST',
        options: { all: true, filters: { id: [id] } },
        statusCodes: { 200: true, 400: 'bad parameter', 500: 'server error' },
      },
      (error: unknown, data: unknown) => {
        if (error) reject(error);
        else resolve((data as { CachesDeleted?: string[] | null }).CachesDeleted ?? []);
      },
    );
  });
}

/** Removes this run's build cache (the records that name `mark` and all built on them); returns how many remain. */
export async function pruneOwn(docker: Docker, mark: string): Promise<{ removed: number; left: number }> {
  let removed = 0;
  for (let pass = 0; pass < 5; pass += 1) {
    const own = (await ownRecords(docker, mark)).filter((r) => !r.InUse);
    if (own.length === 0) break;
    for (const r of own) {
      removed += (await pruneRecord(docker, r.ID)).length;
    }
  }
  return { removed, left: (await ownRecords(docker, mark)).length };
}
