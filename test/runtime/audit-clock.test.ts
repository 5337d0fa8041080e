// Decisions use the run's logical `now`; audit columns (created_at,
// updated_at, class_series_archive.deleted_at) use the database clock, so
// they never go backwards and are true under `simulate`.
import t, { type Test } from 'tap';
import { reconcile } from '../../controller/runtime/reconcile.js';
import type { Database } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { eachBackend } from '../helpers/backends.js';
import { baseConfig, silentLogger } from '../helpers/fixtures.js';

const NOW = Date.parse('2026-11-25T15:00:00Z');
const DAY = 86_400_000;
const SERIES = { id: 'daily', branchId: 'hq', title: 'Daily', rrule: 'FREQ=DAILY', startDate: '2026-11-01', endDate: '2026-12-31', startTime: '09:00', durationMinutes: 30, capacity: 10, instructorId: null, roomId: null, exdates: [] as string[] };

const apply = (db: Database, now: number) => reconcile({ db, config: baseConfig(), logger: silentLogger(), now, mode: 'apply', clock: () => now });
const dbNow = async (db: Database) => (await db.query<{ t: Date }>(`SELECT clock_timestamp() AS t`))[0]!.t.getTime();

interface AuditCase {
  name: string;
  check: (t: Test, db: Database) => Promise<void>;
}

const cases: AuditCase[] = [
  {
    name: 'sessions created by a run at a logical now days in the past carry the database clock, not that now',
    check: async (t, db) => {
      const before = await dbNow(db);
      await apply(db, NOW);
      const [r] = await db.query<{ created: Date; updated: Date; n: number }>(`SELECT min(created_at) AS created, min(updated_at) AS updated, count(*)::int AS n FROM class_sessions`);
      t.ok(r!.n > 0);
      t.ok(r!.created.getTime() >= before && r!.updated.getTime() >= before, 'created_at/updated_at from the database clock');
    },
  },
  {
    name: 'an update by a run whose logical now is earlier than the last run still moves updated_at forward',
    check: async (t, db) => {
      await apply(db, NOW + 2 * DAY);
      const [first] = await db.query<{ t: Date }>(`SELECT max(updated_at) AS t FROM class_sessions`);
      await db.query(`UPDATE class_series SET title = 'Daily (renamed)'`);
      await apply(db, NOW);
      const [r] = await db.query<{ t: Date }>(`SELECT min(updated_at) AS t FROM class_sessions WHERE title = 'Daily (renamed)'`);
      t.ok(r!.t.getTime() > first!.t.getTime(), 'updated_at never goes backwards');
    },
  },
  {
    name: 'a series archived by a run at a logical now in the future: deleted_at is the database clock',
    check: async (t, db) => {
      const before = await dbNow(db);
      await apply(db, Date.parse('2027-01-05T12:00:00Z'));
      const [r] = await db.query<{ deleted_at: Date }>(`SELECT deleted_at FROM class_series_archive WHERE id = 'daily'`);
      t.ok(r && r.deleted_at.getTime() >= before && r.deleted_at.getTime() < Date.parse('2027-01-05T12:00:00Z'), 'deleted_at is when the archive was written');
    },
  },
];

for (const c of cases) {
  eachBackend(t, c.name, async (t, db) => {
    await loadInputs(db, { branches: [{ id: 'hq', name: 'HQ', timezone: 'UTC' }], series: [SERIES] });
    await c.check(t, db);
  });
}
