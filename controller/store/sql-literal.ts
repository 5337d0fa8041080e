// Values written into the text of short statements instead of sent as
// parameters. postgres.js sends a parameterized statement that is not named
// (the driver names none: named statements break behind PgBouncer in
// transaction mode) as two round trips — it asks the server for the
// parameter types first — and holds back the statements queued behind it
// until both are done. A statement without parameters goes in one, and the
// ones issued with it are pipelined. A branch transaction's few small
// statements (its lock, its records) are most of a small branch write, so
// they carry their values as literals; bulk rows stay parameters.

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
