// An update that lowers a booked session's capacity below its bookings, moves
// it, or changes its room is flagged (BOOKED_SESSION_CHANGED), and
// removal.bookedChanges decides: warn (update planned) or block (session kept).
import t from 'tap';
import { diffSessions } from '../../controller/core/diff-sessions.js';
import type { BookedChangeDetails } from '../../controller/core/booked-changes.js';
import type { BookedChangePolicy, DesiredSession, ObservedSession } from '../../controller/core/types.js';
import { baseConfig } from '../helpers/fixtures.js';
import { observedOf, planOne, seriesOf } from './plan/plan-fixtures.js';

const NOW = Date.UTC(2026, 10, 25, 12, 0);
const H = 3_600_000;
const AT = NOW + 24 * H; // 2026-11-26 12:00 UTC
const KEY = '2026-11-26';

const desired = (over: Partial<DesiredSession> = {}): DesiredSession => ({
  seriesId: 's1', branchId: 'b1', occurrenceKey: KEY, title: 'Yoga', startsAt: AT, endsAt: AT + H,
  timezone: 'UTC', instructorId: 'ana', roomId: 'r1', capacity: 20, ...over,
});
const observed = (over: Partial<ObservedSession> = {}): ObservedSession => observedOf({ occurrenceKey: KEY, startsAt: AT, ...over });

interface Row {
  name: string;
  observed: ObservedSession;
  desired: DesiredSession;
  policy?: BookedChangePolicy;
  /** The update's fields, or null when no update is planned. */
  update: string[] | null;
  /** What the warning names, or null when there is none. */
  flagged: string[] | null;
  kept?: boolean;
}

const rows: Row[] = [
  { name: 'capacity 20 → 10 with 15 booked warns', observed: observed({ bookedCount: 15 }), desired: desired({ capacity: 10 }), update: ['capacity'], flagged: ['capacity'] },
  { name: 'capacity 20 → 15 with 15 booked does not warn (everyone still fits)', observed: observed({ bookedCount: 15 }), desired: desired({ capacity: 15 }), update: ['capacity'], flagged: null },
  { name: 'capacity raised 5 → 10 with 15 booked does not warn (the change helps)', observed: observed({ bookedCount: 15, capacity: 5 }), desired: desired({ capacity: 10 }), update: ['capacity'], flagged: null },
  { name: 'time moved with 1 booked warns', observed: observed({ bookedCount: 1 }), desired: desired({ startsAt: AT + 2 * H, endsAt: AT + 3 * H }), update: ['startsAt', 'endsAt'], flagged: ['time', 'time'] },
  { name: 'only the end moved (longer class) with 1 booked warns', observed: observed({ bookedCount: 1 }), desired: desired({ endsAt: AT + 2 * H }), update: ['endsAt'], flagged: ['time'] },
  { name: 'an unbooked session moved does not warn', observed: observed({ bookedCount: 0 }), desired: desired({ startsAt: AT + 2 * H, endsAt: AT + 3 * H }), update: ['startsAt', 'endsAt'], flagged: null },
  { name: 'room changed with 3 booked warns', observed: observed({ bookedCount: 3 }), desired: desired({ roomId: 'r2' }), update: ['roomId'], flagged: ['room'] },
  { name: 'instructor or title changed with bookings does not warn', observed: observed({ bookedCount: 3 }), desired: desired({ instructorId: 'ben', title: 'Yoga Flow' }), update: ['title', 'instructorId'], flagged: null },
  { name: 'block keeps a booked session whose capacity would drop below its bookings', policy: 'block', observed: observed({ bookedCount: 15 }), desired: desired({ capacity: 10 }), update: null, flagged: ['capacity'], kept: true },
  { name: 'block keeps a booked session that would move', policy: 'block', observed: observed({ bookedCount: 1 }), desired: desired({ startsAt: AT + 2 * H, endsAt: AT + 3 * H }), update: null, flagged: ['time', 'time'], kept: true },
  { name: 'block still moves an unbooked session', policy: 'block', observed: observed({ bookedCount: 0 }), desired: desired({ startsAt: AT + 2 * H, endsAt: AT + 3 * H }), update: ['startsAt', 'endsAt'], flagged: null },
  { name: 'block still updates harmless fields of a booked session', policy: 'block', observed: observed({ bookedCount: 4 }), desired: desired({ instructorId: 'ben' }), update: ['instructorId'], flagged: null },
  { name: 'block still reschedules a cancelled booked session desired again', policy: 'block', observed: observed({ bookedCount: 4, status: 'cancelled' }), desired: desired(), update: ['status'], flagged: null },
];

