// The digests a run reads for one branch (store/series-digests.ts), for tests.
import type { Sql } from '../../controller/store/database.js';
import { readBranchObservations, type SeriesDigest } from '../../controller/store/series-digests.js';

/** Per series of the branch with sessions that start after `now`: its digest. `today` only matters to started sessions, which digests leave out. */
export async function seriesDigestsOf(sql: Sql, branchId: string, nowMs: number): Promise<SeriesDigest[]> {
  const observations = await readBranchObservations(sql, [{ id: branchId, today: new Date(nowMs).toISOString().slice(0, 10) }], nowMs);
  return observations.get(branchId)!.digests;
}
