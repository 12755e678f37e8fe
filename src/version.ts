/** Kept in step with package.json by `npm run bundle` (checked by a test). */
export const VERSION = '0.1.0';
