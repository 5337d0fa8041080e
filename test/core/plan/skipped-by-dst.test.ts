// The plan names every occurrence that gets no session because its start time
// falls in a spring-forward gap under `dst.nonexistentTime: skip`: in the
// branch plan, the JSON plan (`skippedByDst`, `summary.skippedByDst`) and the text.
import t from 'tap';
import { baseConfig } from '../../helpers/fixtures.js';
import { planOne, seriesOf } from './plan-fixtures.js';

const NY = { id: 'b1', name: 'Downtown', timezone: 'America/New_York' };
// New York springs forward on 2026-03-08: 02:00 → 03:00.
const rows = [
  {
    name: 'a 02:30 class on the spring-forward day under skip is named',
    startTime: '02:30',
    policy: 'skip',
    now: '2026-03-05T12:00:00Z',
    want: [{ seriesId: 's1', branchId: 'b1', occurrenceKey: '2026-03-08', localTime: '02:30', timezone: 'America/New_York', rule: 'dst.nonexistentTime: skip' }],
  },
  { name: 'under shiftForward the class runs at 03:30, so nothing is named', startTime: '02:30', policy: 'shiftForward', now: '2026-03-05T12:00:00Z', want: [] },
  { name: 'a time outside the gap (03:00) is never skipped', startTime: '03:00', policy: 'skip', now: '2026-03-05T12:00:00Z', want: [] },
  {
    name: 'on the day itself, before the gap, it is still named',
    startTime: '02:30',
    policy: 'skip',
    now: '2026-03-08T06:00:00Z', // 01:00 EST
    want: [{ seriesId: 's1', branchId: 'b1', occurrenceKey: '2026-03-08', localTime: '02:30', timezone: 'America/New_York', rule: 'dst.nonexistentTime: skip' }],
  },
  { name: 'on the day itself, after the gap, it is history and not named', startTime: '02:30', policy: 'skip', now: '2026-03-08T15:00:00Z', want: [] },
] as const;

for (const row of rows) {
  t.test(row.name, async (t) => {
    const config = baseConfig({ generation: { enabled: true, horizonDays: 7 }, dst: { nonexistentTime: row.policy, ambiguousTime: 'earlier' } });
    const { branch, json, text } = planOne({ branch: NY, series: [seriesOf({ startTime: row.startTime, startDate: '2026-03-01', endDate: '2026-03-10' })], config, now: Date.parse(row.now) });
    t.same(branch.skippedByDst, row.want, 'branch plan');
    t.same(json.skippedByDst, row.want, 'JSON plan: skippedByDst');
    t.equal(json.summary.skippedByDst, row.want.length, 'JSON plan: summary.skippedByDst');
    t.notOk(json.changes.some((c) => c.occurrenceKey === '2026-03-08' && row.want.length > 0), 'no session is planned for a skipped date');
    const line = text.split('\n').find((l) => l.includes('/ 2026-03-08'));
    if (row.want.length > 0) {
      t.equal(line?.trim(), '/ 2026-03-08  no session: 02:30 does not exist in America/New_York that day (clocks spring forward; dst.nonexistentTime: skip)', 'text: a line in its series');
      t.match(text, /1 occurrence\(s\) get no session: their start time does not exist that day/, 'text: the total');
    } else {
      t.equal(line, undefined, 'text: no skipped line');
    }
  });
}

t.test('the skipped line sits in its series, between the changes before and after it', async (t) => {
  const config = baseConfig({ generation: { enabled: true, horizonDays: 7 }, dst: { nonexistentTime: 'skip', ambiguousTime: 'earlier' } });
  const { text } = planOne({ branch: NY, series: [seriesOf({ startTime: '02:30', startDate: '2026-03-07', endDate: '2026-03-09' })], config, now: Date.parse('2026-03-05T12:00:00Z') });
  const body = text.split('\n').filter((l) => l.startsWith('    ')).map((l) => l.trim().slice(0, 12));
  t.same(body, ['+ 2026-03-07', '/ 2026-03-08', '+ 2026-03-09']);
  t.match(text, /^Branch b1 \(America\/New_York, today 2026-03-05\)\n  Series s1\n/);
});
