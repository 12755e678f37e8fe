import { defineConfig } from 'vitest/config';

/** The built bundle, run as a whole process against the lab. */
export default defineConfig({
  test: {
    include: ['__tests__/e2e/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // lab/test runs on Node 24; a run on an older `node` (npx vitest) would get the SDK's notice about it.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    fileParallelism: false,
  },
});
