// Test databases. Every test that needs PostgreSQL gets a database of its
// own, created on the server of DATABASE_URL and dropped afterwards, so test
// files can run in parallel. Without DATABASE_URL those tests are skipped —
// unless REQUIRE_DATABASE=1 (CI), where a skip would hide missing coverage.
import postgres from 'postgres';
import { randomBytes } from 'node:crypto';
import tap, { type Test } from 'tap';
import { openDatabase } from '../../controller/store/database.js';
import { migrate } from '../../controller/store/migrate.js';

export function databaseUrl(): string | undefined {
  return process.env.DATABASE_URL || undefined;
}

/** `true` when PostgreSQL tests can run; otherwise skips (or fails under REQUIRE_DATABASE). */
export function requirePostgres(t: Test): boolean {
  if (databaseUrl()) return true;
  if (process.env.REQUIRE_DATABASE === '1') {
    t.fail('DATABASE_URL is not set but REQUIRE_DATABASE=1: PostgreSQL tests must run');
  } else {
    t.plan(0, 'DATABASE_URL not set: PostgreSQL tests skipped');
  }
  return false;
}

/** Creates a fresh, empty database for this test and returns its URL; dropped in teardown. */
export async function freshPostgresDatabase(t: Test): Promise<string> {
  return createDatabase(t);
}

/** A fresh, empty database that stores text as LATIN1, not UTF-8; dropped in teardown. */
export async function latin1PostgresDatabase(t: Test): Promise<string> {
  return createDatabase(t, 'template0', `ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C'`);
}

/**
 * A fresh database for this test with every migration applied, as a copy of a
 * template migrated once per test process; dropped in teardown.
 */
export async function migratedPostgresDatabase(t: Test): Promise<string> {
  return createDatabase(t, await migratedTemplateDatabase());
}

async function createDatabase(t: Test, template?: string, options = ''): Promise<string> {
  const base = new URL(databaseUrl()!);
  const name = databaseName(base, 't');
  await withAdmin(base, (admin) => admin.unsafe(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''} ${options}`));
  t.teardown(() => dropDatabase(base, name));
  return withDatabase(base, name);
}

let migratedTemplate: Promise<string> | undefined;

/**
 * The database copied by migratedPostgresDatabase: created and migrated on
 * first use, dropped when the test file's last test has ended.
 */
function migratedTemplateDatabase(): Promise<string> {
  migratedTemplate ??= (async () => {
    const base = new URL(databaseUrl()!);
    const name = databaseName(base, 'tpl');
    await withAdmin(base, (admin) => admin.unsafe(`CREATE DATABASE "${name}"`));
    tap.teardown(() => dropDatabase(base, name));
    const db = await openDatabase({ url: withDatabase(base, name) });
    try {
      await migrate(db);
    } finally {
      // PostgreSQL copies a template only while nobody is connected to it.
      await db.close();
    }
    return name;
  })();
  return migratedTemplate;
}

function databaseName(base: URL, kind: string): string {
  return `${base.pathname.slice(1) || 'classctl'}_${kind}${randomBytes(5).toString('hex')}`.slice(0, 60);
}

function withDatabase(base: URL, name: string): string {
  const url = new URL(base.toString());
  url.pathname = '/' + name;
  return url.toString();
}

async function withAdmin<T>(base: URL, fn: (admin: postgres.Sql) => Promise<T>): Promise<T> {
  const admin = postgres(base.toString(), { max: 1, onnotice: () => {} });
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

async function dropDatabase(base: URL, name: string): Promise<void> {
  await withAdmin(base, async (admin) => {
    await admin.unsafe(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`);
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name}"`);
  });
}
