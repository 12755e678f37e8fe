// Writes schema/ecs-release.schema.json; a test fails when it is out of date.
import { writeFileSync } from 'node:fs';
import { configJsonSchema } from '../src/config/json-schema';

writeFileSync('schema/ecs-release.schema.json', `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
