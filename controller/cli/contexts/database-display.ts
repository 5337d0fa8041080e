// How the CLI shows which database a command is about: the URL a person
// wrote, user and all, with every password masked, so two databases on one
// server (or one database under two roles) are told apart on screen.
import { describeEmbedded } from '../../store/database-location.js';
import { DEFAULT_EMBEDDED_DATA_DIR } from '../../store/database.js';

export const MASK = '****';

/** Query parameters that carry a secret (libpq's `password`, and what drivers accept besides). */
const SECRET_PARAMS = new Set(['password', 'pass', 'passwd', 'sslpassword']);

/** `postgres://app:****@db:5432/classes?sslmode=require`: the URL with its password and secret parameters masked. */
export function maskDatabaseUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return '(not a URL)'; // never echo what might hold a password
  }
  // `user:secret@host` parses as a URL of scheme "user:": anything but PostgreSQL's is not shown either.
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') return '(not a postgres:// URL)';
  if (u.password !== '') u.password = MASK;
  for (const key of [...u.searchParams.keys()]) if (SECRET_PARAMS.has(key.toLowerCase())) u.searchParams.set(key, MASK);
  return u.toString();
}

/** The database of resolved global options as shown to a person: the masked URL, or `embedded:/abs/path`. */
export function displayDatabase(database: string | undefined): string {
  return database === undefined ? describeEmbedded(DEFAULT_EMBEDDED_DATA_DIR) : maskDatabaseUrl(database);
}
