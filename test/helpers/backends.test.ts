// The shared test databases: a case on the file's shared database must see
// exactly what it would see on a new, migrated one.
import t, { type Test } from 'tap';
import type { Database } from '../../controller/store/database.js';
import { listMigrations } from '../../controller/store/migrate.js';
import { loadInputs } from '../../controller/store/load.js';
import { setSetting } from '../../controller/store/settings.js';
import { reconcile } from '../../controller/runtime/reconcile.js';
import { emptyTables, openTestDatabase, type BackendName } from './backends.js';
import { requirePostgres } from './db.js';
import { baseConfig, silentLogger } from './fixtures.js';

const NOW = Date.parse('2026-11-25T15:00:00Z');

/** Row count of every table and the state of every sequence: what a later case could notice. */
async function fingerprint(db: Database): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const tables = await db.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename COLLATE "C"`);
  for (const { name } of tables) out[`table ${name}`] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${name}"`))[0]!.n;
  const sequences = await db.query<{ name: string }>(`SELECT sequencename AS name FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename COLLATE "C"`);
  for (const { name } of sequences) out[`sequence ${name}`] = (await db.query(`SELECT last_value::text, is_called FROM "${name}"`))[0];
  out['advisory locks held'] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()`))[0]!.n;
  return out;
}

async function dirty(db: Database): Promise<void> {
  const r = await loadInputs(db, {
    branches: [{ id: 'ny', name: 'New York', timezone: 'America/New_York' }],
    series: [{ id: 'ny-daily', branchId: 'ny', title: 'Daily', rrule: 'FREQ=DAILY', startDate: '2026-11-01', endDate: '2026-11-30', startTime: '18:00', durationMinutes: 60, capacity: 10, instructorId: null, roomId: null, exdates: [] }],
  });
  if (r.problems.length) throw new Error(JSON.stringify(r.problems));
  const run = await reconcile({ db, config: baseConfig(), logger: silentLogger(), now: NOW, mode: 'apply', clock: () => NOW });
  if (run.exitCode !== 0) throw new Error(`the run exited ${run.exitCode}`);
  await setSetting(db, 'environment', 'staging');
  await db.query(`SELECT pg_advisory_lock(42)`);
}

const rows: Array<{ name: string; check: (t: Test, db: Database) => Promise<void> }> = [
  {
    name: 'a new test database has every migration applied (the cached image is current)',
    check: async (t, db) => {
      const applied = await db.query<{ name: string }>(`SELECT name FROM schema_migrations ORDER BY name COLLATE "C"`);
      t.strictSame(applied.map((r) => r.name), listMigrations().map((m) => m.name));
    },
  },
  {
    name: 'after a run wrote to the tables, emptying them gives what a new database shows',
    check: async (t, db) => {
      const fresh = await fingerprint(db);
      await dirty(db);
      t.notSame(await fingerprint(db), fresh, 'the run left rows, sequence values and a lock behind');
      await emptyTables(db);
      t.strictSame(await fingerprint(db), fresh);
    },
  },
];

for (const backend of ['pglite', 'postgres'] as BackendName[]) {
  for (const row of rows) {
    t.test(`${row.name} [${backend}]`, async (t) => {
      if (backend === 'postgres' && !requirePostgres(t)) return;
      await row.check(t, await openTestDatabase(t, backend));
    });
  }
}
