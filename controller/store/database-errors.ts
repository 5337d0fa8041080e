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
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'CONNECT_TIMEOUT' || code === '28P01' || code === '3D000') {
    return new ClassctlError(
      ErrorCodes.DB_ERROR,
      `Cannot use the database ${where}: ${message}. Check --database / DATABASE_URL and that the server is running.`,
      { key: where, cause: err },
    );
  }
  return err;
}
