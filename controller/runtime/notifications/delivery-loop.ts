// `serve`'s deliverer: a pass every few seconds and right after each run, one
// pass at a time. Several replicas run it side by side; the row locks share
// the work. Like every write, delivery waits while the guards refuse
// (a production database without CLASSCTL_ALLOW_APPLY): the outbox keeps
// what is waiting.
import type { Database } from '../../store/database.js';
import { checkApplyGuards } from '../guards.js';
import type { Logger } from '../logger.js';
import { deliverNotifications } from './deliver.js';
import type { NotificationMetrics } from './delivery-metrics.js';
import type { ResolvedDestination } from './resolve-destinations.js';

/** Often enough that a retry due in 5 s goes out close to on time; a pass with nothing due is three short queries. */
export const DELIVERY_EVERY_MS = 5_000;

export interface DeliveryLoopOptions {
  db: Database;
  log: Logger;
  loadDestinations: () => Promise<ResolvedDestination[]>;
  guards: { expectedEnv: string | undefined; allowApply: string | undefined };
  metrics?: NotificationMetrics;
  everyMs?: number;
  /** Injected like client-node's cache.ts delayFn, so a test records instead of sleeping. */
  setTimer?: (fn: () => void, ms: number) => { unref?: () => void };
  clearTimer?: (t: unknown) => void;
}

export interface DeliveryLoop {
  /** Run a pass soon (after a run wrote events). */
  kick(): void;
  /** Stops scheduling; waits for the pass in progress. */
  stop(): Promise<void>;
}

export function startDeliveryLoop(o: DeliveryLoopOptions): DeliveryLoop {
  const setTimer = o.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = o.clearTimer ?? ((t) => clearTimeout(t as NodeJS.Timeout));
  const every = o.everyMs ?? DELIVERY_EVERY_MS;
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let timer: unknown = null;

  const pass = async () => {
    try {
      await checkApplyGuards(o.db, { ...o.guards, action: 'deliver notifications' });
    } catch {
      return; // the runs log the refusal; notifications wait in the outbox
    }
    const destinations = await o.loadDestinations();
    await deliverNotifications({ db: o.db, destinations, log: o.log, metrics: o.metrics });
  };
  const schedule = () => {
    if (stopped) return;
    const t = setTimer(() => void tick(), every);
    t.unref?.();
    timer = t;
  };
  const tick = async () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    if (timer !== null) clearTimer(timer);
    timer = null;
    running = pass()
      .catch((err) => o.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'A notification delivery pass failed; the next pass tries again and nothing is lost (the outbox keeps it).'))
      .finally(() => {
        running = null;
        if (again && !stopped) {
          again = false;
          void tick();
        } else schedule();
      });
  };
  void tick();
  return {
    kick: () => void tick(),
    async stop() {
      stopped = true;
      if (timer !== null) clearTimer(timer);
      await running;
    },
  };
}
