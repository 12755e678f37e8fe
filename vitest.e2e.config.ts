import { defineConfig } from 'vitest/config';

/** The built bundle, run as a whole process against the lab. */
export default defineConfig({
  test: {
    include: ['__tests__/e2e/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // The action runs on node24; the SDK's notice about Node 20 here is noise in test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    fileParallelism: false,
  },
});
