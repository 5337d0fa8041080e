// How far V8 lets the heap grow past what survived the last full collection
// before it collects again. By default it lets it grow to three or four times
// that when a process allocates fast, as a run does: a first apply of 100,000
// series keeps ~130 MB alive (the snapshot of every series; each branch's plan
// is let go of once written) but reached ~600 MB of RSS, nearly all of it
// garbage waiting for a collection. At 1.5 times, its peak is ~360 MB, for a
// few more full collections (each tens of milliseconds at that size).
import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWING_PERCENT = 50;

/**
 * Sets the heap's growing factor for this process, unless the operator set it
 * (`node --heap-growing-percent=N`, NODE_OPTIONS). Called once by the
 * process entry (the CLI, the benchmark), never by library code.
 */
export function limitHeapGrowth(percent: number = HEAP_GROWING_PERCENT): void {
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => /heap[-_]growing[-_]percent/.test(a));
  if (!given) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
