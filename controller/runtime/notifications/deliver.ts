// One delivery pass: route new outbox events to the destinations that want
// them, then send due deliveries batch by batch until none is due or the
// deadline passes. At least once: a delivery is marked delivered only after a
// 2xx, in the transaction that holds its row lock (FOR UPDATE SKIP LOCKED),
// so replicas never send the same row at once; a crash between the answer and
// the COMMIT sends it again, under the same webhook-id.
import { afterFailure, DEFAULT_BACKOFF, type BackoffPolicy } from '../../core/notifications/backoff.js';
import { wants } from '../../core/notifications/destination.js';
import type { Database } from '../../store/database.js';
import { claimDue, claimUnrouted, pendingBacklog, pruneOutbox, disableDestination, enableDestination, readDisabled, recordRouting, settleDeliveries, type SettledDelivery } from '../../store/notifications/deliveries.js';
import type { Logger } from '../logger.js';
import type { NotificationMetrics } from './delivery-metrics.js';
import type { ResolvedDestination } from './resolve-destinations.js';
import { sendEvent, SEND_TIMEOUT_MS, type SendOutcome } from './send.js';

/** Rows claimed per transaction: small, so a slow receiver holds few locks and a deadline is kept. */
export const DELIVERY_BATCH = 20;
const ROUTE_BATCH = 500;
/** How long a delivered event stays in the outbox, for `classctl notifications` and a receiver's questions. */
export const OUTBOX_RETENTION_MS = 7 * 24 * 3_600_000;
const PRUNE_BATCH = 1_000;

export interface DeliverOptions {
  db: Database;
  destinations: readonly ResolvedDestination[];
  log: Logger;
  clock?: () => number;
  random?: () => number;
  backoff?: BackoffPolicy;
  /** Stop claiming new batches after this instant (clock ms); absent: until nothing is due. */
  deadline?: number;
  metrics?: NotificationMetrics;
  batchSize?: number;
  sendTimeoutMs?: number;
  /** The HTTP attempt (tests pass one that records; production: sendEvent). */
  send?: typeof sendEvent;
}

export interface DeliverySummary {
  routed: number;
  delivered: number;
  failed: number;
  dead: number;
  /** Deliveries still waiting (due later, or left at the deadline). */
  pending: number;
  /** Seconds since the oldest waiting delivery's event was written, at the end of the pass; 0 when none waits. */
  oldestPendingAgeSeconds: number;
}

export async function deliverNotifications(o: DeliverOptions): Promise<DeliverySummary> {
  const clock = o.clock ?? Date.now;
  const summary: DeliverySummary = { routed: 0, delivered: 0, failed: 0, dead: 0, pending: 0, oldestPendingAgeSeconds: 0 };
  summary.routed = await routeEvents(o.db, o.destinations, clock());
  const active = await activeDestinations(o.db, o.destinations, o.log);
  const byName = new Map(active.map((d) => [d.name, d]));
  while (o.deadline === undefined || clock() < o.deadline) {
    const batch = await deliverBatch(o, byName, clock, summary);
    if (batch === 0) break;
  }
  await pruneOutbox(o.db, clock() - OUTBOX_RETENTION_MS, PRUNE_BATCH);
  const backlog = await pendingBacklog(o.db);
  summary.pending = backlog.count;
  summary.oldestPendingAgeSeconds = backlog.oldestCreatedMs === null ? 0 : Math.max(0, (clock() - backlog.oldestCreatedMs) / 1000);
  o.metrics?.pending.set(summary.pending);
  o.metrics?.oldestPendingAge.set(summary.oldestPendingAgeSeconds);
  return summary;
}

/** Matches unrouted events against the destinations: one delivery row per destination that wants the event. */
async function routeEvents(db: Database, destinations: readonly ResolvedDestination[], nowMs: number): Promise<number> {
  let routed = 0;
  for (;;) {
    const n = await db.transaction(async (tx) => {
      const events = await claimUnrouted(tx, ROUTE_BATCH);
      if (events.length === 0) return 0;
      const pairs = events.flatMap((e) => destinations.filter((d) => wants(d.filter, e)).map((d) => ({ eventId: e.id, destination: d.name })));
      await recordRouting(tx, events.map((e) => e.id), pairs, nowMs);
      return events.length;
    });
    routed += n;
    if (n < ROUTE_BATCH) return routed;
  }
}

