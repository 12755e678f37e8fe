// The starter workflows (workflows/*.yml) as `ecs-release init` writes them
// (src/pipeline/starter-workflows.json), written by scripts/bundle.mjs so the bundle
// carries them; __tests__/unit/init-draft.test.ts fails when the file is stale.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function starterWorkflowsJson(workflowsDir) {
  const files = readdirSync(workflowsDir)
    .filter((f) => f.endsWith('.yml'))
    .sort();
  const out = Object.fromEntries(files.map((f) => [f, readFileSync(join(workflowsDir, f), 'utf8')]));
  return `${JSON.stringify(out, null, 2)}\n`;
}
