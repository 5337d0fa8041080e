import t from 'tap';
import { diffSessions } from '../../controller/core/diff-sessions.js';
import type { DesiredSession, ObservedSession, ResolvedSettings } from '../../controller/core/types.js';

// Fixed anchor: 2026-11-25 12:00 UTC.
const NOW = Date.UTC(2026, 10, 25, 12, 0);
const H = 3_600_000;
const D = 24 * H;

function desired(key: string, startsAt: number, over: Partial<DesiredSession> = {}): DesiredSession {
  return {
    seriesId: 's1', branchId: 'b1', occurrenceKey: key, title: 'Yoga', startsAt, endsAt: startsAt + H,
    timezone: 'UTC', instructorId: 'ana', roomId: 'r1', capacity: 20, ...over,
  };
}
function observed(key: string, startsAt: number, over: Partial<ObservedSession> = {}): ObservedSession {
  return { ...desired(key, startsAt), id: `id-${key}`, status: 'scheduled', detached: false, bookedCount: 0, ...over };
}
const removal: ResolvedSettings['removal'] = { unbooked: 'delete', booked: 'cancel', bookedChanges: 'warn' };

interface Row {
  name: string;
  desired: DesiredSession[];
  observed: ObservedSession[];
  removal?: ResolvedSettings['removal'];
  expect: Array<{ action: string; key: string; fields?: string[] }>;
  kept?: Array<{ key: string; reason: string }>;
}

const rows: Row[] = [
  {
    name: 'desired and not observed is created',
    desired: [desired('2026-11-26', NOW + D)],
    observed: [],
    expect: [{ action: 'create', key: '2026-11-26' }],
  },
  {
    name: 'identical session plans nothing (idempotent)',
    desired: [desired('2026-11-26', NOW + D)],
    observed: [observed('2026-11-26', NOW + D)],
    expect: [],
  },
  {
    name: 'a time change updates only the instants, in place',
    desired: [desired('2026-11-26', NOW + D + 9 * H)],
    observed: [observed('2026-11-26', NOW + D)],
    expect: [{ action: 'update', key: '2026-11-26', fields: ['startsAt', 'endsAt'] }],
  },
  {
    name: 'a changed room updates only roomId',
    desired: [desired('2026-11-26', NOW + D, { roomId: 'r2' })],
    observed: [observed('2026-11-26', NOW + D)],
    expect: [{ action: 'update', key: '2026-11-26', fields: ['roomId'] }],
  },
  {
    name: 'a cancelled session desired again is rescheduled',
    desired: [desired('2026-11-26', NOW + D)],
    observed: [observed('2026-11-26', NOW + D, { status: 'cancelled' })],
    expect: [{ action: 'update', key: '2026-11-26', fields: ['status'] }],
  },
  {
    name: 'a class moved from morning to evening at noon does not run twice today',
    desired: [desired('2026-11-25', NOW + 6 * H)],
    observed: [observed('2026-11-25', NOW - 3 * H)],
    expect: [],
  },
  {
    name: 'an unbooked session no longer desired is deleted',
    desired: [],
    observed: [observed('2026-11-26', NOW + D)],
    expect: [{ action: 'delete', key: '2026-11-26' }],
  },
  {
    name: 'a booked session no longer desired is cancelled, not deleted',
    desired: [],
    observed: [observed('2026-11-26', NOW + D, { bookedCount: 3 })],
    expect: [{ action: 'cancel', key: '2026-11-26' }],
  },
  {
    name: 'an already cancelled booked session is not cancelled again',
    desired: [],
    observed: [observed('2026-11-26', NOW + D, { bookedCount: 3, status: 'cancelled' })],
    expect: [],
  },
  {
    name: 'removal.unbooked keep leaves the session and lists it as kept',
    desired: [],
    observed: [observed('2026-11-26', NOW + D)],
    removal: { unbooked: 'keep', booked: 'cancel', bookedChanges: 'warn' },
    expect: [],
    kept: [{ key: '2026-11-26', reason: 'removal-keep' }],
  },
  {
    name: 'removal.unbooked cancel cancels an unbooked session',
    desired: [],
    observed: [observed('2026-11-26', NOW + D)],
    removal: { unbooked: 'cancel', booked: 'cancel', bookedChanges: 'warn' },
    expect: [{ action: 'cancel', key: '2026-11-26' }],
  },
  {
    name: 'a detached session that differs is never touched',
    desired: [desired('2026-11-26', NOW + D + H)],
    observed: [observed('2026-11-26', NOW + D, { detached: true })],
    expect: [],
    kept: [{ key: '2026-11-26', reason: 'detached' }],
  },
  {
    name: 'a detached session no longer desired is never removed',
    desired: [],
    observed: [observed('2026-11-26', NOW + D, { detached: true })],
    expect: [],
    kept: [{ key: '2026-11-26', reason: 'detached' }],
  },
  {
    name: 'a session that already started is history even when no longer desired',
    desired: [],
    observed: [observed('2026-11-25', NOW - H)],
    expect: [],
  },
  {
    name: 'a day change removes the old day and creates the new one',
    desired: [desired('2026-11-27', NOW + 2 * D)],
    observed: [observed('2026-11-26', NOW + D)],
    expect: [
      { action: 'create', key: '2026-11-27' },
      { action: 'delete', key: '2026-11-26' },
    ],
  },
];

for (const row of rows) {
  t.test(row.name, async (t) => {
    const diff = diffSessions({
      seriesId: 's1',
      branchId: 'b1',
      desired: row.desired,
      observed: row.observed,
      now: NOW,
      removal: row.removal ?? removal,
      removalReason: () => 'test',
    });
    t.same(
      diff.changes.map((c) => ({ action: c.action, key: c.occurrenceKey, ...(c.fields ? { fields: c.fields } : {}) })),
      row.expect,
    );
    t.same(diff.kept.map((k) => ({ key: k.occurrenceKey, reason: k.reason })), row.kept ?? []);
  });
}

t.test('an update carries before and after views and keeps the session id', async (t) => {
  const diff = diffSessions({
    seriesId: 's1', branchId: 'b1',
    desired: [desired('2026-11-26', NOW + D + H)],
    observed: [observed('2026-11-26', NOW + D)],
    now: NOW, removal, removalReason: () => 'x',
  });
  const [c] = diff.changes;
  t.equal(c?.sessionId, 'id-2026-11-26');
  t.equal(c?.before?.startsAt, new Date(NOW + D).toISOString());
  t.equal(c?.after?.startsAt, new Date(NOW + D + H).toISOString());
});
