// The embedded database: PGlite 0.5 (PostgreSQL compiled to WebAssembly), one
// connection in this process, file-backed under ./.classctl/ by default.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { DatabaseWithScripts } from './database.js';
import { describeEmbedded } from './database-location.js';
import { lockEmbeddedDatabase } from './embedded-lock.js';
import { encodeParams } from './pg-array.js';
import type { ScriptSql } from './script-sql.js';
import { PgOid } from './pg-oids.js';

// Parsers aligned with the postgres.js backend (see database.ts). PGlite
// already sends strings as they are for json and array parameters.
const parsers = {
  [PgOid.DATE]: (x: string) => x,
  [PgOid.INT8]: (x: string) => x,
};

type Queryable = Pick<PGlite, 'query' | 'exec'> | Transaction;

function wrap(q: Queryable): ScriptSql {
  return {
    kind: 'pglite',
    async query<R>(text: string, params?: unknown[]): Promise<R[]> {
      const result = await q.query<R>(text, encodeParams(params));
      return result.rows;
    },
    async mapRows<R, T>(text: string, params: unknown[] | undefined, map: (row: R) => T): Promise<T[]> {
      // PGlite returns the whole result at once.
      const result = await q.query<R>(text, encodeParams(params));
      return result.rows.map(map);
    },
    async execScript(script: string): Promise<void> {
      await q.exec(script);
    },
  };
}

/** An embedded database that can also be copied: tests migrate one, then open copies of it. */
export interface EmbeddedDatabase extends DatabaseWithScripts {
  /** The data directory as an uncompressed tarball, for `openPglite('memory://', { loadDataDir })`. */
  dumpDataDir(): Promise<Blob>;
}

export interface OpenPgliteOptions {
  /** Start from this data directory (from `dumpDataDir()`) instead of an empty one. */
  loadDataDir?: Blob;
}

export async function openPglite(dataDir: string, opts: OpenPgliteOptions = {}): Promise<EmbeddedDatabase> {
  const inMemory = dataDir.startsWith('memory://');
  const location = inMemory ? dataDir : resolve(dataDir);
  let release = () => {};
  if (!inMemory) {
    mkdirSync(dirname(location), { recursive: true });
    release = lockEmbeddedDatabase(location);
  }
  let pg: PGlite;
  try {
    pg = await PGlite.create(location, { parsers, loadDataDir: opts.loadDataDir });
  } catch (err) {
    release();
    throw err;
  }
  const base = wrap(pg);
  let closed = false;
  const transactionScripts = async (scripts: string[][]): Promise<void> => {
    // In process: no round trips to save; one statement at a time, each script its own transaction.
    for (const statements of scripts) {
      await pg.transaction(async (tx) => {
        for (const statement of statements) await tx.query(statement);
      });
    }
  };
  return {
    kind: 'pglite',
    query: base.query,
    mapRows: base.mapRows,
    transaction<T>(fn: (tx: ScriptSql) => Promise<T>): Promise<T> {
      return pg.transaction((tx) => fn(wrap(tx)));
    },
    transactionScripts,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await pg.close();
      } finally {
        release();
      }
    },
    async listen(channel, onNotify) {
      const unsubscribe = await pg.listen(channel, onNotify);
      return { unlisten: () => (closed ? Promise.resolve() : unsubscribe()) };
    },
    describe() {
      return describeEmbedded(location);
    },
    async openScratchCopy() {
      const { openPgliteScratchCopy } = await import('./scratch-copy.js');
      return openPgliteScratchCopy(base, await pg.dumpDataDir('none'));
    },
    dumpDataDir() {
      return pg.dumpDataDir('none');
    },
  };
}
