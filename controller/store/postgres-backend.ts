// PostgreSQL through postgres.js 3.4.
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import type { DatabaseWithScripts } from './database.js';
import { describePostgresUrl } from './database-location.js';
import { encodeParams } from './pg-array.js';
import { PgOid } from './pg-oids.js';
import { runnerApplicationName } from './runner-identity.js';
import type { ScriptSql } from './script-sql.js';

/**
 * A few connections are plenty: a run has at most three branch writes in
 * flight, and a few observation reads ahead of its planning.
 */
const MAX_CONNECTIONS = 4;
/** For one transaction: its commit does not wait for its WAL to reach the disk. */
const NO_WAIT_FOR_DISK = 'SET LOCAL synchronous_commit = off';
/** An error the server sent at severity ERROR: the session survives it (FATAL, PANIC and lost sockets end it). */
const sessionSurvives = (err: unknown): boolean => (err as { severity?: unknown } | null)?.severity === 'ERROR';
/** Idle connections are closed so a long-running `serve` does not hold them. */
const IDLE_TIMEOUT_SECONDS = 30;
/** How long close() waits for running queries before it cuts connections. */
const CLOSE_TIMEOUT_SECONDS = 5;

// Parsers and serializers aligned with the PGlite backend (see database.ts).
const types = {
  // A `date` stays the 'YYYY-MM-DD' text the server sends: a JS Date would be
  // midnight UTC and print as the previous day west of Greenwich.
  localDate: {
    to: PgOid.DATE,
    from: [PgOid.DATE],
    serialize: (x: unknown) => (x instanceof Date ? x.toISOString().slice(0, 10) : String(x)),
    parse: (x: string) => x,
  },
  // int8 as a decimal string, exactly as PGlite is configured (it would give a number).
  int8: {
    to: PgOid.INT8,
    from: [PgOid.INT8],
    serialize: (x: unknown) => String(x),
    parse: (x: string) => x,
  },
  // postgres.js would JSON.stringify a string again ('"{\"a\":1}"'); PGlite
  // sends a string as is. Strings are taken as JSON text on both backends.
  json: {
    to: PgOid.JSON,
    from: [PgOid.JSON, PgOid.JSONB],
    serialize: (x: unknown) => (typeof x === 'string' ? x : JSON.stringify(x)),
    parse: (x: string) => JSON.parse(x) as unknown,
  },
};

type Client = postgres.Sql<Record<string, unknown>>;

function wrap(sql: Client | postgres.TransactionSql<Record<string, unknown>>, lockScope: string | undefined): ScriptSql {
  return {
    kind: 'postgres',
    lockScope,
    async query<R>(text: string, params?: unknown[]): Promise<R[]> {
      // `simple: false`: the extended protocol even without parameters, so a
      // statement behaves as on PGlite (one statement per call).
      const rows = await sql.unsafe(text, encodeParams(params) as postgres.ParameterOrJSON<never>[], { simple: false } as never);
      // A plain array, as PGlite returns (postgres.js adds count/command/columns).
      return Array.from(rows as unknown as R[]);
    },
    async mapRows<R, T>(text: string, params: unknown[] | undefined, map: (row: R) => T): Promise<T[]> {
      const converted: T[] = [];
      // forEach: postgres.js hands over each row without collecting them.
      await sql
        .unsafe(text, encodeParams(params) as postgres.ParameterOrJSON<never>[], { simple: false } as never)
        .forEach((row) => {
          converted.push(map(row as R));
        });
      return converted;
    },
    async execScript(script: string): Promise<void> {
      // No parameters: postgres.js uses the simple protocol, which runs several statements.
      await sql.unsafe(script);
    },
  };
}

export interface OpenPostgresOptions {
  /**
   * One connection, never closed while idle or for its age, whose search_path is only
   * `pg_temp`: what the scratch copy's temporary tables need (they live and
   * die with their connection, and a reconnect must find no table at all
   * rather than the real ones).
   */
  scratch?: boolean;
}

/** The lock names of one scratch copy: its own, shared with no real run and no other copy. */
const scratchLockScope = () => `scratch:${process.pid}:${randomUUID()}:`;

export function openPostgres(url: string, opts: OpenPostgresOptions = {}): DatabaseWithScripts {
  const connection: Record<string, string> = { application_name: runnerApplicationName(), TimeZone: 'UTC' };
  if (opts.scratch) connection.search_path = 'pg_temp';
  const client = postgres(url, {
    max: opts.scratch ? 1 : MAX_CONNECTIONS,
    idle_timeout: opts.scratch ? 0 : IDLE_TIMEOUT_SECONDS,
    // postgres.js recycles a connection after 30-60 minutes by default; the
    // scratch copy's would take the copy with it in the middle of a long simulation.
    ...(opts.scratch ? { max_lifetime: 0 } : {}),
    onnotice: () => {},
    types,
    connection,
  }) as unknown as Client;
  const lockScope = opts.scratch ? scratchLockScope() : undefined;
  const base = wrap(client, lockScope);
  const transactionScripts = async (scripts: string[][]): Promise<void> => {
    // The simple query protocol runs the statements of one message in
    // order and stops at the first error, which leaves that transaction
    // aborted (the ones before it committed at their COMMIT): it is rolled
    // back on the same connection before the connection goes back to the pool.
    //
    // Every transaction but the last commits without waiting for the disk
    // (synchronous_commit off for it alone); the last one's commit waits, as
    // the server is configured, for everything written before it, so all of
    // them are durable when the message is answered. One wait for the disk
    // per message instead of one per transaction: most of what a day roll's
    // writes waited for (measured ~0.15 s of a 100,000-series day roll).
    const connection = await client.reserve();
    const last = scripts.length - 1;
    const transactions = scripts.map((statements, i) => ['BEGIN', ...(i < last ? [NO_WAIT_FOR_DISK] : []), ...statements, 'COMMIT'].join(';\n'));
    try {
      await connection.unsafe(transactions.join(';\n'));
    } catch (err) {
      // After a statement's error the session is still there, in an aborted
      // transaction. After a FATAL one (the backend terminated) or a lost
      // socket it is gone: a ROLLBACK sent on it would wait forever for a
      // connection that never becomes ready again.
      if (sessionSurvives(err)) await connection.unsafe('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      connection.release();
    }
  };
  return {
    kind: 'postgres',
    lockScope,
    query: base.query,
    mapRows: base.mapRows,
    async transaction<T>(fn: (tx: ScriptSql) => Promise<T>): Promise<T> {
      const result = await client.begin((tx) => fn(wrap(tx, lockScope)));
      return result as T;
    },
    transactionScripts,
    async close() {
      await client.end({ timeout: CLOSE_TIMEOUT_SECONDS });
    },
    async listen(channel, onNotify) {
      // The scratch copy has no notifying triggers, and a listener would need a second connection.
      if (opts.scratch) return { unlisten: async () => {} };
      const { unlisten } = await client.listen(channel, onNotify);
      return { unlisten };
    },
    describe() {
      return opts.scratch ? `a scratch copy of ${describePostgresUrl(url)}` : describePostgresUrl(url);
    },
    async openScratchCopy() {
      const { openPostgresScratchCopy } = await import('./scratch-copy.js');
      return openPostgresScratchCopy(url);
    },
  };
}