/** Destinations not disabled by a 410 for their current target; one whose target changed is enabled again. */
async function activeDestinations(db: Database, destinations: readonly ResolvedDestination[], log: Logger): Promise<ResolvedDestination[]> {
  const disabled = await readDisabled(db);
  const active: ResolvedDestination[] = [];
  for (const d of destinations) {
    const off = disabled.get(d.name);
    if (off && off.targetDigest === d.targetDigest) continue;
    if (off) {
      await enableDestination(db, d.name);
      log.info({ destination: d.name }, `Destination ${d.name} was disabled (${off.reason}) and now points elsewhere; it is enabled again and its waiting notifications are sent.`);
    }
    active.push(d);
  }
  return active;
}

async function deliverBatch(o: DeliverOptions, byName: Map<string, ResolvedDestination>, clock: () => number, summary: DeliverySummary): Promise<number> {
  const send = o.send ?? sendEvent;
  const random = o.random ?? Math.random;
  const policy = o.backoff ?? DEFAULT_BACKOFF;
  return o.db.transaction(async (tx) => {
    const claimed = await claimDue(tx, [...byName.keys()], clock(), o.batchSize ?? DELIVERY_BATCH);
    if (claimed.length === 0) return 0;
    const gone = new Set<string>();
    const settled: SettledDelivery[] = [];
    // One destination's deliveries in order (a receiver sees a session's events as they happened); destinations in parallel.
    const byDestination = new Map<string, typeof claimed>();
    for (const c of claimed) byDestination.set(c.destination, [...(byDestination.get(c.destination) ?? []), c]);
    await Promise.all(
      [...byDestination].map(async ([name, rows]) => {
        const d = byName.get(name)!;
        for (const row of rows) {
          // Past the deadline (a one-shot command's --notify-timeout) the rest of the batch waits for the next deliverer.
          const at = clock();
          const left = o.deadline === undefined ? Infinity : o.deadline - at;
          if (gone.has(name) || left <= 0) {
            settled.push({ eventId: row.event.id, destination: name, settlement: { kind: 'untouched' } });
            continue;
          }
          const outcome: SendOutcome = await send(d, row.event, at, Math.min(o.sendTimeoutMs ?? SEND_TIMEOUT_MS, left));
          const log = o.log.child({ destination: name, eventId: row.event.id, eventType: row.event.type, ...(row.event.runId ? { runId: row.event.runId } : {}) });
          if (outcome.kind === 'delivered') {
            settled.push({ eventId: row.event.id, destination: name, settlement: { kind: 'delivered', status: outcome.status } });
            summary.delivered++;
            o.metrics?.delivered.inc({ type: d.type });
          } else if (outcome.kind === 'gone') {
            gone.add(name);
            settled.push({ eventId: row.event.id, destination: name, settlement: { kind: 'untouched' } });
            await disableDestination(tx, name, d.targetDigest, `the receiver answered 410 Gone at ${new Date(at).toISOString()}`);
            log.warn(`Destination ${name} answered 410 Gone: it is disabled and gets nothing until its document names another target. Its notifications wait in the outbox (classctl notifications --pending).`);
          } else {
            const attempts = row.attempts + 1;
            const next = afterFailure(attempts, clock(), policy, random);
            summary.failed++;
            o.metrics?.failed.inc({ type: d.type });
            if (next.kind === 'dead') {
              settled.push({ eventId: row.event.id, destination: name, settlement: { kind: 'dead', status: outcome.status, error: outcome.error } });
              summary.dead++;
              o.metrics?.dead.inc({ type: d.type });
              log.error({ attempts, status: outcome.status }, `Notification ${row.event.id} to ${name} failed ${attempts} times (last: ${outcome.error}); it is dead-lettered. Fix the receiver, then classctl notifications retry ${row.event.id}.`);
            } else {
              settled.push({ eventId: row.event.id, destination: name, settlement: { kind: 'retry', at: next.at, status: outcome.status, error: outcome.error } });
              log.warn({ attempts, status: outcome.status, retryAt: new Date(next.at).toISOString() }, `Notification ${row.event.id} to ${name} failed (${outcome.error}); retrying at ${new Date(next.at).toISOString()}.`);
            }
          }
        }
      }),
    );
    await settleDeliveries(tx, settled, clock());
    for (const name of gone) byName.delete(name);
    // Only rows settled count as progress: a batch of a gone destination's rows ends the pass for it.
    return settled.some((s) => s.settlement.kind !== 'untouched') || gone.size > 0 ? claimed.length : 0;
  });
}
