/**
 * Keeps V8's young generation at its starting size for the whole process (SPEC 5: under
 * 100 MB while streaming 100,000 log lines).
 *
 * Streaming a migration's output allocates fast and briefly (each GetLogEvents page is
 * parsed, printed and dropped), and V8 reads a fast allocation rate as a reason to double
 * the semi-spaces, 1 MB → 8 MB → 16 MB each: measured, +10 to +26 MB of heap, as resident
 * memory, for garbage that dies young anyway. Nothing the action holds is that large, so
 * the young generation stays at 1 MB: more scavenges (about 40 instead of 25 over 100,000
 * lines, each about 1 ms), and a peak 8 to 16 MB lower.
 *
 * `--max-semi-space-size` cannot do this at run time: V8 sizes the heap when the isolate is
 * made, before any of our code (measured: no effect, or worse). The growth factor is read
 * each time the young generation would grow, so setting it here works; a factor of 1 makes
 * each growth step a no-op. Set from the bundle's entry, so every step and the CLI get it,
 * without asking users for NODE_OPTIONS.
 */
import { setFlagsFromString } from 'node:v8';

export const YOUNG_GENERATION_FLAG = '--semi-space-growth-factor=1';

export function holdYoungGeneration(): void {
  setFlagsFromString(YOUNG_GENERATION_FLAG);
}
