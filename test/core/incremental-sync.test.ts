// The inputs fingerprint decides whether a branch may be planned from what the
// last run recorded: any change to what its sessions depend on must change it,
// and nothing else may.
import t from 'tap';
import { branchInputsDigest } from '../../controller/core/incremental-sync.js';
import type { Branch, ClassSeries } from '../../controller/core/types.js';
import { baseConfig, doc, configOf, BASE_SETTINGS } from '../helpers/fixtures.js';
import { series } from './generation/generation-fixtures.js';

const BRANCH: Branch = { id: 'downtown', name: 'Downtown', timezone: 'Europe/London' };
const CONFIG = baseConfig();
const TWO = [series(), series({ id: 'spin-tue', title: 'Spin', rrule: 'FREQ=WEEKLY;BYDAY=TU', instructorId: null, roomId: null })];
const digestOf = (list: ClassSeries[], branch: Branch = BRANCH, config = CONFIG) => branchInputsDigest(branch, list, config);

t.test('the same inputs give the same fingerprint, from equal but separate objects', async (t) => {
  const again = TWO.map((s) => ({ ...s, exdates: [...s.exdates] }));
  t.equal(digestOf(again), digestOf(TWO));
  t.match(digestOf(TWO), /^[0-9a-f]{16}$/, '16 hex digits');
});

t.test('every change a run depends on changes the fingerprint', async (t) => {
  const base = digestOf(TWO);
  const edit = (patch: Partial<ClassSeries>) => [{ ...TWO[0]!, ...patch }, TWO[1]!];
  const rows: Array<{ name: string; list?: ClassSeries[]; branch?: Branch; config?: ReturnType<typeof baseConfig> }> = [
    { name: 'the series version bumped by the trigger', list: edit({ version: '2' }) },
    { name: 'the title', list: edit({ title: 'Morning Yoga!' }) },
    { name: 'the rule', list: edit({ rrule: 'FREQ=DAILY;INTERVAL=2' }) },
    { name: 'the start date', list: edit({ startDate: '2026-01-02' }) },
    { name: 'an end date set', list: edit({ endDate: '2026-12-31' }) },
    { name: 'the start time', list: edit({ startTime: '09:01' }) },
    { name: 'a duration from 45 minutes to the default (null)', list: edit({ durationMinutes: null }) },
    { name: 'capacity 12 to 0', list: edit({ capacity: 0 }) },
    { name: 'capacity 12 to the default (null)', list: edit({ capacity: null }) },
    { name: 'the instructor removed', list: edit({ instructorId: null }) },
    { name: 'the instructor id "null" is not no instructor', list: [TWO[0]!, { ...TWO[1]!, instructorId: 'null' }] },
    { name: 'the room', list: edit({ roomId: 'studio-2' }) },
    { name: 'an exdate added', list: edit({ exdates: ['2026-03-02'] }) },
    { name: 'an exdate moved', list: [{ ...TWO[0]!, exdates: ['2026-03-03'] }, TWO[1]!] },
    { name: 'a series removed', list: [TWO[0]!] },
    { name: 'the series in another order', list: [TWO[1]!, TWO[0]!] },
    { name: 'a series moved in from another branch id', list: edit({ branchId: 'uptown' }) },
    { name: 'the branch zone', branch: { ...BRANCH, timezone: 'Europe/Dublin' } },
    { name: 'the branch id', branch: { ...BRANCH, id: 'downtown-2' } },
    { name: 'the resolved settings (a longer horizon)', config: baseConfig({ generation: { enabled: true, horizonDays: 15 } }) },
    { name: 'a series document for one series', config: configOf(doc('base', {}, BASE_SETTINGS), doc('yoga', { series: 'yoga-mon' }, { sessionDefaults: { capacity: 21 } })) },
  ];
  const seen = new Set([base]);
  for (const row of rows) {
    const digest = digestOf(row.list ?? TWO, row.branch ?? BRANCH, row.config ?? CONFIG);
    t.not(digest, base, row.name);
    seen.add(digest);
  }
  t.equal(seen.size, rows.length + 1, 'no two of these inputs share a fingerprint');
});

t.test('values are kept apart: text moved from one field into the next changes the fingerprint', async (t) => {
  const rows: Array<{ name: string; a: Partial<ClassSeries>; b: Partial<ClassSeries> }> = [
    { name: 'title and rule', a: { title: 'Yoga', rrule: 'FREQ=DAILY' }, b: { title: 'YogaFR', rrule: 'EQ=DAILY' } },
    { name: 'instructor and room', a: { instructorId: 'ana1', roomId: 'studio' }, b: { instructorId: 'ana1st', roomId: 'udio' } },
    { name: 'one exdate or two halves', a: { exdates: ['2026-03-02', '2026-03-03'] }, b: { exdates: ['2026-03-022026-03-03'] } },
    { name: 'an odd-length title (code units are taken two at a time)', a: { title: 'Yog', rrule: 'aFREQ=DAILY' }, b: { title: 'Yoga', rrule: 'FREQ=DAILY' } },
  ];
  for (const row of rows) t.not(digestOf([series(row.a)]), digestOf([series(row.b)]), row.name);
});
