// A scratch copy holds every table of the database it copies, writes only to
// itself, takes branch locks of its own, and after it is closed the database
// is byte-identical to what it was.
import t, { type Test } from 'tap';
import { reconcile } from '../../controller/runtime/reconcile.js';
import type { Database } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { eachBackend, type BackendName } from '../helpers/backends.js';
import { baseConfig, silentLogger } from '../helpers/fixtures.js';
import { dumpTables } from '../helpers/table-dump.js';

const NOW = Date.parse('2026-11-25T15:00:00Z');
const DAY = 86_400_000;
const SERIES = (id: string, endDate: string) => ({ id, branchId: 'hq', title: id, rrule: 'FREQ=DAILY', startDate: '2026-11-01', endDate, startTime: '09:00', durationMinutes: 30, capacity: 10, instructorId: null, roomId: null, exdates: [] as string[] });

const apply = (db: Database, now: number) => reconcile({ db, config: baseConfig(), logger: silentLogger(), now, mode: 'apply', clock: () => now });
const count = async (db: Database, sql: string) => (await db.query<{ n: number }>(sql))[0]!.n;

async function seeded(db: Database): Promise<void> {
  await loadInputs(db, { branches: [{ id: 'hq', name: 'HQ', timezone: 'Europe/Berlin' }], series: [SERIES('daily', '2026-12-31'), SERIES('short', '2026-11-30')] });
  const first = await apply(db, NOW);
  if (first.exitCode !== 0) throw new Error(`seeding run failed: ${first.outcome}`);
}

interface ScratchCase {
  name: string;
  backends?: BackendName[];
  /** Works on the copy; the real database must be unchanged afterwards. */
  run: (t: Test, copy: Database, real: Database) => Promise<void>;
}

const cases: ScratchCase[] = [
  {
    name: 'the copy starts with every row of the database',
    run: async (t, copy, real) => {
      t.same(await dumpTablesOf(copy), await dumpTables(real));
    },
  },
  {
    name: 'runs far in the future write sessions, archive a series and journal runs on the copy only',
    run: async (t, copy, real) => {
      const runsBefore = await count(real, `SELECT count(*)::int AS n FROM reconcile_runs`);
      const later = await apply(copy, NOW + 10 * DAY);
      t.equal(later.exitCode, 0);
      t.ok(later.written.create > 0 && later.written.seriesDeleted === 1, 'the copy got new sessions and an archived series');
      t.equal(await count(copy, `SELECT count(*)::int AS n FROM class_series_archive`), 1);
      t.equal(await count(copy, `SELECT count(*)::int AS n FROM reconcile_runs`), runsBefore + 1);
      t.ok(Number(later.runId) > runsBefore, 'the copy numbers its runs after the real ones');
      t.equal(await count(real, `SELECT count(*)::int AS n FROM class_series_archive`), 0, 'the database has no archived series');
    },
  },
  {
    name: 'an edited series gets its version bumped on the copy, as on the database',
    run: async (t, copy) => {
      await copy.query(`UPDATE class_series SET title = 'Daily (renamed)' WHERE id = 'daily'`);
      const [row] = await copy.query<{ version: string }>(`SELECT version::text AS version FROM class_series WHERE id = 'daily'`);
      t.equal(row!.version, '2');
    },
  },
  {
    name: 'a branch locked by a real run is written on the copy, and the copy does not hold the real lock',
    backends: ['postgres'],
    run: async (t, copy, real) => {
      await real.transaction(async (tx) => {
        const [held] = await tx.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtextextended('classctl:branch:hq', 0)) AS ok`);
        t.ok(held!.ok, 'a real run holds the branch');
        const r = await apply(copy, NOW + 40 * DAY);
        t.same(r.branches.map((b) => b.status), ['applied'], 'the simulated run does not wait for the real lock');
      });
      const r = await apply(real, NOW);
      t.notOk(r.branches.some((b) => b.status === 'locked'), 'nor keep it from a real run');
    },
  },
  {
    name: 'a copy whose connection is lost fails instead of reaching the real tables',
    backends: ['postgres'],
    run: async (t, copy, real) => {
      const [pid] = await copy.query<{ pid: number }>(`SELECT pg_backend_pid() AS pid`);
      await real.query(`SELECT pg_terminate_backend($1::int)`, [pid!.pid]);
      await t.rejects(copy.query(`DELETE FROM class_sessions`), 'the copy is gone with its connection');
    },
  },
];

/** dumpTables of a scratch copy: its tables are the temporary ones, read through the search path. */
async function dumpTablesOf(copy: Database): Promise<Record<string, string[]>> {
  if (copy.kind === 'pglite') return dumpTables(copy);
  const out: Record<string, string[]> = {};
  const tables = await copy.query<{ name: string }>(`SELECT c.relname AS name FROM pg_class c WHERE c.relnamespace = pg_my_temp_schema() AND c.relkind = 'r' ORDER BY 1`);
  for (const { name } of tables) out[name] = (await copy.query<{ r: string }>(`SELECT to_jsonb(x)::text AS r FROM pg_temp."${name}" AS x ORDER BY 1`)).map((r) => r.r);
  const sequences = await copy.query<{ name: string }>(`SELECT c.relname AS name FROM pg_class c WHERE c.relnamespace = pg_my_temp_schema() AND c.relkind = 'S' ORDER BY 1`);
  for (const { name } of sequences) out[`sequence ${name}`] = (await copy.query<{ r: string }>(`SELECT last_value::text || '/' || is_called::text AS r FROM pg_temp."${name}"`)).map((r) => r.r);
  return out;
}

for (const c of cases) {
  eachBackend(t, c.name, async (t, real, backend) => {
    if (c.backends && !c.backends.includes(backend)) return;
    await seeded(real);
    const before = await dumpTables(real);
    const copy = await real.openScratchCopy();
    try {
      await c.run(t, copy, real);
    } finally {
      await copy.close();
    }
    if (!c.name.includes('locked by a real run')) t.same(await dumpTables(real), before, 'the database is byte-identical');
  });
}
