// The branches with the rooms and instructors each one's series name, for
// the console's filters. Read from class_series only (one row per series):
// a scan of the sessions for the few a person moved to another room would
// cost as much as the whole schedule. The rooms and instructors of the
// sessions of a week come with that week (GET /api/schedule).
import type { Sql } from './database.js';
import { toPgArrayLiteral } from './pg-array.js';

export interface BranchResources {
  id: string;
  name: string;
  timeZone: string;
  rooms: string[];
  instructors: string[];
}

export async function listBranchResources(sql: Sql, o: { maxBranches: number; maxPerBranch: number }): Promise<{ branches: BranchResources[]; truncated: boolean }> {
  const branches = await sql.query<{ id: string; name: string | null; timezone: string }>(
    `SELECT id, name, timezone FROM branches ORDER BY id COLLATE "C" LIMIT $1::int`,
    [o.maxBranches + 1],
  );
  const truncated = branches.length > o.maxBranches;
  const kept = branches.slice(0, o.maxBranches);
  if (kept.length === 0) return { branches: [], truncated };
  const ids = kept.map((b) => b.id);
  const used = await sql.query<{ branch_id: string; kind: 'room' | 'instructor'; value: string }>(
    `WITH used AS (
       SELECT branch_id, room_id, instructor_id FROM class_series WHERE branch_id = ANY($1::text[])
     ), listed AS (
       SELECT branch_id, 'room' AS kind, room_id AS value FROM used WHERE room_id IS NOT NULL AND room_id <> ''
       UNION
       SELECT branch_id, 'instructor', instructor_id FROM used WHERE instructor_id IS NOT NULL AND instructor_id <> ''
     )
     SELECT branch_id, kind, value FROM (
       SELECT *, row_number() OVER (PARTITION BY branch_id, kind ORDER BY value COLLATE "C") AS nth FROM listed
     ) AS numbered WHERE nth <= $2::int
     ORDER BY branch_id COLLATE "C", kind, value COLLATE "C"`,
    [toPgArrayLiteral(ids), o.maxPerBranch],
  );
  const byId = new Map<string, BranchResources>(kept.map((b) => [b.id, { id: b.id, name: b.name ?? b.id, timeZone: b.timezone, rooms: [], instructors: [] }]));
  for (const u of used) {
    const b = byId.get(u.branch_id);
    if (!b) continue;
    (u.kind === 'room' ? b.rooms : b.instructors).push(u.value);
  }
  return { branches: [...byId.values()], truncated };
}
