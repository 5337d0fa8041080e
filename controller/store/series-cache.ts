// The class series a long-running process (`serve`) read in its last run,
// given to the next run while the table holds the same row versions. Every
// run reads every series: at 100,000 series that was ~0.3 s of this
// process's CPU, and ~50 MB of objects, built again each time though most
// runs (a day roll, a timer with nothing to do) follow no change at all.
//
// Whether anything changed is asked of the database, in the run's snapshot
// transaction: the number of rows and the sum of a 64-bit hash of each row's
// id and xmin (the transaction that wrote its current version). An INSERT,
// UPDATE or DELETE changes that set whether or not triggers run — a bulk load
// with session_replication_role = replica bumps no `version`, but writes new
// row versions all the same — so equal sums mean the same row versions, up
// to a 64-bit hash collision (as the session digests accept). xmin is the
// raw transaction id even once VACUUM has frozen the row.
import type { ClassSeries } from '../core/types.js';
import type { Sql } from './database.js';
import { readSeries } from './inputs.js';

const ROW_VERSIONS_SQL = `
  SELECT count(*)::int AS rows, coalesce(sum(hashtextextended(id || ' ' || xmin::text, 0)), 0)::text AS hashes
    FROM class_series`;

export class SeriesSnapshotCache {
  private rowVersions: string | null = null;
  private series: readonly ClassSeries[] = [];

  /**
   * Every series, as readSeries() returns them: the objects of the last read
   * when the table's row versions are the ones it read, else read now. The
   * objects are frozen: runs share them. Call inside the run's snapshot
   * transaction, so the check and the read see the same rows.
   */
  async read(sql: Sql): Promise<ClassSeries[]> {
    const [row] = await sql.query<{ rows: number; hashes: string }>(ROW_VERSIONS_SQL);
    const rowVersions = `${row!.rows}:${row!.hashes}`;
    if (rowVersions !== this.rowVersions) {
      // Let go of the old objects before the new ones are built.
      this.rowVersions = null;
      this.series = [];
      const series = await readSeries(sql);
      for (const s of series) {
        Object.freeze(s.exdates);
        Object.freeze(s);
      }
      this.series = series;
      this.rowVersions = rowVersions;
    }
    return this.series.slice();
  }

  /** Forgets what was read: the next read reads every series (a benchmark measuring a new process). */
  clear(): void {
    this.rowVersions = null;
    this.series = [];
  }
}
