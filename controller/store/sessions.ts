// class_sessions: what a run observes (the sessions of a branch, or of some of
// its series, read in full; digests first, in series-digests.ts) and what it
// writes (a handful of bulk statements per branch, in session-writes.ts).
import type { LocalDate, ObservedSession } from '../core/types.js';
import type { Sql } from './database.js';
import { isoFromMs } from './instants.js';
import { OBSERVED_COLUMNS } from './observed-columns.js';
import { withLiterals } from './sql-literal.js';

export { writeSessionChanges, describeSkipReason, CreatesCollided, type SessionWriteResult, type SkippedSessionChange, type SkipReason } from './session-writes.js';

/**
 * The observed sessions of a branch: every session that starts
 * after `now`, or whose occurrence key is today or later in the branch's zone
 * (a started session of today still takes its key). One query, served by the
 * (branch_id, starts_at) and (branch_id, occurrence_key) indexes; sorted by
 * series and occurrence key. Instants are epoch ms. With `seriesIds`, only
 * those series' sessions.
 */
export async function readObservedSessions(
  sql: Sql,
  branchId: string,
  nowMs: number,
  today: LocalDate,
  seriesIds?: readonly string[],
): Promise<ObservedSession[]> {
  const onlySeries = seriesIds === undefined ? '' : 'AND series_id = ANY($4::text[])';
  const params: unknown[] = [branchId, isoFromMs(nowMs), today];
  if (seriesIds !== undefined) params.push(seriesIds);
  // Literals, not parameters: one round trip (sql-literal.ts).
  return sql.query<ObservedSession>(
    withLiterals(
      `SELECT ${OBSERVED_COLUMNS}
         FROM class_sessions
        WHERE branch_id = $1 AND (starts_at > $2::timestamptz OR occurrence_key >= $3) ${onlySeries}
        ORDER BY series_id COLLATE "C", occurrence_key COLLATE "C"`,
      params,
    ),
  );
}
