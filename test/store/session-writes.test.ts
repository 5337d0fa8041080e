// writeSessionChanges: bulk creates, updates of only the changed fields,
// deletes and cancels — and the guards against what the host application
// changed since the plan was made (booked, detached, started, deleted).
import t, { type Test } from 'tap';
import type { SessionChange, UpdatableField } from '../../controller/core/plan-types.js';
import type { Database } from '../../controller/store/database.js';
import { writeSessionChanges, type SessionWriteResult } from '../../controller/store/sessions.js';
import { DAY, HOUR, NOW, countingSql, createChange, desired, forEachBackend, sessionRows, type SessionRow } from './helpers.js';

const PLANNED = NOW - DAY; // the run that created the fixture sessions
const MON = Date.parse('2026-11-30T14:00:00Z'); // 09:00 New York
const WED = Date.parse('2026-12-02T14:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
/** created_at/updated_at set by the write under test: the database clock, never the run's logical now. */
const WRITE_CLOCK = 'the database clock of the write';

/** Two future sessions (Mon, Wed) and one that started an hour ago, all written at PLANNED. */
async function fixture(db: Database): Promise<Record<string, SessionRow>> {
  await db.transaction((tx) =>
    writeSessionChanges(tx, [
      createChange(desired('yoga', '2026-11-30', MON)),
      createChange(desired('yoga', '2026-12-02', WED)),
      createChange(desired('yoga', '2026-11-25', NOW - HOUR)),
    ], PLANNED),
  );
  const rows = await sessionRows(db);
  return Object.fromEntries(rows.map((r) => [r.occurrence_key, r]));
}

function change(action: SessionChange['action'], row: SessionRow, extra: Partial<SessionChange> = {}): SessionChange {
  return { action, seriesId: row.series_id, branchId: 'downtown', occurrenceKey: row.occurrence_key, sessionId: row.id, before: null, after: null, ...extra };
}

function update(row: SessionRow, fields: UpdatableField[], values: Parameters<typeof desired>[3], startsAt = Date.parse(row.starts_at)): SessionChange {
  return change('update', row, { desired: desired(row.series_id, row.occurrence_key, startsAt, values), fields });
}

interface WriteCase {
  name: string;
  /** Changes made by "the host application" after the plan, before the write. */
  meanwhile?: string;
  changes: (rows: Record<string, SessionRow>) => SessionChange[];
  counts: Omit<SessionWriteResult, 'skipped'>;
  skipped?: Array<[occurrenceKey: string, reason: string]>;
  check: (t: Test, before: Record<string, SessionRow>, after: Record<string, SessionRow>) => void;
}

const none = { created: 0, updated: 0, deleted: 0, cancelled: 0 };

const cases: WriteCase[] = [
  {
    name: 'create writes every field, status scheduled, created_at = updated_at = the database clock (not the run now)',
    changes: () => [createChange(desired('spin', '2026-12-01', MON + DAY, { capacity: null, instructorId: null, roomId: 'o\'neil "big" room\\1' }))],
    counts: { ...none, created: 1 },
    check: (t, _b, a) => {
      t.match(a['2026-12-01'], {
        series_id: 'spin', title: 'Yoga', starts_at: iso(MON + DAY), ends_at: iso(MON + DAY + HOUR),
        instructor_id: null, room_id: 'o\'neil "big" room\\1', capacity: null, status: 'scheduled', detached: false, booked_count: 0,
        created_at: WRITE_CLOCK, updated_at: WRITE_CLOCK,
      });
    },
  },
  {
    name: 'create of a key that exists is a conflict, reported and not written',
    changes: () => [createChange(desired('yoga', '2026-11-30', MON + 9 * HOUR, { title: 'Evening yoga' }))],
    counts: none,
    skipped: [['2026-11-30', 'conflict']],
    check: (t, b, a) => t.strictSame(a['2026-11-30'], b['2026-11-30'], 'existing row untouched'),
  },
  {
    name: 'a create listed twice in the plan is written once',
    changes: () => [createChange(desired('spin', '2026-12-01', MON + DAY)), createChange(desired('spin', '2026-12-01', MON + DAY))],
    counts: { ...none, created: 1 },
    skipped: [['2026-12-01', 'duplicate-in-plan']],
    check: (t, _b, a) => t.ok(a['2026-12-01']),
  },
  {
    name: 'update sets only the listed fields and moves updated_at of that row only',
    // The desired session differs in title AND capacity, but the plan lists only title.
    changes: (r) => [update(r['2026-11-30']!, ['title'], { title: 'Yin Yoga', capacity: 99 })],
    counts: { ...none, updated: 1 },
    check: (t, b, a) => {
      t.strictSame(a['2026-11-30'], { ...b['2026-11-30'], title: 'Yin Yoga', updated_at: WRITE_CLOCK }, 'capacity not written');
      t.strictSame(a['2026-12-02'], b['2026-12-02'], 'the untouched row keeps its updated_at');
    },
  },
  {
    name: 'update of the start time moves both instants, keeps the id',
    changes: (r) => [update(r['2026-11-30']!, ['startsAt', 'endsAt'], {}, MON + 9 * HOUR)],
    counts: { ...none, updated: 1 },
    check: (t, b, a) => {
      t.strictSame(a['2026-11-30'], { ...b['2026-11-30'], starts_at: iso(MON + 9 * HOUR), ends_at: iso(MON + 10 * HOUR), updated_at: WRITE_CLOCK });
    },
  },
  {
    name: 'update to null values (instructor, room, capacity) writes NULL',
    changes: (r) => [update(r['2026-11-30']!, ['instructorId', 'roomId', 'capacity'], { instructorId: null, roomId: null, capacity: null })],
    counts: { ...none, updated: 1 },
    check: (t, _b, a) => t.match(a['2026-11-30'], { instructor_id: null, room_id: null, capacity: null }),
  },
  {
    name: 'a cancelled session desired again is rescheduled (status in fields)',
    meanwhile: `UPDATE class_sessions SET status = 'cancelled' WHERE occurrence_key = '2026-11-30'`,
    changes: (r) => [update(r['2026-11-30']!, ['status'], {})],
    counts: { ...none, updated: 1 },
    check: (t, _b, a) => t.equal(a['2026-11-30']!.status, 'scheduled'),
  },
  {
    name: 'an update whose values are already there writes nothing and keeps updated_at',
    changes: (r) => [update(r['2026-11-30']!, ['title'], { title: 'Yoga' })],
    counts: none,
    skipped: [['2026-11-30', 'already-current']],
    check: (t, b, a) => t.strictSame(a['2026-11-30'], b['2026-11-30']),
  },
  {
    name: 'an update of a session detached meanwhile is skipped',
    meanwhile: `UPDATE class_sessions SET detached = true WHERE occurrence_key = '2026-11-30'`,
    changes: (r) => [update(r['2026-11-30']!, ['title'], { title: 'Yin Yoga' })],
    counts: none,
    skipped: [['2026-11-30', 'detached']],
    check: (t, _b, a) => t.equal(a['2026-11-30']!.title, 'Yoga'),
  },
  {
    name: 'an update of a session that has started is skipped',
    changes: (r) => [update(r['2026-11-25']!, ['title'], { title: 'Yin Yoga' })],
    counts: none,
    skipped: [['2026-11-25', 'started']],
    check: (t, b, a) => t.strictSame(a['2026-11-25'], b['2026-11-25']),
  },
  {
    name: 'delete removes an unbooked future session',
    changes: (r) => [change('delete', r['2026-11-30']!)],
    counts: { ...none, deleted: 1 },
    check: (t, b, a) => {
      t.notOk(a['2026-11-30']);
      t.strictSame(a['2026-12-02'], b['2026-12-02']);
    },
  },
  {
    name: 'delete of a session booked meanwhile is skipped: the booking survives',
    meanwhile: `UPDATE class_sessions SET booked_count = 1 WHERE occurrence_key = '2026-11-30'`,
    changes: (r) => [change('delete', r['2026-11-30']!), change('delete', r['2026-12-02']!)],
    counts: { ...none, deleted: 1 },
    skipped: [['2026-11-30', 'booked']],
    check: (t, _b, a) => {
      t.equal(a['2026-11-30']!.booked_count, 1, 'booked session kept');
      t.notOk(a['2026-12-02'], 'the other one deleted');
    },
  },
  {
    name: 'delete of a detached session is skipped',
    meanwhile: `UPDATE class_sessions SET detached = true WHERE occurrence_key = '2026-11-30'`,
    changes: (r) => [change('delete', r['2026-11-30']!)],
    counts: none,
    skipped: [['2026-11-30', 'detached']],
    check: (t, _b, a) => t.ok(a['2026-11-30']),
  },
  {
    name: 'delete of a started session is skipped (history)',
    changes: (r) => [change('delete', r['2026-11-25']!)],
    counts: none,
    skipped: [['2026-11-25', 'started']],
    check: (t, _b, a) => t.ok(a['2026-11-25']),
  },
  {
    name: 'delete of a session the host deleted meanwhile is reported',
    meanwhile: `DELETE FROM class_sessions WHERE occurrence_key = '2026-11-30'`,
    changes: (r) => [change('delete', r['2026-11-30']!)],
    counts: none,
    skipped: [['2026-11-30', 'session-gone']],
    check: (t, _b, a) => t.notOk(a['2026-11-30']),
  },
  {
    name: 'cancel keeps the row (and its bookings) with status cancelled',
    meanwhile: `UPDATE class_sessions SET booked_count = 5 WHERE occurrence_key = '2026-11-30'`,
    changes: (r) => [change('cancel', r['2026-11-30']!)],
    counts: { ...none, cancelled: 1 },
    check: (t, b, a) => t.strictSame(a['2026-11-30'], { ...b['2026-11-30'], status: 'cancelled', booked_count: 5, updated_at: WRITE_CLOCK }),
  },
  {
    name: 'cancel of a detached session is skipped',
    meanwhile: `UPDATE class_sessions SET detached = true WHERE occurrence_key = '2026-11-30'`,
    changes: (r) => [change('cancel', r['2026-11-30']!)],
    counts: none,
    skipped: [['2026-11-30', 'detached']],
    check: (t, _b, a) => t.equal(a['2026-11-30']!.status, 'scheduled'),
  },
  {
    name: 'cancel of an already cancelled session writes nothing',
    meanwhile: `UPDATE class_sessions SET status = 'cancelled' WHERE occurrence_key = '2026-11-30'`,
    changes: (r) => [change('cancel', r['2026-11-30']!)],
    counts: none,
    skipped: [['2026-11-30', 'already-current']],
    check: (t, b, a) => t.equal(a['2026-11-30']!.updated_at, b['2026-11-30']!.updated_at),
  },
];

t.test('writeSessionChanges', async (t) => {
  forEachBackend(t, cases, async (t, db, c) => {
    const before = await fixture(db);
    if (c.meanwhile) await db.query(c.meanwhile);
    const planned = c.changes(before);
    const snapshotBefore = Object.fromEntries((await sessionRows(db)).map((r) => [r.occurrence_key, r]));
    const [clock] = await db.query<{ t: Date }>(`SELECT now() AS t`);
    const result = await db.transaction((tx) => writeSessionChanges(tx, planned, NOW));
    const writtenNow = (v: string) => (Date.parse(v) >= clock!.t.getTime() ? WRITE_CLOCK : v);
    const after = Object.fromEntries(
      (await sessionRows(db)).map((r) => [r.occurrence_key, { ...r, created_at: writtenNow(r.created_at), updated_at: writtenNow(r.updated_at) }]),
    );
    t.strictSame({ ...result, skipped: undefined }, { ...c.counts, skipped: undefined }, 'counts');
    t.strictSame(result.skipped.map((s) => [s.occurrenceKey, s.reason]), c.skipped ?? [], 'skipped');
    c.check(t, snapshotBefore, after);
  });
});

t.test('bulk: thousands of changes take a handful of statements', async (t) => {
  forEachBackend(t, [{ name: '25k creates, then 25k updates, 25k cancels and 25k deletes' }], async (t, db) => {
    const n = 25_000;
    const base = Date.parse('2027-01-01T14:00:00Z');
    const creates = Array.from({ length: n }, (_, i) => createChange(desired(`s${i % 500}`, `k${String(i).padStart(6, '0')}`, base + i * 60_000)));
    const counted = await db.transaction(async (tx) => {
      const sql = countingSql(tx);
      const r = await writeSessionChanges(sql, creates, NOW);
      return { r, statements: sql.statements };
    });
    t.equal(counted.r.created, n);
    t.equal(counted.statements, 3, 'one INSERT per 10k rows');

    const rows = await db.query<{ id: string; series_id: string; occurrence_key: string; starts_at: Date }>(
      `SELECT id::text AS id, series_id, occurrence_key, starts_at FROM class_sessions ORDER BY occurrence_key`,
    );
    const asRow = (r: (typeof rows)[number]) => ({ id: r.id, series_id: r.series_id, occurrence_key: r.occurrence_key, starts_at: r.starts_at.toISOString() }) as SessionRow;
    const third = Math.floor(n / 3);
    const mixed: SessionChange[] = [
      ...rows.slice(0, third).map((r) => update(asRow(r), ['title'], { title: 'Renamed' })),
      ...rows.slice(third, 2 * third).map((r) => change('cancel', asRow(r))),
      ...rows.slice(2 * third).map((r) => change('delete', asRow(r))),
    ];
    const second = await db.transaction(async (tx) => {
      const sql = countingSql(tx);
      const r = await writeSessionChanges(sql, mixed, NOW + HOUR);
      return { r, statements: sql.statements };
    });
    t.strictSame({ ...second.r, skipped: second.r.skipped.length }, { created: 0, updated: third, cancelled: third, deleted: n - 2 * third, skipped: 0 });
    t.equal(second.statements, 3, 'one statement per action (each under 10k rows)');
    const [agg] = await db.query<{ renamed: number; cancelled: number; total: number }>(
      `SELECT count(*) FILTER (WHERE title = 'Renamed')::int AS renamed, count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled, count(*)::int AS total FROM class_sessions`,
    );
    t.strictSame(agg, { renamed: third, cancelled: third, total: 2 * third });
  });
});
