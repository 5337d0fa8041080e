// Backpressure for output written as a run goes: wait until a stream takes
// more, or is gone (closed, failed), so a run never outpaces its reader nor
// hangs on one that left.
import { once } from 'node:events';

/** Resolves on 'drain', 'close' or 'error' (the next write reports an error). */
export async function drained(stream: NodeJS.WritableStream): Promise<void> {
  const ac = new AbortController();
  try {
    await Promise.race([once(stream, 'drain', { signal: ac.signal }), once(stream, 'close', { signal: ac.signal })]);
  } catch {
    // An 'error' (once rejects on it) or the abort below: the next write reports it.
  } finally {
    ac.abort();
  }
}
