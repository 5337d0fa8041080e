// Opening the database for a command, one way for every command: check the
// URL, open, check that the schema is current, and turn every failure an
// operator can fix (bad URL, server down, wrong password, no such database,
// no schema) into a ClassctlError that says what to do.
import { ClassctlError, ErrorCodes } from '../core/errors.js';
import { DEFAULT_EMBEDDED_DATA_DIR, openDatabase, type Database, type OpenDatabaseOptions } from './database.js';
import { describeEmbedded, describePostgresUrl } from './database-location.js';
import { explainDatabaseError } from './database-errors.js';
import { assertMigrated } from './migrate.js';

export interface CommandDatabaseOptions extends OpenDatabaseOptions {
  /** Check that every migration is applied (default); `classctl migrate` itself passes false. */
  requireSchema?: boolean;
}

function where(opts: OpenDatabaseOptions): string {
  return opts.url ? describePostgresUrl(opts.url) : describeEmbedded(opts.dataDir ?? DEFAULT_EMBEDDED_DATA_DIR);
}

const URL_HELP = 'Give --database (or DATABASE_URL) as postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE, percent-encoding special characters, or leave both unset for the embedded database.';

/**
 * Why `url` cannot be a PostgreSQL URL, or null. Checked before connecting, as
 * the driver reports these as bare TypeErrors; the URL itself is never echoed,
 * since it may hold a password.
 */
export function postgresUrlProblem(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'The database URL (--database or DATABASE_URL) is not a URL.';
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    return `The database URL (--database or DATABASE_URL) starts with "${u.protocol}//"; classctl speaks only to PostgreSQL (postgres:// or postgresql://).`;
  }
  try {
    decodeURIComponent(u.username);
    decodeURIComponent(u.password);
    decodeURIComponent(u.pathname);
  } catch {
    return 'The database URL (--database or DATABASE_URL) has a malformed percent-escape (a "%" not followed by two hex digits) in its user, password or database name.';
  }
  return null;
}

/**
 * Opens the database a command asked for and checks its schema (unless
 * `requireSchema: false`). The caller closes it. Failures come out as
 * ClassctlErrors naming the database (never its credentials) and what to do.
 */
export async function openCommandDatabase(opts: CommandDatabaseOptions): Promise<Database> {
  if (opts.url) {
    const problem = postgresUrlProblem(opts.url);
    if (problem) throw new ClassctlError(ErrorCodes.USAGE, `${problem} ${URL_HELP}`, { key: 'database' });
  }
  let db: Database;
  try {
    db = await openDatabase(opts);
  } catch (err) {
    throw explainDatabaseError(err, where(opts));
  }
  if (opts.requireSchema !== false) {
    try {
      await assertMigrated(db);
    } catch (err) {
      await db.close().catch(() => {});
      throw explainDatabaseError(err, db.describe());
    }
  }
  return db;
}

/** openCommandDatabase, run `fn`, close the database whatever happens; errors explained the same way. */
export async function withDatabase<T>(opts: CommandDatabaseOptions, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openCommandDatabase(opts);
  try {
    return await fn(db);
  } catch (err) {
    throw explainDatabaseError(err, db.describe());
  } finally {
    await db.close();
  }
}
