// Store tests: one table of cases, run against PGlite (in memory) always and
// against PostgreSQL when DATABASE_URL is set. One database per backend per
// file, shared with eachBackend (PGlite takes seconds to start); every case
// starts from empty tables.
import type { Test } from 'tap';
import type { Database, Sql } from '../../controller/store/database.js';
import type { DesiredSession } from '../../controller/core/types.js';
import type { SessionChange } from '../../controller/core/plan-types.js';
import { emptyTables, sharedTestDatabase, type BackendName } from '../helpers/backends.js';
import { requirePostgres } from '../helpers/db.js';

export const BACKENDS: BackendName[] = ['pglite', 'postgres'];

/** Runs `cases` (each on empty tables) once per backend, as `[backend] case name`. */
export function forEachBackend<C extends { name: string }>(
  t: Test,
  cases: C[],
  run: (t: Test, db: Database, c: C) => Promise<void>,
): void {
  for (const backend of BACKENDS) {
    t.test(backend, async (t) => {
      if (backend === 'postgres' && !requirePostgres(t)) return;
      const db = await sharedTestDatabase(backend);
      for (const c of cases) {
        await t.test(c.name, async (t) => {
          await emptyTables(db);
          await run(t, db, c);
        });
      }
    });
  }
}

export async function resetTables(db: Sql): Promise<void> {
  await db.query(
    `TRUNCATE class_sessions, class_series_archive, class_series, branches, reconcile_runs, controller_settings RESTART IDENTITY CASCADE`,
  );
}

export const NOW = Date.parse('2026-11-25T15:00:00Z'); // Wednesday 10:00 in New York
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export async function seedBranch(db: Sql, id = 'downtown', timezone = 'America/New_York'): Promise<void> {
  await db.query(`INSERT INTO branches (id, name, timezone) VALUES ($1, $2, $3)`, [id, id, timezone]);
}

/** A desired session of series `seriesId` on `occurrenceKey`, starting `startsAt`, one hour long. */
export function desired(seriesId: string, occurrenceKey: string, startsAt: number, extra: Partial<DesiredSession> = {}): DesiredSession {
  return {
    seriesId,
    branchId: 'downtown',
    occurrenceKey,
    title: 'Yoga',
    startsAt,
    endsAt: startsAt + HOUR,
    timezone: 'America/New_York',
    instructorId: 'ana',
    roomId: 'studio-a',
    capacity: 12,
    ...extra,
  };
}

export function createChange(d: DesiredSession): SessionChange {
  return { action: 'create', seriesId: d.seriesId, branchId: d.branchId, occurrenceKey: d.occurrenceKey, sessionId: null, before: null, after: null, desired: d };
}

export interface SessionRow {
  id: string;
  series_id: string;
  occurrence_key: string;
  title: string;
  starts_at: string;
  ends_at: string;
  instructor_id: string | null;
  room_id: string | null;
  capacity: number | null;
  status: string;
  detached: boolean;
  booked_count: number;
  created_at: string;
  updated_at: string;
}

/** Sessions with instants as ISO strings, by series and key. */
export async function sessionRows(db: Sql): Promise<SessionRow[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT id::text AS id, series_id, occurrence_key, title, starts_at, ends_at, instructor_id, room_id, capacity,
            status, detached, booked_count, created_at, updated_at
       FROM class_sessions ORDER BY series_id COLLATE "C", occurrence_key COLLATE "C"`,
  );
  return rows.map((r) => ({
    ...(r as unknown as SessionRow),
    starts_at: (r.starts_at as Date).toISOString(),
    ends_at: (r.ends_at as Date).toISOString(),
    created_at: (r.created_at as Date).toISOString(),
    updated_at: (r.updated_at as Date).toISOString(),
  }));
}

/** A Sql that counts the statements sent through it. */
export function countingSql(inner: Sql): Sql & { statements: number } {
  const counter = {
    kind: inner.kind,
    statements: 0,
    query<R>(text: string, params?: unknown[]): Promise<R[]> {
      counter.statements++;
      return inner.query<R>(text, params);
    },
    mapRows<R, T>(text: string, params: unknown[] | undefined, map: (row: R) => T): Promise<T[]> {
      counter.statements++;
      return inner.mapRows(text, params, map);
    },
  };
  return counter;
}
