// What `classctl notifications` shows and what `notifications retry` changes.
import type { Sql } from '../database.js';
import { isoFromMs, msFromTimestamp } from '../instants.js';

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

export interface DeliveryView {
  eventId: string;
  type: string;
  severity: string;
  occurredAt: string;
  runId: string | null;
  destination: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  lastStatus: number | null;
}

export interface OutboxState {
  deliveries: DeliveryView[];
  /** Events no destination has been matched against yet (no destination configured, or none delivered since). */
  unrouted: number;
  disabled: Array<{ destination: string; reason: string; disabledAt: string }>;
}

interface Row {
  event_id: string;
  type: string;
  severity: string;
  occurred_at: Date | string;
  run_id: string | null;
  destination: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date | string;
  last_error: string | null;
  last_status: number | null;
}

const iso = (v: Date | string) => new Date(msFromTimestamp(v)!).toISOString();

export async function readOutboxState(sql: Sql, filter: { status?: DeliveryStatus; limit: number }): Promise<OutboxState> {
  const rows = await sql.query<Row>(
    `SELECT d.event_id, o.type, o.severity, o.occurred_at, o.run_id::text AS run_id, d.destination, d.status, d.attempts, d.next_attempt_at, d.last_error, d.last_status
       FROM notification_deliveries d JOIN notification_outbox o ON o.id = d.event_id
      WHERE $1::text IS NULL OR d.status = $1
      ORDER BY o.created_at DESC, d.event_id, d.destination COLLATE "C"
      LIMIT $2`,
    [filter.status ?? null, filter.limit],
  );
  const unrouted = await sql.query<{ n: string | number }>(`SELECT count(*) AS n FROM notification_outbox WHERE routed_at IS NULL`);
  const disabled = await sql.query<{ destination: string; reason: string; disabled_at: Date | string }>(`SELECT destination, reason, disabled_at FROM notification_destinations_disabled ORDER BY destination COLLATE "C"`);
  return {
    deliveries: rows.map((r) => ({
      eventId: r.event_id,
      type: r.type,
      severity: r.severity,
      occurredAt: iso(r.occurred_at),
      runId: r.run_id,
      destination: r.destination,
      status: r.status,
      attempts: r.attempts,
      nextAttemptAt: r.status === 'pending' ? iso(r.next_attempt_at) : null,
      lastError: r.last_error,
      lastStatus: r.last_status,
    })),
    unrouted: Number(unrouted[0]?.n ?? 0),
    disabled: disabled.map((d) => ({ destination: d.destination, reason: d.reason, disabledAt: iso(d.disabled_at) })),
  };
}

/**
 * Dead deliveries (of one event, or all) back to pending, due at `nowMs`,
 * with a fresh count of attempts; returns how many.
 */
export async function retryDeadDeliveries(sql: Sql, which: { eventId: string } | { allDead: true }, nowMs: number): Promise<number> {
  const rows = await sql.query(
    `UPDATE notification_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $2::timestamptz
      WHERE status = 'dead' AND ($1::text IS NULL OR event_id = $1)
      RETURNING event_id`,
    ['eventId' in which ? which.eventId : null, isoFromMs(nowMs)],
  );
  return rows.length;
}
