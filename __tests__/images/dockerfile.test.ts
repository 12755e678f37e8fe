import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheStages, parseStages } from '../../src/images/dockerfile';

describe('Dockerfile stages', () => {
  it('the example frontend: the runtime stage needs the build stage', () => {
    const text = readFileSync(join(__dirname, '../../examples/app/frontend/Dockerfile'), 'utf8');
    expect(cacheStages(parseStages(text))).toEqual(['build']);
    expect(cacheStages(parseStages(text), 'build')).toEqual([]);
  });

  it('a single-stage Dockerfile has nothing to cache separately', () => {
    const text = readFileSync(join(__dirname, '../../examples/app/backend/Dockerfile'), 'utf8');
    expect(cacheStages(parseStages(text))).toEqual([]);
  });

  it('follows FROM, COPY --from (by name or index) and RUN --mount=from, skipping unused stages', () => {
    const text = [
      '# syntax=docker/dockerfile:1',
      'FROM node:20 AS Deps',
      'RUN npm ci',
      'FROM deps AS build',
      'RUN npm run build',
      'FROM alpine AS tools',
      'FROM alpine AS test',
      'RUN --mount=type=bind,from=build,target=/b \\',
      '    ls /b',
      'FROM nginx AS runtime',
      'COPY --from=1 /app/dist /usr/share/nginx/html',
      'COPY --from=tools /bin/x /bin/x',
      'COPY --from=busybox:latest /bin/sh /bin/sh',
    ].join('\n');
    const stages = parseStages(text);
    expect(stages.map((s) => s.name)).toEqual(['deps', 'build', 'tools', 'test', 'runtime']);
    expect(cacheStages(stages)).toEqual(['deps', 'build', 'tools']);
    expect(cacheStages(stages, 'test')).toEqual(['deps', 'build']);
    expect(cacheStages(stages, 'missing')).toEqual([]);
  });
});
