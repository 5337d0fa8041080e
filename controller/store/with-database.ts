// Open, use, close: the lifetime of the database for one command.
import { DEFAULT_EMBEDDED_DATA_DIR, openDatabase, type Database, type OpenDatabaseOptions } from './database.js';
import { describeEmbedded, describePostgresUrl } from './database-location.js';
import { explainDatabaseError } from './database-errors.js';
import { assertMigrated } from './migrate.js';

function where(opts: OpenDatabaseOptions): string {
  return opts.url ? describePostgresUrl(opts.url) : describeEmbedded(opts.dataDir ?? DEFAULT_EMBEDDED_DATA_DIR);
}

/**
 * Opens the database, checks that its schema is current (unless
 * `requireSchema: false`, for `classctl migrate` itself), runs `fn` and closes
 * the database whatever happens. Errors an operator can fix (server down, no
 * schema) come out as ClassctlErrors that say what to do.
 */
export async function withDatabase<T>(
  opts: OpenDatabaseOptions & { requireSchema?: boolean },
  fn: (db: Database) => Promise<T>,
): Promise<T> {
  let db: Database;
  try {
    db = await openDatabase(opts);
  } catch (err) {
    throw explainDatabaseError(err, where(opts));
  }
  try {
    if (opts.requireSchema !== false) await assertMigrated(db);
    return await fn(db);
  } catch (err) {
    throw explainDatabaseError(err, db.describe());
  } finally {
    await db.close();
  }
}
