// Tells the operator once when series digests cannot match on this
// database (store/hash-agreement.ts): runs stay correct but every full proof
// reads every session, which would otherwise look like an unexplained slowdown.
import type { Sql } from '../store/database.js';
import { ErrorCodes } from '../core/errors.js';
import { serverHashesAgree } from '../store/hash-agreement.js';
import { describeDbError, errorLogFields } from './retry.js';
import type { Logger } from './logger.js';

/** Databases already checked by this process (the answer cannot change while it runs). */
const checked = new WeakSet<Sql>();

export const SERVER_HASHES_DIFFER =
  "This database computes its hash functions differently from this process (a big-endian server, say), so series digests do not match: full proofs read each series' sessions in full instead of comparing one digest per series. Runs stay correct, only slower; nothing needs to be done unless they take too long.";

/** Once per database and process: a warning when the server's hashes differ. A failed check is tried again at the next run. */
export async function warnIfServerHashesDiffer(db: Sql, log: Logger): Promise<void> {
  if (checked.has(db)) return;
  let agree: boolean;
  try {
    agree = await serverHashesAgree(db);
  } catch (err) {
    log.debug(errorLogFields(err), `Checking the database's hash functions failed (${describeDbError(err)}); the next run checks again.`);
    return;
  }
  checked.add(db);
  if (!agree) log.warn({ code: ErrorCodes.DB_HASHES_DIFFER }, SERVER_HASHES_DIFFER);
}
