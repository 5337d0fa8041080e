// The delivery rows: routed from the outbox, claimed by deliverers with
// FOR UPDATE SKIP LOCKED, and settled in the claiming transaction.
import type { EventType, NotificationEvent, Severity } from '../../core/notifications/event.js';
import type { Sql } from '../database.js';
import { isoFromMs, msFromTimestamp } from '../instants.js';

export interface UnroutedEvent {
  id: string;
  type: EventType;
  severity: Severity;
}

/** Unrouted events, oldest first, locked (skipping those another deliverer is routing). */
export async function claimUnrouted(tx: Sql, limit: number): Promise<UnroutedEvent[]> {
  return tx.query<UnroutedEvent>(
    `SELECT id, type, severity FROM notification_outbox WHERE routed_at IS NULL ORDER BY created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  );
}

/** Creates the delivery rows (due at `nowMs`) and marks the events routed. */
export async function recordRouting(tx: Sql, eventIds: string[], pairs: Array<{ eventId: string; destination: string }>, nowMs: number): Promise<void> {
  if (pairs.length > 0) {
    await tx.query(
      `INSERT INTO notification_deliveries (event_id, destination, next_attempt_at)
       SELECT event_id, destination, $3::timestamptz FROM unnest($1::text[], $2::text[]) AS p(event_id, destination)
       ON CONFLICT DO NOTHING`,
      [pairs.map((p) => p.eventId), pairs.map((p) => p.destination), isoFromMs(nowMs)],
    );
  }
  await tx.query(`UPDATE notification_outbox SET routed_at = $2::timestamptz WHERE id = ANY($1::text[])`, [eventIds, isoFromMs(nowMs)]);
}

/**
 * Deletes events routed before `beforeMs` that have nothing left to do: every
 * delivery delivered, or none (no destination wanted them). Dead and pending
 * deliveries keep their event. At most `limit` per call, so one pass stays short.
 */
export async function pruneOutbox(sql: Sql, beforeMs: number, limit: number): Promise<number> {
  const rows = await sql.query(
    `DELETE FROM notification_outbox WHERE id IN (
       SELECT o.id FROM notification_outbox o
        WHERE o.routed_at < $1::timestamptz
          AND NOT EXISTS (SELECT 1 FROM notification_deliveries d WHERE d.event_id = o.id AND d.status <> 'delivered')
        LIMIT $2)
     RETURNING id`,
    [isoFromMs(beforeMs), limit],
  );
  return rows.length;
}

export interface ClaimedDelivery {
  event: NotificationEvent;
  destination: string;
  attempts: number;
}

interface ClaimedRow {
  id: string;
  type: EventType;
  severity: Severity;
  occurred_at: Date | string;
  run_id: string | null;
  branch_id: string | null;
  series_id: string | null;
  data: Record<string, unknown> | string;
  destination: string;
  attempts: number;
}

/**
 * Due pending deliveries to `destinations`, locked until the transaction
 * ends: a second deliverer skips them and takes the next ones.
 */
export async function claimDue(tx: Sql, destinations: string[], nowMs: number, limit: number): Promise<ClaimedDelivery[]> {
  if (destinations.length === 0) return [];
  const rows = await tx.query<ClaimedRow>(
    `SELECT o.id, o.type, o.severity, o.occurred_at, o.run_id::text AS run_id, o.branch_id, o.series_id, o.data, d.destination, d.attempts
       FROM notification_deliveries d JOIN notification_outbox o ON o.id = d.event_id
      WHERE d.status = 'pending' AND d.next_attempt_at <= $2::timestamptz AND d.destination = ANY($1::text[])
      ORDER BY d.next_attempt_at, d.event_id, d.destination
      LIMIT $3
      FOR UPDATE OF d SKIP LOCKED`,
    [destinations, isoFromMs(nowMs), limit],
  );
  return rows.map((r) => ({
    destination: r.destination,
    attempts: r.attempts,
    event: {
      id: r.id,
      type: r.type,
      severity: r.severity,
      occurredAt: new Date(msFromTimestamp(r.occurred_at)!).toISOString(),
      runId: r.run_id,
      branchId: r.branch_id,
      seriesId: r.series_id,
      data: typeof r.data === 'string' ? (JSON.parse(r.data) as Record<string, unknown>) : r.data,
    },
  }));
}

export type Settlement =
  | { kind: 'delivered'; status: number }
  | { kind: 'retry'; at: number; status: number | null; error: string }
  | { kind: 'dead'; status: number | null; error: string }
  /** The destination is gone (410) or disabled: the row waits, unattempted. */
  | { kind: 'untouched' };

export interface SettledDelivery {
  eventId: string;
  destination: string;
  settlement: Settlement;
}

/** Writes every outcome of a batch in one statement. */
export async function settleDeliveries(tx: Sql, settled: SettledDelivery[], nowMs: number): Promise<void> {
  const rows = settled.filter((s) => s.settlement.kind !== 'untouched');
  if (rows.length === 0) return;
  const now = isoFromMs(nowMs);
  await tx.query(
    `UPDATE notification_deliveries d
        SET status = s.status, attempts = d.attempts + 1, last_attempt_at = $7::timestamptz,
            next_attempt_at = COALESCE(s.next_at, d.next_attempt_at), last_status = s.http_status, last_error = s.error,
            delivered_at = CASE WHEN s.status = 'delivered' THEN $7::timestamptz ELSE d.delivered_at END
       FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::int[], $6::text[]) AS s(event_id, destination, status, next_at, http_status, error)
      WHERE d.event_id = s.event_id AND d.destination = s.destination`,
    [
      rows.map((r) => r.eventId),
      rows.map((r) => r.destination),
      rows.map((r) => (r.settlement.kind === 'retry' ? 'pending' : r.settlement.kind)),
      rows.map((r) => (r.settlement.kind === 'retry' ? isoFromMs(r.settlement.at) : null)),
      rows.map((r) => ('status' in r.settlement ? r.settlement.status : null)),
      rows.map((r) => ('error' in r.settlement ? r.settlement.error : null)),
      now,
    ],
  );
}

export async function readDisabled(sql: Sql): Promise<Map<string, { targetDigest: string; reason: string; disabledAt: string }>> {
  const rows = await sql.query<{ destination: string; target_digest: string; reason: string; disabled_at: Date | string }>(`SELECT destination, target_digest, reason, disabled_at FROM notification_destinations_disabled`);
  return new Map(rows.map((r) => [r.destination, { targetDigest: r.target_digest, reason: r.reason, disabledAt: new Date(msFromTimestamp(r.disabled_at)!).toISOString() }]));
}

export async function disableDestination(sql: Sql, destination: string, targetDigest: string, reason: string): Promise<void> {
  await sql.query(
    `INSERT INTO notification_destinations_disabled (destination, target_digest, reason) VALUES ($1, $2, $3)
     ON CONFLICT (destination) DO UPDATE SET target_digest = EXCLUDED.target_digest, reason = EXCLUDED.reason, disabled_at = now()`,
    [destination, targetDigest, reason],
  );
}

/** A destination whose document now names another target is enabled again. */
export async function enableDestination(sql: Sql, destination: string): Promise<void> {
  await sql.query(`DELETE FROM notification_destinations_disabled WHERE destination = $1`, [destination]);
}

/**
 * Deliveries waiting, and when the oldest one's event was written (null: none
 * waits). The event's creation, not its routing, is the start of the wait: an
 * event no deliverer picked up for an hour has waited an hour.
 */
export async function pendingBacklog(sql: Sql): Promise<{ count: number; oldestCreatedMs: number | null }> {
  const rows = await sql.query<{ n: string | number; oldest: Date | string | null }>(
    `SELECT count(*) AS n, min(o.created_at) AS oldest
       FROM notification_deliveries d JOIN notification_outbox o ON o.id = d.event_id
      WHERE d.status = 'pending'`,
  );
  const oldest = rows[0]?.oldest ?? null;
  return { count: Number(rows[0]?.n ?? 0), oldestCreatedMs: oldest === null ? null : new Date(oldest).getTime() };
}
