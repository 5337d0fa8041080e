// Values written into the text of short statements instead of sent as
// parameters. postgres.js sends a parameterized statement that is not named
// (the driver names none: named statements break behind PgBouncer in
// transaction mode) as two round trips — it asks the server for the
// parameter types first — and holds back the statements queued behind it
// until both are done. A statement without parameters goes in one, and the
// ones issued with it are pipelined. A branch transaction's few small
// statements (its lock, its records) are most of a small branch write, so
// they carry their values as literals; bulk rows stay parameters.

import { toPgArrayLiteral, type PgArrayElement } from './pg-array.js';

/**
 * `text` as an SQL string literal, read the same whatever
 * standard_conforming_strings says (the E'' form: backslashes and quotes
 * escaped). PostgreSQL text cannot hold NUL.
 */
export function sqlText(text: string | null): string {
  if (text === null) return 'NULL';
  if (text.includes('\u0000')) throw new TypeError('a text value with a NUL character cannot be stored in PostgreSQL');
  return `E'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/**
 * `sql` with each `$n` replaced by params[n-1] as a literal: texts (array
 * literals included) as sqlText(), JS arrays as their array literal (as
 * encodeParams sends them), finite numbers as they are, null as NULL. Only
 * for statements whose text has no `$` other than their parameters.
 */
export function withLiterals(sql: string, params: readonly unknown[]): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    const i = Number(n) - 1;
    if (i < 0 || i >= params.length) throw new RangeError(`withLiterals: the statement names $${n}, but ${params.length} value(s) were given`);
    const value = params[i];
    if (value === null || value === undefined) return 'NULL';
    if (typeof value === 'string') return sqlText(value);
    if (Array.isArray(value)) return sqlText(toPgArrayLiteral(value as PgArrayElement[]));
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    throw new TypeError(`withLiterals: $${n} is a ${typeof value}, which is not written as a literal`);
  });
}
