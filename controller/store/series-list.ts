// Series for the console's Series view, live ones and archived ones, a page
// at a time in id order (keyset on the id and whether it is archived: the
// host may re-create an archived id, so both can exist).
import type { Sql } from './database.js';

export interface SeriesListItem {
  id: string;
  branchId: string;
  title: string;
  roomId: string | null;
  instructorId: string | null;
  rrule: string | null;
  startDate: string | null;
  endDate: string | null;
  startTime: string | null;
  /** `active`: in class_series; `archived`: in class_series_archive (ended, its sessions kept). */
  status: 'active' | 'archived';
  archived: boolean;
  /** When it was archived (ISO), or null. */
  archivedAt: string | null;
}

export interface SeriesListQuery {
  branchId?: string;
  status: 'active' | 'archived' | 'all';
  limit: number;
  /** The last item of the previous page. */
  after?: { id: string; archived: boolean };
}

interface Row {
  id: string;
  branch_id: string;
  title: string;
  room_id: string | null;
  instructor_id: string | null;
  rrule: string | null;
  start_date: string | null;
  end_date: string | null;
  start_time: string | null;
  archived: boolean;
  archived_at: string | null;
}

export async function listSeries(sql: Sql, q: SeriesListQuery): Promise<{ items: SeriesListItem[]; more: boolean }> {
  const params: unknown[] = [q.branchId ?? null, q.after?.id ?? null, q.after?.archived ?? false, q.limit + 1];
  const parts: string[] = [];
  if (q.status !== 'archived') {
    parts.push(`SELECT id, branch_id, title, room_id, instructor_id, rrule, start_date::text AS start_date, end_date::text AS end_date,
                       to_char(start_time, 'HH24:MI') AS start_time, false AS archived, NULL::text AS archived_at
                  FROM class_series WHERE ($1::text IS NULL OR branch_id = $1)`);
  }
  if (q.status !== 'active') {
    parts.push(`SELECT id, "row"->>'branchId' AS branch_id, "row"->>'title' AS title, "row"->>'roomId' AS room_id, "row"->>'instructorId' AS instructor_id,
                       "row"->>'rrule' AS rrule, "row"->>'startDate' AS start_date, "row"->>'endDate' AS end_date, "row"->>'startTime' AS start_time,
                       true AS archived, to_char(deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS archived_at
                  FROM class_series_archive WHERE ($1::text IS NULL OR "row"->>'branchId' = $1)`);
  }
  const rows = await sql.query<Row>(
    `SELECT * FROM (${parts.join(' UNION ALL ')}) AS listed
      WHERE $2::text IS NULL OR (id COLLATE "C", archived) > ($2::text COLLATE "C", $3::boolean)
      ORDER BY id COLLATE "C", archived LIMIT $4::int`,
    params,
  );
  const more = rows.length > q.limit;
  return {
    more,
    items: rows.slice(0, q.limit).map((r) => ({
      id: r.id,
      branchId: r.branch_id,
      title: r.title,
      roomId: r.room_id,
      instructorId: r.instructor_id,
      rrule: r.rrule,
      startDate: r.start_date,
      endDate: r.end_date,
      startTime: r.start_time,
      status: r.archived ? 'archived' : 'active',
      archived: r.archived,
      archivedAt: r.archived_at,
    })),
  };
}
