// controller_settings: small key/value facts about the database itself,
// e.g. `environment` = 'production' (checked by the write guards).
import type { Sql } from './database.js';

/** The key `classctl env set NAME` writes. */
export const ENVIRONMENT_SETTING = 'environment';

export async function getSetting(sql: Sql, key: string): Promise<string | null> {
  const rows = await sql.query<{ value: string | null }>(`SELECT value FROM controller_settings WHERE key = $1`, [key]);
  return rows[0]?.value ?? null;
}

export async function setSetting(sql: Sql, key: string, value: string): Promise<void> {
  await sql.query(
    `INSERT INTO controller_settings (key, value) VALUES ($1, $2)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
    [key, value],
  );
}
