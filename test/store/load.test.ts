// `classctl load`: every bad row reported with its index, id and JSON pointer
// (pure validation), and nothing written when any row is invalid (both backends).
import t from 'tap';
import { validateLoadDocument } from '../../controller/core/load/validate-load.js';
import { loadInputs } from '../../controller/store/load.js';
import { readBranches, readSeries } from '../../controller/store/inputs.js';
import { forEachBackend } from './helpers.js';

const BRANCH = { id: 'downtown', name: 'Downtown', timezone: 'America/New_York' };
const SERIES = {
  id: 'downtown-yoga-mon', branchId: 'downtown', title: 'Yoga Flow', rrule: 'FREQ=WEEKLY;BYDAY=MO',
  startDate: '2026-09-07', endDate: null, startTime: '07:00', durationMinutes: 60, capacity: 20,
  instructorId: 'ana', roomId: 'studio-a', exdates: [],
};
const doc = (series: unknown[], branches: unknown[] = [BRANCH]) => ({ branches, series });
const withSeries = (patch: Record<string, unknown>) => doc([SERIES, { ...SERIES, id: 'bad-one', ...patch }]);

interface ProblemCase {
  name: string;
  doc: unknown;
  pointer: string;
  document?: string;
  message: RegExp;
}

const problemCases: ProblemCase[] = [
  { name: 'start time past 23:59', doc: withSeries({ startTime: '25:00' }), pointer: '/series/1/startTime', document: 'bad-one', message: /series #1 "bad-one": startTime "25:00" is not a 24-hour local time HH:MM/ },
  { name: 'start time without a leading zero', doc: withSeries({ startTime: '7:00' }), pointer: '/series/1/startTime', document: 'bad-one', message: /HH:MM/ },
  { name: 'a day that does not exist', doc: withSeries({ startDate: '2026-02-29' }), pointer: '/series/1/startDate', document: 'bad-one', message: /calendar date/ },
  { name: 'an end before the start', doc: withSeries({ endDate: '2026-09-01' }), pointer: '/series/1/endDate', document: 'bad-one', message: /before startDate 2026-09-07/ },
  { name: 'a missing required field', doc: withSeries({ title: undefined }), pointer: '/series/1/title', document: 'bad-one', message: /non-empty string; got nothing/ },
  { name: 'an id given as a number', doc: withSeries({ id: 42 }), pointer: '/series/1/id', message: /must be a string \(quote it\)/ },
  { name: 'an RRULE with DTSTART', doc: withSeries({ rrule: 'FREQ=DAILY;DTSTART=20260101T090000' }), pointer: '/series/1/rrule', document: 'bad-one', message: /DTSTART is not allowed in the rule/ },
  { name: 'an hourly RRULE', doc: withSeries({ rrule: 'FREQ=HOURLY' }), pointer: '/series/1/rrule', document: 'bad-one', message: /FREQ=HOURLY is not supported.*DAILY, WEEKLY, MONTHLY or YEARLY/ },
  { name: 'an RRULE with a bad weekday', doc: withSeries({ rrule: 'FREQ=WEEKLY;BYDAY=MON' }), pointer: '/series/1/rrule', document: 'bad-one', message: /'MON' is not a weekday/ },
  { name: 'an RRULE without FREQ', doc: withSeries({ rrule: 'BYDAY=MO' }), pointer: '/series/1/rrule', document: 'bad-one', message: /FREQ is missing/ },
  { name: 'a zero duration', doc: withSeries({ durationMinutes: 0 }), pointer: '/series/1/durationMinutes', document: 'bad-one', message: /durationMinutes 0 must be a whole number of minutes from 1 to 1440/ },
  { name: 'a negative capacity', doc: withSeries({ capacity: -1 }), pointer: '/series/1/capacity', document: 'bad-one', message: /capacity -1 must be a whole number of at least 0/ },
  { name: 'a fractional capacity', doc: withSeries({ capacity: 2.5 }), pointer: '/series/1/capacity', document: 'bad-one', message: /whole number/ },
  { name: 'a bad exdate names its position', doc: withSeries({ exdates: ['2026-12-28', '28/12/2026'] }), pointer: '/series/1/exdates/1', document: 'bad-one', message: /exdate "28\/12\/2026" is not a calendar date/ },
  { name: 'exdates that are not a list', doc: withSeries({ exdates: '2026-12-28' }), pointer: '/series/1/exdates', document: 'bad-one', message: /exdates "2026-12-28" must be a list of local dates/ },
  { name: 'a snake_case field gets a hint', doc: withSeries({ branch_id: 'downtown' }), pointer: '/series/1/branch_id', document: 'bad-one', message: /did you mean "branchId"\?/ },
  { name: 'an unknown field', doc: withSeries({ colour: 'red' }), pointer: '/series/1/colour', document: 'bad-one', message: /is not a field; the fields are id, branchId/ },
  { name: 'a duplicate series id names the first row', doc: doc([SERIES, { ...SERIES }]), pointer: '/series/1/id', document: 'downtown-yoga-mon', message: /also the id of series #0/ },
  { name: 'an empty instructor id', doc: withSeries({ instructorId: '' }), pointer: '/series/1/instructorId', document: 'bad-one', message: /must not be empty/ },
  { name: 'an unknown time zone', doc: doc([], [{ ...BRANCH, timezone: 'Mars/Olympus_Mons' }]), pointer: '/branches/0/timezone', document: 'downtown', message: /IANA time zone/ },
  { name: 'a UTC offset instead of a zone', doc: doc([], [{ ...BRANCH, timezone: '-05:00' }]), pointer: '/branches/0/timezone', document: 'downtown', message: /IANA time zone/ },
  { name: 'a duplicate branch id', doc: doc([], [BRANCH, BRANCH]), pointer: '/branches/1/id', document: 'downtown', message: /also the id of branch #0/ },
  { name: 'a row that is not a mapping', doc: doc(['downtown-yoga-mon']), pointer: '/series/0', message: /must be a mapping/ },
  { name: 'series that is not a list', doc: { branches: [BRANCH], series: { id: 'x' } }, pointer: '/series', message: /must be a list/ },
  { name: 'an unknown section', doc: { branches: [BRANCH], serie: [] }, pointer: '/serie', message: /not a section of a load file/ },
  { name: 'an empty file', doc: null, pointer: '', message: /the file is empty/ },
  { name: 'a list at the top', doc: [BRANCH], pointer: '', message: /must be a mapping/ },
];

t.test('validateLoadDocument reports each bad row with index, id and pointer', async (t) => {
  for (const c of problemCases) {
    t.test(c.name, async (t) => {
      const v = validateLoadDocument(c.doc);
      t.equal(v.problems.length, 1, 'exactly one problem');
      const p = v.problems[0]!;
      t.match(p, { code: 'LOAD_INVALID', severity: 'error', pointer: c.pointer });
      t.equal(p.document, c.document);
      t.match(p.message, c.message);
    });
  }
});

t.test('every problem of a file is reported, not only the first', async (t) => {
  const v = validateLoadDocument(doc([{ ...SERIES, startTime: '7pm', capacity: 'many' }, { ...SERIES, id: 'b', rrule: '' }]));
  t.strictSame(v.problems.map((p) => p.pointer), ['/series/0/startTime', '/series/0/capacity', '/series/1/rrule']);
  t.strictSame(v.series.map((s) => s.id), [], 'no invalid row is returned');
});

t.test('a valid document comes back normalized', async (t) => {
  const v = validateLoadDocument({
    branches: [{ id: 'soho', timezone: 'Europe/London' }],
    series: [{ id: 'barre', branchId: 'soho', title: 'Barre', rrule: 'FREQ=MONTHLY;BYDAY=1SU', startDate: '2026-10-04', startTime: '18:00', exdates: ['2027-01-03', '2026-12-06', '2027-01-03'] }],
    sessions: [{ ignored: true }],
    archivedSeries: [],
  });
  t.strictSame(v.problems, []);
  t.strictSame(v.branches, [{ id: 'soho', name: 'soho', timezone: 'Europe/London' }], 'a missing name is the id');
  t.strictSame(v.series, [{
    id: 'barre', branchId: 'soho', title: 'Barre', rrule: 'FREQ=MONTHLY;BYDAY=1SU', startDate: '2026-10-04', endDate: null,
    startTime: '18:00', durationMinutes: null, capacity: null, instructorId: null, roomId: null, exdates: ['2026-12-06', '2027-01-03'],
  }], 'absent optional fields are null, exdates sorted once');
  t.strictSame(v.unresolvedBranchRefs, []);
});

t.test('loadInputs', async (t) => {
  forEachBackend(t, [{ name: 'load' }], async (t, db) => {
    t.test('one bad row: nothing is written, the row is named', async (t) => {
      const bad = { branches: [BRANCH], series: [SERIES, { ...SERIES, id: 'late-yoga', startTime: '24:30' }] };
      const r = await loadInputs(db, bad);
      t.strictSame({ branches: r.branches, series: r.series }, { branches: 0, series: 0 });
      t.match(r.problems, [{ pointer: '/series/1/startTime', document: 'late-yoga', message: /series #1 "late-yoga"/ }]);
      t.strictSame(await readBranches(db), [], 'not even the valid branch');
      t.strictSame(await readSeries(db), []);
    });

    t.test('a series of a branch neither in the file nor in the database', async (t) => {
      const r = await loadInputs(db, { series: [{ ...SERIES, branchId: 'uptown' }] });
      t.match(r.problems, [{ pointer: '/series/0/branchId', document: 'downtown-yoga-mon', message: /branchId "uptown" names no branch/ }]);
      t.strictSame(await readSeries(db), []);
    });

    t.test('a valid file is upserted; loading it again writes nothing', async (t) => {
      const r = await loadInputs(db, doc([SERIES, { ...SERIES, id: 'spin', title: 'Spin', exdates: ['2026-12-29'] }]));
      t.strictSame(r, { branches: 1, series: 2, problems: [], written: { branches: 1, series: 2 } });
      const again = await loadInputs(db, doc([SERIES, { ...SERIES, id: 'spin', title: 'Spin', exdates: ['2026-12-29'] }]));
      t.strictSame(again.written, { branches: 0, series: 0 });
      t.strictSame((await readSeries(db)).map((s) => [s.id, s.version]), [['downtown-yoga-mon', '1'], ['spin', '1']], 'no version bumped');
    });

    t.test('a changed row bumps only its own version; a series may name a branch of the database', async (t) => {
      const r = await loadInputs(db, { series: [{ ...SERIES, id: 'spin', title: 'Spin', exdates: ['2026-12-29', '2027-01-05'] }] });
      t.strictSame(r.problems, []);
      t.strictSame(r.written, { branches: 0, series: 1 });
      const series = await readSeries(db);
      t.strictSame(series.map((s) => [s.id, s.version]), [['downtown-yoga-mon', '1'], ['spin', '2']]);
      t.strictSame(series[1]!.exdates, ['2026-12-29', '2027-01-05']);
    });
  });
});
