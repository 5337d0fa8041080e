// Runs a test body against each real database backend: the embedded PGlite
// (in memory) always, and PostgreSQL when DATABASE_URL is set (required in CI).
import type { Test } from 'tap';
import { openDatabase, type Database } from '../../controller/store/database.js';
import { migrate } from '../../controller/store/migrate.js';
import { freshPostgresDatabase, requirePostgres } from './db.js';

export type BackendName = 'pglite' | 'postgres';

export async function openTestDatabase(t: Test, backend: BackendName): Promise<Database> {
  const db =
    backend === 'pglite'
      ? await openDatabase({ dataDir: 'memory://' })
      : await openDatabase({ url: await freshPostgresDatabase(t) });
  await migrate(db);
  t.teardown(() => db.close());
  return db;
}

/** Declares `name` once per backend as `name [pglite]` / `name [postgres]`. */
export function eachBackend(t: Test, name: string, body: (t: Test, db: Database, backend: BackendName) => Promise<void>): void {
  for (const backend of ['pglite', 'postgres'] as const) {
    t.test(`${name} [${backend}]`, async (t) => {
      if (backend === 'postgres' && !requirePostgres(t)) return;
      const db = await openTestDatabase(t, backend);
      await body(t, db, backend);
    });
  }
}
