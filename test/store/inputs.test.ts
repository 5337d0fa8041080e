// Reading the inputs of a run: dates and times come back exactly as stored,
// whatever the process time zone — this file runs in New York on purpose,
// where a `date` parsed into a JS Date (midnight UTC) prints as the day before.
process.env.TZ = 'America/New_York';

import t from 'tap';
import { readArchivedSeriesIds, readBranches, readSeries } from '../../controller/store/inputs.js';
import { readObservedSessions } from '../../controller/store/sessions.js';
import { DAY, HOUR, NOW, forEachBackend, seedBranch } from './helpers.js';

t.test('the process really runs in New York time', async (t) => {
  t.equal(new Date('2027-01-01T00:00:00Z').getDate(), 31, 'midnight UTC on New Year is still Dec 31 here');
});

interface SeriesCase {
  name: string;
  columns: { start_date: string; end_date: string | null; start_time: string; exdates: string };
  expected: { startDate: string; endDate: string | null; startTime: string; exdates: string[] };
}

const seriesCases: SeriesCase[] = [
  {
    name: 'a first-of-year start date is not shifted to the previous day',
    columns: { start_date: '2027-01-01', end_date: '2027-12-31', start_time: '00:00', exdates: '{}' },
    expected: { startDate: '2027-01-01', endDate: '2027-12-31', startTime: '00:00', exdates: [] },
  },
  {
    name: 'dates on DST-change days and a time inside the spring-forward gap round-trip as written',
    columns: { start_date: '2027-03-14', end_date: '2027-11-07', start_time: '02:30', exdates: '{2027-03-14}' },
    expected: { startDate: '2027-03-14', endDate: '2027-11-07', startTime: '02:30', exdates: ['2027-03-14'] },
  },
  {
    name: 'an open end date is null',
    columns: { start_date: '2026-02-28', end_date: null, start_time: '23:59', exdates: '{}' },
    expected: { startDate: '2026-02-28', endDate: null, startTime: '23:59', exdates: [] },
  },
  {
    name: 'exdates the host stored unsorted, twice or with NULL come back sorted, once, without NULL',
    columns: { start_date: '2026-11-02', end_date: null, start_time: '18:30', exdates: '{2027-01-04,2026-12-28,NULL,2027-01-04}' },
    expected: { startDate: '2026-11-02', endDate: null, startTime: '18:30', exdates: ['2026-12-28', '2027-01-04'] },
  },
  {
    name: 'seconds the host stored in start_time are dropped (HH:MM)',
    columns: { start_date: '2026-11-02', end_date: null, start_time: '07:45:30', exdates: '{}' },
    expected: { startDate: '2026-11-02', endDate: null, startTime: '07:45', exdates: [] },
  },
];

t.test('readSeries returns local dates and times with no time-zone shift', async (t) => {
  forEachBackend(t, seriesCases, async (t, db, c) => {
    await seedBranch(db);
    await db.query(
      `INSERT INTO class_series (id, branch_id, title, rrule, start_date, end_date, start_time, duration_minutes, capacity, exdates)
       VALUES ('s1', 'downtown', 'Yoga', 'FREQ=WEEKLY;BYDAY=MO', $1, $2, $3, NULL, 12, $4)`,
      [c.columns.start_date, c.columns.end_date, c.columns.start_time, c.columns.exdates],
    );
    const [s] = await readSeries(db);
    t.strictSame(s, {
      id: 's1',
      branchId: 'downtown',
      title: 'Yoga',
      rrule: 'FREQ=WEEKLY;BYDAY=MO',
      ...c.expected,
      durationMinutes: null,
      capacity: 12,
      instructorId: null,
      roomId: null,
      version: '1',
    });
    t.equal(typeof s!.version, 'string', 'version is a decimal string');
  });
});

t.test('inputs by branch, sorted by id; archived ids', async (t) => {
  forEachBackend(t, [{ name: 'branches and series' }], async (t, db) => {
    await db.query(`INSERT INTO branches (id, name, timezone) VALUES ('sydney', NULL, 'Australia/Sydney'), ('london', 'London', 'Europe/London')`);
    for (const [id, branch] of [['b-2', 'london'], ['a-1', 'sydney'], ['c-3', 'london']]) {
      await db.query(
        `INSERT INTO class_series (id, branch_id, title, rrule, start_date, start_time) VALUES ($1, $2, 'T', 'FREQ=DAILY', '2026-11-01', '09:00')`,
        [id, branch],
      );
    }
    await db.query(`INSERT INTO class_series_archive (id, "row", deleted_at) VALUES ('old-1', '{}', now())`);
    t.strictSame(await readBranches(db), [
      { id: 'london', name: 'London', timezone: 'Europe/London' },
      { id: 'sydney', name: 'sydney', timezone: 'Australia/Sydney' },
    ], 'a branch without a name is named by its id');
    t.strictSame((await readSeries(db)).map((s) => s.id), ['a-1', 'b-2', 'c-3']);
    t.strictSame((await readSeries(db, { branchId: 'london' })).map((s) => s.id), ['b-2', 'c-3']);
    t.strictSame([...(await readArchivedSeriesIds(db))], ['old-1']);
  });
});