for (const row of rows) {
  t.test(row.name, async (t) => {
    const policy = row.policy ?? 'warn';
    const diff = diffSessions({
      seriesId: 's1', branchId: 'b1', desired: [row.desired], observed: [row.observed], now: NOW,
      removal: { unbooked: 'delete', booked: 'cancel', bookedChanges: policy }, removalReason: () => 'gone',
    });
    const updates = diff.changes.filter((c) => c.action === 'update');
    t.same(updates.map((c) => c.fields), row.update === null ? [] : [row.update], 'planned update');
    t.same(diff.kept.map((k) => k.reason), row.kept ? ['booked-change'] : [], 'kept');
    if (row.flagged === null) {
      t.same(diff.warnings, [], 'no warning');
      return;
    }
    t.equal(diff.warnings.length, 1, 'one warning for the session');
    const w = diff.warnings[0]!;
    const d = w.details as unknown as BookedChangeDetails;
    t.equal(w.code, 'BOOKED_SESSION_CHANGED');
    t.equal(w.branchId, 'b1');
    t.same(d.changes.map((i) => i.what), row.flagged, 'what changes');
    t.match(d, { seriesId: 's1', occurrenceKey: KEY, sessionId: `id-${KEY}`, bookedCount: row.observed.bookedCount, outcome: row.kept ? 'kept' : 'updated', setting: `removal.bookedChanges: ${policy}` });
    t.match(w.message, new RegExp(`^Session s1 ${KEY} has ${row.observed.bookedCount} booking\\(s\\)`), 'the message names the session and its bookings');
  });
}

t.test('the plan shows a booked change in text and JSON', async (t) => {
  const branch = { id: 'b1', name: 'B1', timezone: 'UTC' };
  const cases = [
    {
      name: 'warn: the update is planned and flagged next to it, with the booked count',
      policy: 'warn',
      line: /^~ 2026-11-26 {2}capacity: 20 → 10 {2}\(15 booked: capacity 10 is below the bookings; removal\.bookedChanges: warn\)$/,
      updates: 1,
    },
    {
      name: 'block: no update; a kept line says what was not applied',
      policy: 'block',
      line: /^= 2026-11-26 {2}kept as it is, 15 booked; not applied: capacity: 20 → 10 \(removal\.bookedChanges: block\)$/,
      updates: 0,
    },
  ] as const;
  for (const c of cases) {
    const config = baseConfig({ removal: { unbooked: 'delete', booked: 'cancel', bookedChanges: c.policy } });
    const series = seriesOf({ startTime: '12:00', capacity: 10, startDate: '2026-11-26', endDate: '2026-11-26' });
    const { json, text } = planOne({ branch, series: [series], observed: [observedOf({ occurrenceKey: KEY, startsAt: AT, bookedCount: 15 })], config, now: NOW });
    t.equal(json.summary.update, c.updates, `${c.name}: summary`);
    const warning = json.warnings.find((w) => w.code === 'BOOKED_SESSION_CHANGED');
    t.match(warning?.details, { seriesId: 's1', occurrenceKey: KEY, bookedCount: 15, changes: [{ what: 'capacity', before: 20, after: 10 }] }, `${c.name}: JSON warning`);
    const line = text.split('\n').map((l) => l.trim()).find((l) => l.includes(KEY));
    t.match(line, c.line, `${c.name}: text line`);
    t.match(text, /Warning \[BOOKED_SESSION_CHANGED\]: 1 booked session\(s\) would be changed under their bookings/, `${c.name}: one summary warning`);
  }
});
