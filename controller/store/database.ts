// One small database interface, two implementations: postgres.js for a
// PostgreSQL URL, PGlite (embedded, file-backed) when no URL is given.
//
// Both are configured to return the same JS values for the same SQL:
//   date         → 'YYYY-MM-DD' string (never a JS Date: no time-zone shift)
//   bigint/int8  → decimal string (versions, run ids)
//   timestamptz  → JS Date;  int/float → number;  json/jsonb → parsed value
// and to take the same parameters: JS arrays are encoded to array literals
// (see pg-array.ts), JSON values may be passed as strings or objects.
// Arrays read back must not contain NULL elements: postgres.js 3.4 parses a
// NULL element as the string 'NULL'; our queries filter them out.
import { migrate } from './migrate.js';
import type { ScriptSql } from './script-sql.js';

export interface Sql {
  readonly kind: 'postgres' | 'pglite';
  /**
   * Set on a scratch copy and its transactions: advisory lock names are
   * prefixed with it, so the copy's locks never meet those of real runs.
   */
  readonly lockScope?: string;
  /** One statement (extended protocol on both backends); `$1…` parameters. */
  query<R = Record<string, any>>(text: string, params?: unknown[]): Promise<R[]>;
  /**
   * One statement whose rows are converted by `map` one at a time, as they
   * arrive: the driver's row objects die young instead of piling up until
   * the last row (what a read of 100,000 series spent most of its time
   * collecting). The converted values are returned in order.
   */
  mapRows<R, T>(text: string, params: unknown[] | undefined, map: (row: R) => T): Promise<T[]>;
}

export interface Database extends Sql {
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it
   * throws. postgres.js: `sql.begin` on one reserved connection; PGlite:
   * `db.transaction`. Inside `fn` use `tx` only: on PGlite a query on the
   * database itself waits for the transaction to end, so it would never run.
   */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /**
   * Runs transaction scripts — each a list of statements (SQL text without
   * parameters) run as one transaction — sent at once, in order: on
   * PostgreSQL one multi-statement query on a reserved connection, so one
   * round trip instead of one per statement (a small branch write is mostly
   * round trips). The statements' rows are not returned. The first that fails is
   * rolled back, the ones after it are not run, and the ones before it stay
   * committed: the promise rejects with that error, and which ones committed
   * is for the caller to read back (its own records). Once it resolves, every
   * one of them is as durable as a single committed transaction (on
   * PostgreSQL only the last commit waits for the disk, and it waits for the
   * ones before it too).
   */
  transactionScripts(scripts: string[][]): Promise<void>;
  close(): Promise<void>;
  /**
   * LISTEN on `channel`: `onNotify` gets each NOTIFY payload. postgres.js keeps
   * one dedicated connection for it and re-listens after a reconnect; PGlite
   * only sees notifications raised in this process.
   */
  listen(channel: string, onNotify: (payload: string) => void): Promise<{ unlisten(): Promise<void> }>;
  /** 'postgres://host:port/db' (no credentials) or 'embedded:/abs/path'. */
  describe(): string;
  /**
   * A copy of every table that lives only as long as the returned database:
   * what it writes never reaches this one, and its branch locks are its own
   * (store/scratch-copy.ts). The caller closes it.
   */
  openScratchCopy(): Promise<Database>;
}

/** Where the embedded database lives when neither --database nor DATABASE_URL is given. */
export const DEFAULT_EMBEDDED_DATA_DIR = './.classctl/pgdata';

export interface OpenDatabaseOptions {
  /** A PostgreSQL URL: use postgres.js. */
  url?: string;
  /** Without a URL: the PGlite data directory (`memory://` for a throw-away database). */
  dataDir?: string;
  /**
   * Apply pending migrations after opening. Default: true for the embedded
   * database (it belongs to this program), false for PostgreSQL (`classctl migrate`).
   */
  migrate?: boolean;
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  let db: DatabaseWithScripts;
  if (opts.url) {
    const { openPostgres } = await import('./postgres-backend.js');
    db = openPostgres(opts.url);
  } else {
    const { openPglite } = await import('./pglite-backend.js');
    db = await openPglite(opts.dataDir ?? DEFAULT_EMBEDDED_DATA_DIR);
  }
  const shouldMigrate = opts.migrate ?? !opts.url;
  if (shouldMigrate) {
    try {
      await migrate(db);
    } catch (err) {
      await db.close();
      throw err;
    }
  }
  return db;
}

export type { ScriptSql };

/** The backends also run multi-statement scripts in their transactions (migrations). */
export interface DatabaseWithScripts extends Database {
  transaction<T>(fn: (tx: ScriptSql) => Promise<T>): Promise<T>;
}
