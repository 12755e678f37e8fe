// action.yml's inputs as the CLI's flags (src/runtime/action-inputs.json), written by
// scripts/bundle.mjs; __tests__/unit/cli.test.ts fails when the file is stale.
import { parse } from 'yaml';

export function actionInputsJson(actionYml) {
  const inputs = Object.entries(parse(actionYml).inputs).map(([name, input]) => ({
    name,
    description: String(input.description ?? '').trim(),
    ...(input.default !== undefined && { default: String(input.default) }),
  }));
  return `${JSON.stringify(inputs, null, 2)}\n`;
}
