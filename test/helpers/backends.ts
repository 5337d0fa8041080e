// Runs a test body against each real database backend: the embedded PGlite
// (in memory) always, and PostgreSQL when DATABASE_URL is set (required in CI).
//
// Starting PGlite is what made the suite slow: a new embedded database runs
// initdb and the migrations, seconds each on a busy machine. So:
//  * the migrated, empty data directory is built once and cached on disk
//    (pglite-image.ts); every embedded database here opens a copy of it;
//  * `eachBackend` opens one database per backend per test file and empties
//    it before each case (emptyTables), instead of creating and migrating one
//    per case (PostgreSQL's CREATE DATABASE costs a second or more under load);
//  * `openTestDatabase` gives a database of its own, copied: from the image on
//    PGlite, from a template migrated once per test file on PostgreSQL (db.ts).
import tap, { type Test } from 'tap';
import { openDatabase, type Database, type Sql } from '../../controller/store/database.js';
import { openPglite } from '../../controller/store/pglite-backend.js';
import { migratedPostgresDatabase, requirePostgres } from './db.js';
import { migratedPgliteImage } from './pglite-image.js';

export type BackendName = 'pglite' | 'postgres';

/** A migrated, empty in-memory PGlite database of its own; closed in teardown. */
export async function openMigratedPglite(t: Test): Promise<Database> {
  const db = await openPglite('memory://', { loadDataDir: await migratedPgliteImage() });
  t.teardown(() => db.close());
  return db;
}

/** A migrated, empty database of its own on `backend`; closed (and on PostgreSQL dropped) in teardown. */
export async function openTestDatabase(t: Test, backend: BackendName): Promise<Database> {
  if (backend === 'pglite') return openMigratedPglite(t);
  const db = await openDatabase({ url: await migratedPostgresDatabase(t) });
  t.teardown(() => db.close());
  return db;
}

const shared = new Map<BackendName, Promise<Database>>();

/**
 * This test file's database on `backend`, opened on first use and closed (and
 * dropped) after the file's last test. Empty it (emptyTables) before each case.
 */
export function sharedTestDatabase(backend: BackendName): Promise<Database> {
  let db = shared.get(backend);
  if (!db) {
    db = openTestDatabase(tap, backend);
    shared.set(backend, db);
  }
  return db;
}

/**
 * Empties every table but the migration record and restarts their sequences,
 * and drops session advisory locks: the state of a freshly migrated database,
 * as far as a test can see (test/helpers/backends.test.ts checks that).
 */
export async function emptyTables(db: Sql): Promise<void> {
  const rows = await db.query<{ tables: string | null }>(
    `SELECT string_agg(format('%I.%I', schemaname, tablename), ', ' ORDER BY tablename) AS tables
       FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'`,
  );
  const tables = rows[0]?.tables;
  if (tables) await db.query(`TRUNCATE ${tables} RESTART IDENTITY CASCADE`);
  await db.query(`SELECT pg_advisory_unlock_all()`);
}

/**
 * Declares `name` once per backend as `name [pglite]` / `name [postgres]`.
 * The body gets an empty, migrated database: the file's shared one for that
 * backend, so the body must not close it.
 */
export function eachBackend(t: Test, name: string, body: (t: Test, db: Database, backend: BackendName) => Promise<void>): void {
  for (const backend of ['pglite', 'postgres'] as const) {
    t.test(`${name} [${backend}]`, async (t) => {
      if (backend === 'postgres' && !requirePostgres(t)) return;
      const db = await sharedTestDatabase(backend);
      await emptyTables(db);
      await body(t, db, backend);
    });
  }
}
