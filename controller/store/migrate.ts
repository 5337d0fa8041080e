// Schema migrations: plain SQL files `migrations/NNN_name.sql`, forward-only,
// applied in name order, each in its own transaction together with its row in
// schema_migrations. A transaction-level advisory lock serializes two processes
// migrating the same PostgreSQL database at once: the second waits, then finds
// the migration recorded and skips it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ClassctlError, ErrorCodes } from '../core/errors.js';
import type { Database } from './database.js';
import { runScript } from './script-sql.js';

const MIGRATION_FILE = /^(\d{3})_[a-z0-9_]+\.sql$/;

/** The advisory lock that serializes migrations (same key scheme as the branch locks). */
const MIGRATION_LOCK_NAME = 'classctl:migrate';

export interface Migration {
  /** File name without `.sql`, e.g. `001_initial`: the key recorded in schema_migrations. */
  name: string;
  sql: string;
}

/**
 * The migrations directory next to this module. A build that compiles to
 * dist/ without copying the .sql files still finds them in the source tree.
 */
function migrationsDir(): string {
  const candidates = [
    new URL('./migrations/', import.meta.url),
    new URL('../../../controller/store/migrations/', import.meta.url),
  ];
  for (const c of candidates) {
    const dir = fileURLToPath(c);
    if (existsSync(dir)) return dir;
  }
  throw new Error(`migrations directory not found next to ${fileURLToPath(import.meta.url)}`);
}

/** Every migration file, in the order it is applied. */
export function listMigrations(dir: string = migrationsDir()): Migration[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((f) => {
      if (!MIGRATION_FILE.test(f)) throw new Error(`migration file ${f} is not named NNN_name.sql (lower case, digits, underscores)`);
      return { name: f.slice(0, -'.sql'.length), sql: readFileSync(`${dir}/${f}`, 'utf8') };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const CREATE_MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    name        text PRIMARY KEY,
    applied_at  timestamptz NOT NULL DEFAULT now()
  )`;

/** The names of the migrations already applied (empty on a new database). */
export async function appliedMigrations(db: Database): Promise<string[]> {
  const exists = await db.query<{ present: boolean }>(`SELECT to_regclass('schema_migrations') IS NOT NULL AS present`);
  if (!exists[0]?.present) return [];
  const rows = await db.query<{ name: string }>(`SELECT name FROM schema_migrations ORDER BY name COLLATE "C"`);
  return rows.map((r) => r.name);
}

/** Migrations in the directory that the database has not applied yet. */
export async function pendingMigrations(db: Database, migrations: Migration[] = listMigrations()): Promise<string[]> {
  const applied = new Set(await appliedMigrations(db));
  return migrations.filter((m) => !applied.has(m.name)).map((m) => m.name);
}

/**
 * Encodings in which PostgreSQL keeps the UTF-8 text it is sent byte for
 * byte. In any other (LATIN1, WIN1252, …) a title or a schema comment with a
 * character outside it cannot be stored, and hashes of non-ASCII text differ
 * from the ones series digests are compared with.
 */
const UTF8_ENCODINGS = new Set(['UTF8', 'SQL_ASCII']);

/** Refuses, before anything is created, a database that does not store text as UTF-8. */
async function assertUtf8Database(db: Database): Promise<void> {
  const [row] = await db.query<{ encoding: string }>(`SELECT current_setting('server_encoding') AS encoding`);
  const encoding = row?.encoding ?? 'unknown';
  if (UTF8_ENCODINGS.has(encoding)) return;
  throw new ClassctlError(
    ErrorCodes.DB_ENCODING,
    `The database ${db.describe()} stores text as ${encoding}, not UTF-8; class titles and classctl's own schema need UTF-8. Create the database with ENCODING 'UTF8' (CREATE DATABASE name ENCODING 'UTF8' TEMPLATE template0) and run \`classctl migrate\` on it; nothing was created in this one.`,
    { key: db.describe() },
  );
}

export async function migrate(db: Database, migrations: Migration[] = listMigrations()): Promise<{ applied: string[] }> {
  await assertUtf8Database(db);
  const applied: string[] = [];
  for (const m of migrations) {
    const didApply = await db.transaction(async (tx) => {
      // Held until this transaction ends: a concurrent migrate waits here, then
      // sees the row this one commits.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [MIGRATION_LOCK_NAME]);
      await tx.query(CREATE_MIGRATIONS_TABLE);
      const done = await tx.query(`SELECT 1 FROM schema_migrations WHERE name = $1`, [m.name]);
      if (done.length > 0) return false;
      await runScript(tx, m.sql);
      await tx.query(`INSERT INTO schema_migrations (name) VALUES ($1)`, [m.name]);
      return true;
    });
    if (didApply) applied.push(m.name);
  }
  return { applied };
}

/**
 * Refuses to work on a database whose schema is behind this program (a
 * PostgreSQL database nobody ran `classctl migrate` on, or an older one).
 */
export async function assertMigrated(db: Database, migrations: Migration[] = listMigrations()): Promise<void> {
  const pending = await pendingMigrations(db, migrations);
  if (pending.length === 0) return;
  throw new ClassctlError(
    ErrorCodes.DB_NOT_MIGRATED,
    `The database ${db.describe()} lacks migration${pending.length > 1 ? 's' : ''} ${pending.join(', ')}. Run \`classctl migrate\` with the same --database first.`,
    { key: db.describe() },
  );
}
