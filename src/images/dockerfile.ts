/**
 * Just enough Dockerfile reading to know the build stages and which earlier
 * stages a target needs: inline cache only covers the final stage's layers, so
 * those earlier stages get their own cache images.
 * https://docs.docker.com/reference/dockerfile/#from
 */

export interface Stage {
  index: number;
  /** `AS name`, lower-cased as BuildKit compares them; undefined for an unnamed stage. */
  name?: string;
  /** Earlier stages this one uses: its `FROM`, `COPY --from`, `RUN --mount=from=`. */
  uses: string[];
}

/** Joins `\` continuations and drops comments. */
function logicalLines(text: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (current === '' && /^\s*#/.test(line)) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    current += line;
    if (current.trim() !== '') out.push(current.trim());
    current = '';
  }
  if (current.trim() !== '') out.push(current.trim());
  return out;
}

export function parseStages(text: string): Stage[] {
  const stages: Stage[] = [];
  const known = new Set<string>();
  for (const line of logicalLines(text)) {
    const from = /^FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?\s*$/i.exec(line);
    if (from) {
      const base = (from[1] ?? '').toLowerCase();
      const stage: Stage = { index: stages.length, uses: known.has(base) ? [base] : [] };
      if (from[2]) stage.name = from[2].toLowerCase();
      stages.push(stage);
      if (stage.name) known.add(stage.name);
      continue;
    }
    const current = stages[stages.length - 1];
    if (!current) continue;
    for (const m of line.matchAll(/--(?:from|mount=[^\s]*?from)=([^\s,]+)/gi)) {
      const ref = (m[1] ?? '').toLowerCase();
      const byIndex = /^\d+$/.test(ref) ? stages[Number(ref)]?.name : undefined;
      const name = byIndex ?? ref;
      if (known.has(name) && !current.uses.includes(name)) current.uses.push(name);
    }
  }
  return stages;
}

/**
 * Named stages the target (or the last stage) depends on, in build order,
 * without the target itself: the stages worth a cache image of their own.
 */
export function cacheStages(stages: Stage[], target?: string): string[] {
  const wanted = target?.toLowerCase();
  const final = wanted === undefined ? stages[stages.length - 1] : stages.find((s) => s.name === wanted);
  if (!final) return [];
  const byName = new Map(stages.filter((s) => s.name).map((s) => [s.name as string, s]));
  const needed = new Set<string>();
  const visit = (s: Stage): void => {
    for (const dep of s.uses) {
      if (needed.has(dep)) continue;
      needed.add(dep);
      const stage = byName.get(dep);
      if (stage) visit(stage);
    }
  };
  visit(final);
  return stages
    .filter((s) => s.name && s.index < final.index && needed.has(s.name))
    .map((s) => s.name as string);
}
