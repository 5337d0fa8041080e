// examples/demo.yaml is what `npm start` loads: it must validate and show
// what the demo promises (three zones, an ending series, DST-spanning ones).
import t from 'tap';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseLoadFile } from '../../controller/cli/commands/load.js';
import { validateLoadDocument } from '../../controller/core/load/validate-load.js';

const text = readFileSync(fileURLToPath(new URL('../../examples/demo.yaml', import.meta.url)), 'utf8');
const parsed = parseLoadFile(text);
const v = validateLoadDocument(parsed.doc);
const byId = new Map(v.series.map((s) => [s.id, s]));
const AS_OF = '2026-11-25';
const EIGHT_WEEKS_LATER = '2027-01-20';

t.test('the demo file parses and validates with no problem', async (t) => {
  t.equal(parsed.error, null);
  t.strictSame(v.problems, []);
  t.strictSame(v.unresolvedBranchRefs, [], 'every series names a branch of the file');
});

t.test('three branches in three zones', async (t) => {
  t.strictSame(v.branches.map((b) => [b.id, b.timezone]), [
    ['downtown', 'America/New_York'],
    ['london-soho', 'Europe/London'],
    ['sydney-cbd', 'Australia/Sydney'],
  ]);
});

const cases: Array<{ name: string; holds: () => boolean }> = [
  { name: 'about a dozen series', holds: () => v.series.length >= 10 && v.series.length <= 14 },
  {
    name: 'downtown-yoga-mon is a weekly Monday yoga class',
    holds: () => {
      const s = byId.get('downtown-yoga-mon');
      return s !== undefined && s.rrule === 'FREQ=WEEKLY;BYDAY=MO' && /yoga/i.test(s.title) && s.branchId === 'downtown';
    },
  },
  { name: 'one series ends within eight weeks of 2026-11-25', holds: () => v.series.some((s) => s.endDate !== null && s.endDate >= AS_OF && s.endDate <= EIGHT_WEEKS_LATER) },
  {
    name: 'a northern series runs across the March 2027 DST change',
    holds: () => v.series.some((s) => s.branchId !== 'sydney-cbd' && s.startDate < '2027-03-14' && (s.endDate === null || s.endDate > '2027-03-28')),
  },
  {
    name: 'a Sydney series runs across the April 2027 DST change',
    holds: () => v.series.some((s) => s.branchId === 'sydney-cbd' && s.startDate < '2027-04-04' && (s.endDate === null || s.endDate > '2027-04-04')),
  },
  { name: 'some series name an instructor and a room', holds: () => v.series.some((s) => s.instructorId !== null && s.roomId !== null) },
  { name: 'one series has exdates', holds: () => v.series.some((s) => s.exdates.length > 0) },
  { name: 'one series leaves duration and capacity to the defaults', holds: () => v.series.some((s) => s.durationMinutes === null && s.capacity === null) },
];

t.test('the demo shows what it promises', async (t) => {
  for (const c of cases) t.ok(c.holds(), c.name);
});
