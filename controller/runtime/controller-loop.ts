// The reconcile loop of `classctl serve`: a run at start, then every interval
// (with jitter), and at once when something changed (NOTIFY, the config
// directory, POST /api/reconcile). One run at a time: triggers that arrive
// during a run are coalesced into one follow-up run, so a burst of edits costs
// at most two runs, and the follow-up sees every edit of the burst. Runs are
// level-based (they recompute everything), so merging triggers loses nothing.
import type { Logger } from './logger.js';

export type TriggerReason = 'start' | 'interval' | 'notify' | 'config' | 'api';

/** setTimeout/clearTimeout, injected so tests fire timers by hand instead of sleeping. */
export interface LoopTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: LoopTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/**
 * ±10 %: replicas started together (a rollout) drift apart instead of hitting
 * the database in the same second forever.
 */
export const DEFAULT_JITTER_RATIO = 0.1;

export interface ControllerLoopOptions {
  /** One run; the reasons that caused it, deduplicated. Errors are logged, never fatal to the loop. */
  run: (reasons: TriggerReason[]) => Promise<unknown>;
  intervalMs: number;
  jitterRatio?: number;
  /** Uniform in [0, 1); injected for tests. */
  random?: () => number;
  timers?: LoopTimers;
  clock?: () => number;
  logger: Logger;
}

export interface LoopStatus {
  /** stop() was called: no trigger is taken any more. */
  stopping: boolean;
  running: boolean;
  /** Start of the run in progress (clock ms), or null. */
  runStartedAtMs: number | null;
  /** Triggers waiting for the run in progress to end. */
  pending: TriggerReason[];
  /** When the interval timer fires next (clock ms), or null while a run is due or in progress. */
  nextRunAtMs: number | null;
  /** Runs finished since start. */
  completedRuns: number;
}

export type StopOutcome = 'idle' | 'finished' | 'deadline';

export interface ControllerLoop {
  /** Runs at once, then on the interval. */
  start(): void;
  /** Asks for a run as soon as possible; false once stopping. */
  trigger(reason: TriggerReason): boolean;
  status(): LoopStatus;
  /**
   * Stops taking triggers and waits for the run in progress, at most
   * `deadlineMs`: 'idle' (nothing was running), 'finished', or 'deadline'.
   */
  stop(deadlineMs: number): Promise<StopOutcome>;
  /** Resolves once no run is in progress and none is pending (tests, shutdown). */
  whenIdle(): Promise<void>;
}

/** The delay to the next interval run: interval × (1 ± jitter). */
export function jitteredDelay(intervalMs: number, jitterRatio: number, random: () => number): number {
  return Math.max(0, Math.round(intervalMs * (1 + jitterRatio * (2 * random() - 1))));
}

export function createControllerLoop(opts: ControllerLoopOptions): ControllerLoop {
  const timers = opts.timers ?? realTimers;
  const clock = opts.clock ?? Date.now;
  const random = opts.random ?? Math.random;
  const jitterRatio = opts.jitterRatio ?? DEFAULT_JITTER_RATIO;
  const log = opts.logger;

  const pending = new Set<TriggerReason>();
  let stopping = false;
  let current: Promise<void> | null = null;
  let runStartedAtMs: number | null = null;
  let timer: unknown = null;
  let nextRunAtMs: number | null = null;
  let completedRuns = 0;
  let idleWaiters: Array<() => void> = [];

  function clearTimer(): void {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
    nextRunAtMs = null;
  }

  function scheduleNext(): void {
    clearTimer();
    if (stopping) return;
    const delay = jitteredDelay(opts.intervalMs, jitterRatio, random);
    nextRunAtMs = clock() + delay;
    timer = timers.setTimeout(() => {
      timer = null;
      nextRunAtMs = null;
      trigger('interval');
    }, delay);
  }

  // Runs while triggers are pending. Called only when no run is in progress;
  // `current` is set before the first await, so a second trigger in the same
  // tick sees the run and only queues.
  async function drain(): Promise<void> {
    while (pending.size > 0 && !stopping) {
      const reasons = [...pending];
      pending.clear();
      runStartedAtMs = clock();
      try {
        await opts.run(reasons);
      } catch (err) {
        log.error({ err, reasons }, 'Controller run threw; the loop goes on and the next trigger or interval runs again.');
      } finally {
        runStartedAtMs = null;
        completedRuns++;
      }
    }
  }

  function kick(): void {
    clearTimer();
    current = drain().finally(() => {
      current = null;
      scheduleNext();
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    });
  }

  function trigger(reason: TriggerReason): boolean {
    if (stopping) return false;
    pending.add(reason);
    if (current) {
      log.debug({ reason }, 'Run in progress: trigger queued for one follow-up run.');
    } else {
      kick();
    }
    return true;
  }

  return {
    start() {
      trigger('start');
    },
    trigger,
    status() {
      return { stopping, running: runStartedAtMs !== null, runStartedAtMs, pending: [...pending], nextRunAtMs, completedRuns };
    },
    async stop(deadlineMs) {
      stopping = true;
      pending.clear();
      clearTimer();
      const running = current;
      if (!running) return 'idle';
      let deadlineTimer: unknown = null;
      const deadline = new Promise<StopOutcome>((resolve) => {
        deadlineTimer = timers.setTimeout(() => resolve('deadline'), deadlineMs);
      });
      const outcome = await Promise.race([running.then((): StopOutcome => 'finished'), deadline]);
      timers.clearTimeout(deadlineTimer);
      return outcome;
    },
    whenIdle() {
      if (!current && pending.size === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
