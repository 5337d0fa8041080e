// Telling database errors apart. Both drivers keep the server's SQLSTATE in
// `code` (postgres.js PostgresError, PGlite DatabaseError); postgres.js
// connection failures carry their own codes (CONNECTION_CLOSED, …) or the
// socket's (ECONNREFUSED, …).
import { ClassctlError, ErrorCodes } from '../core/errors.js';

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

const TRANSIENT_SQLSTATES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
  '57P01', // admin_shutdown (server restarting, failover)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up)
  '53300', // too_many_connections
]);

const TRANSIENT_CONNECTION_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
]);

/**
 * True for errors a retry can cure: lost connections, serialization
 * failures, deadlocks, a server restarting. Everything else is terminal.
 */
export function isTransientDatabaseError(err: unknown): boolean {
  const code = codeOf(err);
  if (code === undefined) return false;
  return TRANSIENT_SQLSTATES.has(code) || code.startsWith('08') || TRANSIENT_CONNECTION_CODES.has(code);
}

/** What to do about a connection failure, by its code; undefined for codes that are not about connecting. */
function connectionAdvice(code: string): string | undefined {
  switch (code) {
    case 'ECONNREFUSED':
      return 'the connection was refused. Check that PostgreSQL is running there and that --database (or DATABASE_URL) names the right host and port';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'its host name does not resolve. Check the host in --database (or DATABASE_URL)';
    case 'CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return 'connecting timed out. Check that the host is reachable (network, firewall) and that PostgreSQL listens on that port';
    case '28P01':
    case '28000':
      return 'the server refused the login. Check the user and password in --database (or DATABASE_URL, PGPASSWORD) and pg_hba.conf';
    case '3D000':
      return 'that database does not exist on the server. Create it (createdb NAME) and run `classctl migrate`, or correct the database name in --database (or DATABASE_URL)';
    case '57P03':
      return 'the server is starting up or shutting down. Try again in a moment';
    default:
      return undefined;
  }
}

/**
 * A database error as a ClassctlError with a sentence that says what to do,
 * for the cases an operator can fix; other errors are returned as they are.
 */
export function explainDatabaseError(err: unknown, where: string): unknown {
  if (err instanceof ClassctlError) return err;
  const code = codeOf(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code === '42P01') {
    return new ClassctlError(
      ErrorCodes.DB_NOT_MIGRATED,
      `The database ${where} has no classctl schema (${message}). Run \`classctl migrate\` with the same --database first.`,
      { key: where, cause: err },
    );
  }
  const advice = code === undefined ? undefined : connectionAdvice(code);
  if (advice !== undefined) {
    return new ClassctlError(ErrorCodes.DB_ERROR, `Cannot use the database ${where} (${message}): ${advice}.`, { key: where, cause: err });
  }
  return err;
}
