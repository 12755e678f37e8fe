/**
 * Not an entry of its own: the bundler's one root for the two entries (src/entry/main.ts,
 * src/entry/post.ts), so both steps share the SDK chunks instead of each carrying a copy
 * (dist/ stays under 5 MB). dist/post/index.js is a stub that marks the post step and
 * requires dist/index.js, which starts the entry of that step.
 */
const step = (globalThis as { ecsReleaseStep?: string }).ecsReleaseStep;
if (step === 'post') void import('../src/entry/post');
else void import('../src/entry/main');
