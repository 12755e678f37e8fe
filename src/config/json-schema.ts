import { z } from 'zod';
import { configFileSchema } from './file-schema';

/** The JSON Schema editors use for `.github/ecs-release.yml`, from the same zod source the loader uses. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configFileSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return {
    ...schema,
    $id: 'https://github.com/ecs-release/ecs-release/schema/ecs-release.schema.json',
    title: 'ecs-release configuration (.github/ecs-release.yml)',
  };
}
