/**
 * The one bundle entry of both steps, so the main and the post step share the SDK
 * chunks instead of each carrying a copy (dist/ stays under 5 MB). dist/post/index.js
 * is a stub that marks the post step and requires dist/index.js.
 */
const step = (globalThis as { ecsReleaseStep?: string }).ecsReleaseStep;
if (step === 'post') void import('../src/post');
else void import('../src/index');
