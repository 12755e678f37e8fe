/**
 * Caps V8's young generation at 8 MB for the whole process (SPEC 5: under 100 MB while
 * streaming 100,000 log lines).
 *
 * Streaming a migration's output allocates fast and briefly (each GetLogEvents page is
 * parsed, printed and dropped), and V8 reads a fast allocation rate as a reason to double
 * the young generation again, 8 MB → 16 MB → 32 MB: measured, +10 to +26 MB of heap, as
 * resident memory, for garbage that dies young anyway. Loading the SDK grows it from 1 MB
 * to 8 MB, and 8 MB is enough: held there, a burst costs more scavenges (about 40 instead
 * of 25 over 100,000 lines, each about 1 ms). Measured with bench/memory/run.ts, 5 runs:
 * bundled like dist/, peaks 85-95 MB become 86-90 (the worst runs go, the median is 1 to
 * 2 MB higher); bundled by esbuild alone, 99-109 MB become 91-93. Held at
 * 1 MB instead, objects still in use at each scavenge are promoted to the old generation,
 * which then fills with garbage until a full collection: measured, worse than no cap.
 *
 * `--max-semi-space-size` cannot do this at run time: V8 sizes the heap when the isolate is
 * made, before any of our code (measured: no effect). The growth factor is read each time
 * the young generation would grow, so it is set to 1 (each growth step a no-op) once the
 * young generation has reached the cap; a GC observer watches for that and then stops.
 * Started from the bundle's entry, so every step and the CLI get it, without NODE_OPTIONS.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

export const YOUNG_GENERATION_CAP = 8 * 1024 * 1024;
const HOLD_FLAG = '--semi-space-growth-factor=1';

export function youngGenerationSize(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}

/** Stops the young generation's growth once it is `cap` bytes (at once if it is already). */
export function holdYoungGeneration(cap = YOUNG_GENERATION_CAP): void {
  const reached = (): boolean => {
    if (youngGenerationSize() < cap) return false;
    setFlagsFromString(HOLD_FLAG);
    return true;
  };
  if (reached()) return;
  const observer = new PerformanceObserver(() => {
    if (reached()) observer.disconnect();
  });
  observer.observe({ entryTypes: ['gc'] });
}
