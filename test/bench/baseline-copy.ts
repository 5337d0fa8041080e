// The benchmark's yardstick: the rows of the initial apply written by COPY into
// an identical empty table with the same indexes — the closest thing to what
// the database itself can ingest, with no planning, diffing or checking.
//
// The rows are kept server-side right after the initial apply (untimed), read
// back as COPY text (untimed), and only the COPY FROM STDIN is timed: the
// baseline is the database's cost, not this process's formatting.
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import postgres from 'postgres';
import type { Database } from '../../controller/store/database.js';

/** Where the initial apply's rows are kept until the baseline runs. */
const KEPT_ROWS_TABLE = 'bench_initial_sessions';
/** The baseline's target: `LIKE class_sessions INCLUDING ALL` (defaults, checks, primary key, unique key, indexes). */
const BASELINE_TABLE = 'bench_baseline_sessions';

export interface BaselineCopy {
  /** How the rows are written, for the report ('COPY FROM STDIN', or the embedded fallback). */
  readonly method: string;
  /** Untimed, right after the initial apply: keeps a copy of class_sessions as it is then. */
  keepInitialRows(): Promise<number>;
  /** Untimed: creates the empty target table and loads the rows to write into memory. Returns the timed write. */
  prepare(): Promise<() => Promise<number>>;
  close(): Promise<void>;
}

async function keepRows(db: Database): Promise<number> {
  await db.query(`DROP TABLE IF EXISTS ${KEPT_ROWS_TABLE}`);
  await db.query(`CREATE TABLE ${KEPT_ROWS_TABLE} AS SELECT * FROM class_sessions`);
  const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${KEPT_ROWS_TABLE}`);
  return row!.n;
}

async function createTarget(db: Database): Promise<void> {
  await db.query(`DROP TABLE IF EXISTS ${BASELINE_TABLE}`);
  await db.query(`CREATE TABLE ${BASELINE_TABLE} (LIKE class_sessions INCLUDING ALL)`);
}

/**
 * The COPY text of a query, in ~1 MB buffers. Through `pipeline`, not `for
 * await`: leaving a postgres.js COPY stream by async iteration left its
 * connection hanging on the next query (postgres.js 3.4.9, seen here).
 */
async function readCopyText(sql: postgres.Sql, copyTo: string): Promise<Buffer[]> {
  const buffers: Buffer[] = [];
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = () => {
    if (pending.length > 0) buffers.push(Buffer.concat(pending));
    pending = [];
    pendingBytes = 0;
  };
  const collect = new Writable({
    write(chunk: Buffer, _encoding, done) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= 2 ** 20) flush();
      done();
    },
  });
  await pipeline(await sql.unsafe(copyTo).readable(), collect);
  flush();
  return buffers;
}

/** PostgreSQL: COPY FROM STDIN through postgres.js `.writable()`, on a connection of its own. */
export function postgresBaselineCopy(db: Database, url: string): BaselineCopy {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  return {
    method: 'COPY FROM STDIN (postgres.js writable stream)',
    keepInitialRows: () => keepRows(db),
    async prepare() {
      await createTarget(db);
      const chunks = await readCopyText(sql, `COPY ${KEPT_ROWS_TABLE} TO STDOUT`);
      return async () => {
        const into = await sql.unsafe(`COPY ${BASELINE_TABLE} FROM STDIN`).writable();
        await pipeline(Readable.from(chunks), into);
        const [row] = await sql.unsafe<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM ${BASELINE_TABLE}`);
        return row!.n;
      };
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

/**
 * PGlite (--embedded): the wrapper exposes no COPY stream, so the rows move
 * server-side with one INSERT … SELECT — still no client work at all, which
 * makes it, if anything, a stricter yardstick than COPY.
 */
export function embeddedBaselineCopy(db: Database): BaselineCopy {
  return {
    method: 'INSERT … SELECT inside PGlite (no COPY stream in the embedded wrapper)',
    keepInitialRows: () => keepRows(db),
    async prepare() {
      await createTarget(db);
      return async () => {
        await db.query(`INSERT INTO ${BASELINE_TABLE} SELECT * FROM ${KEPT_ROWS_TABLE}`);
        const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${BASELINE_TABLE}`);
        return row!.n;
      };
    },
    close: async () => {},
  };
}
