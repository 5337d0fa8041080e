// Multi-statement scripts (migration files) need the simple query protocol on
// postgres.js and `exec` on PGlite; the public Sql interface runs one statement.
import type { Sql } from './database.js';

/** A Sql that can also run a multi-statement script. */
export interface ScriptSql extends Sql {
  execScript(script: string): Promise<void>;
}

/** Runs a multi-statement SQL script on a Sql made by openDatabase (or its transaction). */
export async function runScript(sql: Sql, script: string): Promise<void> {
  const s = sql as Partial<ScriptSql>;
  if (typeof s.execScript !== 'function') {
    throw new TypeError('runScript needs a database or transaction opened by openDatabase()');
  }
  await s.execScript(script);
}
