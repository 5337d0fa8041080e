// Writing events into the outbox, in the caller's transaction: one statement
// for any number of events (unnest arrays). An event already there (the same
// branch written again after a lost COMMIT acknowledgement) is left as it is.
import type { NotificationEvent } from '../../core/notifications/event.js';
import type { Sql } from '../database.js';

export async function insertEvents(sql: Sql, events: readonly NotificationEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const rows = await sql.query(
    `INSERT INTO notification_outbox (id, type, severity, occurred_at, run_id, branch_id, series_id, data)
     SELECT id, type, severity, occurred_at, run_id, branch_id, series_id, data::jsonb
       FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::bigint[], $6::text[], $7::text[], $8::text[])
            AS e(id, type, severity, occurred_at, run_id, branch_id, series_id, data)
     ON CONFLICT (id) DO NOTHING
     RETURNING id`,
    [
      events.map((e) => e.id),
      events.map((e) => e.type),
      events.map((e) => e.severity),
      events.map((e) => e.occurredAt),
      events.map((e) => e.runId),
      events.map((e) => e.branchId),
      events.map((e) => e.seriesId),
      events.map((e) => JSON.stringify(e.data)),
    ],
  );
  return rows.length;
}
