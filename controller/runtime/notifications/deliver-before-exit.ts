// A one-shot command (reconcile --apply, apply) delivers what it can before
// it exits, for at most --notify-timeout; what is left waits in the outbox
// for the next run or `serve`. Delivery never changes the run's exit code.
import type { Database } from '../../store/database.js';
import type { Logger } from '../logger.js';
import { deliverNotifications } from './deliver.js';
import { loadDestinations, type DestinationSource } from './destinations-source.js';
import { SEND_TIMEOUT_MS } from './send.js';

export const DEFAULT_NOTIFY_TIMEOUT_MS = 10_000;

export async function deliverBeforeExit(db: Database, src: DestinationSource, log: Logger, timeoutMs: number): Promise<void> {
  if (timeoutMs <= 0) return;
  const started = Date.now();
  try {
    const destinations = await loadDestinations(src, log);
    const s = await deliverNotifications({ db, destinations, log, deadline: started + timeoutMs, sendTimeoutMs: Math.min(SEND_TIMEOUT_MS, timeoutMs) });
    if (s.delivered + s.failed > 0 || s.pending > 0) {
      log.info({ ...s }, s.pending > 0 ? `Notifications: ${s.delivered} delivered, ${s.pending} still waiting; the next run or classctl serve sends them.` : `Notifications: ${s.delivered} delivered.`);
    }
  } catch (err) {
    log.warn({ err: err instanceof Error ? err.message : String(err) }, 'Could not deliver notifications before exiting; they wait in the outbox for the next run or classctl serve.');
  }
}
