// The first line of every plan and apply: which context, which database and
// which environment the changes are about. On stderr, so that stdout stays the
// plan alone (`--output json` parses as it did); a person sees both.
import { ENVIRONMENT_SETTING, getSetting } from '../store/settings.js';
import type { Sql } from '../store/database.js';
import type { GlobalOptions } from './context.js';
import { displayDatabase } from './contexts/database-display.js';

/**
 * `Context: staging · Database: postgres://app:****@db:5432/classes · env: staging`.
 * `env` is the database's own stamp; when the command expects another one
 * (--env, the context's env), both are shown: an apply is refused then.
 */
export function runHeaderLine(g: Pick<GlobalOptions, 'context' | 'database' | 'env'>, stamp: string | null, database: string = displayDatabase(g.database)): string {
  const context = g.context ? g.context.name : '(none)';
  const stamped = stamp ?? '(none)';
  const env = g.env !== undefined && g.env !== (stamp ?? '') ? `${stamped} (expected ${g.env}: writes are refused)` : stamped;
  return `Context: ${context} · Database: ${database} · env: ${env}\n`;
}

/** Reads the database's stamp and writes the header line to `stderr`. */
export async function writeRunHeader(stderr: NodeJS.WritableStream, g: GlobalOptions, db: Sql, database?: string): Promise<void> {
  const stamp = await getSetting(db, ENVIRONMENT_SETTING);
  stderr.write(runHeaderLine(g, stamp, database));
}
