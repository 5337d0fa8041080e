// Migrations (forward-only, idempotent, safe from two processes at once) and
// the schema they create: the documented tables plus the version trigger and constraints.
import t, { type Test } from 'tap';
import { openDatabase, type Database } from '../../controller/store/database.js';
import { assertMigrated, listMigrations, migrate, pendingMigrations } from '../../controller/store/migrate.js';
import { freshPostgresDatabase, latin1PostgresDatabase, requirePostgres } from '../helpers/db.js';
import { forEachBackend, seedBranch } from './helpers.js';

const ALL = listMigrations().map((m) => m.name);

t.test('the migration files are named NNN_name and start with 001_initial', async (t) => {
  t.equal(ALL[0], '001_initial');
  t.strictSame([...ALL].sort(), ALL, 'applied in name order');
});

async function freshUnmigrated(t: Test, backend: 'pglite' | 'postgres'): Promise<Database | null> {
  if (backend === 'postgres') {
    if (!requirePostgres(t)) return null;
    const db = await openDatabase({ url: await freshPostgresDatabase(t) });
    t.teardown(() => db.close());
    return db;
  }
  const db = await openDatabase({ dataDir: 'memory://', migrate: false });
  t.teardown(() => db.close());
  return db;
}

for (const backend of ['pglite', 'postgres'] as const) {
  t.test(`migrate is idempotent and records what it applied [${backend}]`, async (t) => {
    const db = await freshUnmigrated(t, backend);
    if (!db) return;
    t.strictSame(await pendingMigrations(db), ALL, 'a new database lacks every migration');
    await t.rejects(assertMigrated(db), { code: 'DB_NOT_MIGRATED' }, 'commands refuse an unmigrated database');
    t.strictSame(await migrate(db), { applied: ALL }, 'first run applies all');
    t.strictSame(await migrate(db), { applied: [] }, 'second run applies nothing');
    t.strictSame(await pendingMigrations(db), []);
    await assertMigrated(db);
    const tables = await db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name COLLATE "C"`,
    );
    t.strictSame(tables.map((r) => r.table_name), [
      'branch_sync_state', 'branches', 'class_series', 'class_series_archive', 'class_sessions', 'controller_settings',
      'notification_deliveries', 'notification_destinations_disabled', 'notification_outbox', 'plan_approvals', 'reconcile_branch_writes', 'reconcile_runs', 'schema_migrations', 'session_event_list', 'session_events',
    ]);
  });
}

t.test('the embedded database is migrated when it is opened', async (t) => {
  const db = await openDatabase({ dataDir: 'memory://' });
  t.teardown(() => db.close());
  t.strictSame(await pendingMigrations(db), []);
});

t.test('two processes migrating one PostgreSQL database at once apply each migration once', async (t) => {
  if (!requirePostgres(t)) return;
  const url = await freshPostgresDatabase(t);
  // Two pools: two sessions racing exactly as two processes would.
  const a = await openDatabase({ url });
  const b = await openDatabase({ url });
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
  t.strictSame([...ra.applied, ...rb.applied].sort(), ALL, 'every migration applied by exactly one of them');
  const rows = await a.query<{ n: number }>(`SELECT count(*)::int AS n FROM schema_migrations`);
  t.equal(rows[0]!.n, ALL.length);
});

interface VersionCase {
  name: string;
  update: string;
  bumped: boolean;
}

const SERIES_INSERT = `INSERT INTO class_series (id, branch_id, title, rrule, start_date, end_date, start_time, exdates, version, updated_at)
  VALUES ('s1', 'downtown', 'Yoga', 'FREQ=WEEKLY;BYDAY=MO', '2026-11-02', NULL, '09:00', '{2026-12-28}', 1, '2020-01-01T00:00:00Z')`;

const versionCases: VersionCase[] = [
  { name: 'a changed title bumps version and updated_at', update: `SET title = 'Yin Yoga'`, bumped: true },
  { name: 'a changed start time bumps', update: `SET start_time = '18:00'`, bumped: true },
  { name: 'an end date set on an open series bumps (NULL to a value)', update: `SET end_date = '2027-01-31'`, bumped: true },
  { name: 'an added exdate bumps', update: `SET exdates = '{2026-12-28,2027-01-04}'`, bumped: true },
  { name: 'writing the same values keeps version and updated_at', update: `SET title = 'Yoga', start_time = '09:00', exdates = '{2026-12-28}'`, bumped: false },
  { name: 'a writer cannot set version itself', update: `SET version = 42`, bumped: false },
  { name: 'a writer cannot move updated_at without a change', update: `SET updated_at = '2030-01-01T00:00:00Z'`, bumped: false },
];

t.test('class_series.version trigger', async (t) => {
  forEachBackend(t, versionCases, async (t, db, c) => {
    await seedBranch(db);
    await db.query(SERIES_INSERT);
    await db.query(`UPDATE class_series ${c.update} WHERE id = 's1'`);
    const [row] = await db.query<{ version: string; updated_at: Date }>(`SELECT version, updated_at FROM class_series WHERE id = 's1'`);
    t.equal(row!.version, c.bumped ? '2' : '1', 'version');
    t.equal(row!.updated_at.toISOString() !== '2020-01-01T00:00:00.000Z', c.bumped, 'updated_at moved only with a change');
  });
});

interface ConstraintCase {
  name: string;
  sql: string[];
  sqlstate: string | null;
}

const session = (key: string, status = 'scheduled') =>
  `INSERT INTO class_sessions (series_id, branch_id, occurrence_key, title, starts_at, ends_at, timezone, status)
   VALUES ('s1', 'downtown', '${key}', 'Yoga', '2026-11-30T14:00:00Z', '2026-11-30T15:00:00Z', 'America/New_York', '${status}')`;

const constraintCases: ConstraintCase[] = [
  { name: 'a session gets a generated uuid and defaults', sql: [session('2026-11-30')], sqlstate: null },
  { name: 'a second session for the same series and occurrence key is refused', sql: [session('2026-11-30'), session('2026-11-30')], sqlstate: '23505' },
  { name: 'an unknown status is refused', sql: [session('2026-11-30', 'done')], sqlstate: '23514' },
  { name: 'a series of an unknown branch is refused', sql: [SERIES_INSERT.replace("'downtown'", "'nowhere'")], sqlstate: '23503' },
  { name: 'a session may name a series that does not exist (sessions outlive series)', sql: [session('2026-12-01').replace("'s1'", "'gone'")], sqlstate: null },
];

t.test('schema constraints', async (t) => {
  forEachBackend(t, constraintCases, async (t, db, c) => {
    await seedBranch(db);
    let error: unknown = null;
    try {
      for (const s of c.sql) await db.query(s);
    } catch (err) {
      error = err;
    }
    t.equal((error as { code?: string } | null)?.code ?? null, c.sqlstate);
    if (c.sqlstate === null) {
      const [row] = await db.query<{ id: string; detached: boolean; booked_count: number }>(`SELECT id::text AS id, detached, booked_count FROM class_sessions`);
      t.match(row!.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'gen_random_uuid() v4');
      t.equal(row!.detached, false);
      t.equal(row!.booked_count, 0);
    }
  });
});

t.test('a database that does not store text as UTF-8 is refused before anything is created (DB_ENCODING)', async (t) => {
  if (!requirePostgres(t)) return;
  const db = await openDatabase({ url: await latin1PostgresDatabase(t) });
  t.teardown(() => db.close());
  await t.rejects(migrate(db), { code: 'DB_ENCODING', message: /stores text as LATIN1, not UTF-8; .*ENCODING 'UTF8'.*nothing was created/ });
  const [tables] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`);
  t.equal(tables!.n, 0, 'no table, not even schema_migrations');
});
