// A scratch copy of the database: every table of the real one, in a place
// that vanishes when the copy is closed. `classctl simulate` runs on one, so
// a simulation leaves the database it reads exactly as it found it.
//
// PostgreSQL: one dedicated connection whose search_path is only `pg_temp`.
// Each table of the public schema is copied into a temporary table of the
// same name (its defaults, constraints and indexes included; a serial column
// gets a temporary sequence at the real one's value). Unqualified names then
// find the copies, and only them: if the connection is lost, the copies are
// gone and every statement fails, instead of falling through to the real
// tables. PGlite: an in-memory database loaded from the real one's data
// directory.
import type { Database, Sql } from './database.js';
import { openPglite } from './pglite-backend.js';
import { openPostgres } from './postgres-backend.js';
import { sqlText } from './sql-literal.js';

export async function openPostgresScratchCopy(url: string): Promise<Database> {
  const db = openPostgres(url, { scratch: true });
  try {
    await copyPublicTables(db);
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
  return db;
}

export async function openPgliteScratchCopy(source: Sql, dataDir: Blob): Promise<Database> {
  const copy = await openPglite('memory://', { loadDataDir: dataDir });
  try {
    // A data directory taken while the database is open is loaded as after a
    // crash: a sequence resumes past the values it had logged ahead. The copy
    // numbers its rows on from where the database is.
    const sequences = await source.query<{ name: string; lastValue: string; isCalled: boolean }>(
      `SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) AS name, COALESCE(last_value, start_value)::text AS "lastValue", last_value IS NOT NULL AS "isCalled"
         FROM pg_catalog.pg_sequences WHERE schemaname = 'public'`,
    );
    for (const s of sequences) await copy.query(`SELECT pg_catalog.setval(${sqlText(s.name)}, ${sqlText(s.lastValue)}::bigint, ${s.isCalled})`);
  } catch (err) {
    await copy.close().catch(() => {});
    throw err;
  }
  return copy;
}

/** Quotes an identifier read from the catalog. */
function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function copyPublicTables(db: Database): Promise<void> {
  // One snapshot of every table, as a run's input snapshot is one.
  await db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    const tables = await tx.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1`,
    );
    for (const { name } of tables) {
      const t = ident(name);
      await tx.query(`CREATE TEMPORARY TABLE ${t} (LIKE public.${t} INCLUDING ALL)`);
      await tx.query(`INSERT INTO pg_temp.${t} SELECT * FROM public.${t}`);
    }
    // LIKE copies a serial column's default as it is: nextval() of the real
    // sequence, which the copy must not advance.
    const serials = await tx.query<{ tableName: string; columnName: string; sequence: string }>(
      `SELECT c.relname AS "tableName", a.attname AS "columnName", s.relname AS sequence
         FROM pg_catalog.pg_depend d
         JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S'
         JOIN pg_catalog.pg_class c ON c.oid = d.refobjid
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
         JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid
        WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.deptype = 'a'
        ORDER BY 1, 2`,
    );
    for (const s of serials) {
      const seq = ident(s.sequence);
      await tx.query(`CREATE TEMPORARY SEQUENCE ${seq}`);
      await tx.query(
        `SELECT pg_catalog.setval('pg_temp.${seq}', last_value, is_called) FROM public.${seq}`,
      );
      await tx.query(`ALTER TABLE pg_temp.${ident(s.tableName)} ALTER COLUMN ${ident(s.columnName)} SET DEFAULT pg_catalog.nextval(${sqlText(`pg_temp.${seq}`)}::regclass)`);
    }
    // Triggers are not copied by LIKE; the ones that keep a row consistent are
    // recreated (the notifying ones are not: nobody listens to a copy).
    const triggers = await tx.query<{ definition: string; real: string; copy: string }>(
      `SELECT pg_catalog.pg_get_triggerdef(tg.oid) AS definition,
              'public.' || pg_catalog.quote_ident(c.relname) AS real, 'pg_temp.' || pg_catalog.quote_ident(c.relname) AS copy
         FROM pg_catalog.pg_trigger tg
         JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
         JOIN pg_catalog.pg_proc p ON p.oid = tg.tgfoid
        WHERE NOT tg.tgisinternal AND p.prosrc NOT ILIKE '%pg_notify%'
        ORDER BY tg.tgname`,
    );
    for (const tr of triggers) {
      const onCopy = tr.definition.replace(` ON ${tr.real} `, ` ON ${tr.copy} `);
      if (onCopy === tr.definition) throw new Error(`The scratch copy cannot recreate a trigger it does not recognise: ${tr.definition}`);
      await tx.query(onCopy);
    }
  });
}
