// Every row of every table of the public schema, and every sequence, as text
// in a stable order: two dumps are equal only if the database is
// byte-identical (updated_at and the run sequence included).
import type { Sql } from '../../controller/store/database.js';

export async function dumpTables(db: Sql): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  const tables = await db.query<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`);
  for (const { name } of tables) {
    const rows = await db.query<{ r: string }>(`SELECT to_jsonb(x)::text AS r FROM public."${name}" AS x ORDER BY 1`);
    out[name] = rows.map((r) => r.r);
  }
  const sequences = await db.query<{ name: string }>(`SELECT sequence_name AS name FROM information_schema.sequences WHERE sequence_schema = 'public' ORDER BY 1`);
  for (const { name } of sequences) {
    const rows = await db.query<{ r: string }>(`SELECT last_value::text || '/' || is_called::text AS r FROM public."${name}"`);
    out[`sequence ${name}`] = rows.map((r) => r.r);
  }
  return out;
}