interface OrderCase {
  name: string;
  /** Inserted in this order, which is not the sorted one. */
  ids: string[];
  expected: string[];
}

// readSeries sorts what the database sends unsorted: the result must be the
// database's own `ORDER BY id COLLATE "C"` (code point order), which the
// plan's order and every other read of the run follow.
const orderCases: OrderCase[] = [
  { name: 'ASCII ids sort byte by byte: upper case before lower, a prefix first', ids: ['b', 'B', 'a-10', 'a-1', 'a-2'], expected: ['B', 'a-1', 'a-10', 'a-2', 'b'] },
  { name: 'an accented id sorts after every ASCII one', ids: ['é-1', 'z-1', 'e-1'], expected: ['e-1', 'z-1', 'é-1'] },
  {
    name: 'an emoji id (U+1F600) sorts after a full-width one (U+FF21), though its first UTF-16 unit is lower',
    ids: ['😀-1', 'Ａ-1', 'a-1'],
    expected: ['a-1', 'Ａ-1', '😀-1'],
  },
  { name: 'a private-use id (U+E000) sorts before an emoji and after a CJK one', ids: ['😀', '\ue000', '漢'], expected: ['漢', '\ue000', '😀'] },
];

t.test('readSeries returns series in the database\'s code point order, whatever order they are stored in', async (t) => {
  forEachBackend(t, orderCases, async (t, db, c) => {
    await seedBranch(db);
    for (const id of c.ids) {
      await db.query(`INSERT INTO class_series (id, branch_id, title, rrule, start_date, start_time) VALUES ($1, 'downtown', 'T', 'FREQ=DAILY', '2026-11-01', '09:00')`, [id]);
    }
    const databaseOrder = (await db.query<{ id: string }>(`SELECT id FROM class_series ORDER BY id COLLATE "C"`)).map((r) => r.id);
    t.strictSame(databaseOrder, c.expected, 'the expected order is the database\'s');
    t.strictSame((await readSeries(db)).map((s) => s.id), c.expected);
    t.strictSame((await readSeries(db, { branchId: 'downtown' })).map((s) => s.id), c.expected);
  });
});

interface ObservedCase {
  name: string;
  branchId: string;
  occurrenceKey: string;
  startsAt: number;
  observed: boolean;
}

// `now` is Wednesday 2026-11-25 10:00 in New York; today there is 2026-11-25.
const observedCases: ObservedCase[] = [
  { name: 'a future session is observed', branchId: 'downtown', occurrenceKey: '2026-11-26', startsAt: NOW + DAY, observed: true },
  { name: "today's session that already started is observed (its key stays taken)", branchId: 'downtown', occurrenceKey: '2026-11-25', startsAt: NOW - HOUR, observed: true },
  { name: 'a session starting exactly at now has started: observed only through its key', branchId: 'downtown', occurrenceKey: '2026-11-25', startsAt: NOW, observed: true },
  { name: "yesterday's session is history and not observed", branchId: 'downtown', occurrenceKey: '2026-11-24', startsAt: NOW - DAY, observed: false },
  { name: 'a session of another branch is not observed', branchId: 'london', occurrenceKey: '2026-11-26', startsAt: NOW + DAY, observed: false },
  { name: 'a session keyed before today but starting later (a moved class) is observed', branchId: 'downtown', occurrenceKey: '2026-11-24', startsAt: NOW + 2 * HOUR, observed: true },
];

t.test('readObservedSessions: starts after now, or keyed today or later, in one branch', async (t) => {
  forEachBackend(t, observedCases, async (t, db, c) => {
    await db.query(
      `INSERT INTO class_sessions (series_id, branch_id, occurrence_key, title, starts_at, ends_at, timezone, capacity, booked_count)
       VALUES ('s1', $1, $2, 'Yoga', $3, $4, 'America/New_York', NULL, 3)`,
      [c.branchId, c.occurrenceKey, new Date(c.startsAt).toISOString(), new Date(c.startsAt + HOUR).toISOString()],
    );
    const observed = await readObservedSessions(db, 'downtown', NOW, '2026-11-25');
    t.equal(observed.length, c.observed ? 1 : 0);
    if (c.observed) {
      const o = observed[0]!;
      t.match(o, {
        seriesId: 's1', branchId: 'downtown', occurrenceKey: c.occurrenceKey, title: 'Yoga',
        startsAt: c.startsAt, endsAt: c.startsAt + HOUR, timezone: 'America/New_York',
        instructorId: null, roomId: null, capacity: null, status: 'scheduled', detached: false, bookedCount: 3,
      });
      t.equal(typeof o.id, 'string');
    }
  });
});
