// How a class_series row is read: every value formatted by the database into
// the exact text the core expects, independent of the session's DateStyle and
// TimeZone and of the driver's type parsers.
import type { ClassSeries } from '../core/types.js';

/**
 * The select list of class_series (alias `s`) as the columns of SeriesRow.
 * Most series have no exdates: they skip the subquery (a run reads every
 * series, and the subquery per row was a third of reading 100,000).
 */
export const SERIES_COLUMNS = `
  s.id,
  s.branch_id,
  s.title,
  s.rrule,
  to_char(s.start_date, 'YYYY-MM-DD') AS start_date,
  to_char(s.end_date, 'YYYY-MM-DD') AS end_date,
  to_char(s.start_time, 'HH24:MI') AS start_time,
  s.duration_minutes,
  s.capacity,
  s.instructor_id,
  s.room_id,
  CASE WHEN cardinality(s.exdates) = 0 THEN '{}'::text[]
       ELSE ARRAY(SELECT to_char(x.d, 'YYYY-MM-DD') FROM (SELECT DISTINCT d FROM unnest(s.exdates) AS d WHERE d IS NOT NULL) AS x ORDER BY x.d) END AS exdates,
  s.version::text AS version`;

/**
 * The same row as jsonb in the snapshot's camelCase shape, plus version and
 * updatedAt: what class_series_archive keeps of a deleted series.
 */
export const SERIES_JSONB = `jsonb_build_object(
  'id', s.id,
  'branchId', s.branch_id,
  'title', s.title,
  'rrule', s.rrule,
  'startDate', to_char(s.start_date, 'YYYY-MM-DD'),
  'endDate', to_char(s.end_date, 'YYYY-MM-DD'),
  'startTime', to_char(s.start_time, 'HH24:MI'),
  'durationMinutes', s.duration_minutes,
  'capacity', s.capacity,
  'instructorId', s.instructor_id,
  'roomId', s.room_id,
  'exdates', to_jsonb(ARRAY(SELECT to_char(x.d, 'YYYY-MM-DD') FROM (SELECT DISTINCT d FROM unnest(s.exdates) AS d WHERE d IS NOT NULL) AS x ORDER BY x.d)),
  'version', s.version::text,
  'updatedAt', to_char(s.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;

export interface SeriesRow {
  id: string;
  branch_id: string;
  title: string;
  rrule: string;
  start_date: string;
  end_date: string | null;
  start_time: string;
  duration_minutes: number | null;
  capacity: number | null;
  instructor_id: string | null;
  room_id: string | null;
  exdates: string[];
  version: string;
}

export function seriesFromRow(r: SeriesRow, shared: RepeatedValues = EACH_ITS_OWN): ClassSeries {
  return {
    id: r.id,
    branchId: shared.text(r.branch_id),
    title: r.title,
    rrule: shared.text(r.rrule),
    startDate: shared.text(r.start_date),
    endDate: r.end_date === null ? null : shared.text(r.end_date),
    startTime: shared.text(r.start_time),
    durationMinutes: r.duration_minutes,
    capacity: r.capacity,
    instructorId: r.instructor_id,
    roomId: r.room_id,
    exdates: r.exdates.length === 0 ? shared.noDates : r.exdates,
    version: r.version,
  };
}

/** How seriesFromRow keeps the values that many series repeat. */
interface RepeatedValues {
  text(value: string): string;
  /** The exdates of a series without any. */
  readonly noDates: string[];
}

/** Shared by every series without exdates: frozen, so that a change to one would throw rather than reach all. */
const NO_DATES = Object.freeze([]) as unknown as string[];

/** For a few rows read at a time: each value stays the driver's own. */
const EACH_ITS_OWN: RepeatedValues = { text: (value) => value, noDates: NO_DATES };

/**
 * One copy of each value that many series repeat (their branch, rule,
 * dates and start time), for the series of one read. A snapshot of 100,000
 * series lives through the whole run: every string the driver made would be
 * copied by each young-generation collection until promoted, and reading
 * the snapshot spent a third of its time in those collections.
 */
export class SharedValues implements RepeatedValues {
  private readonly texts = new Map<string, string>();
  readonly noDates = NO_DATES;

  text(value: string): string {
    const known = this.texts.get(value);
    if (known !== undefined) return known;
    this.texts.set(value, value);
    return value;
  }
}
