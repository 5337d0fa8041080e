// applyBranchChanges: creates go in first without conflict checks; when one
// collides with a session the host application inserted after the plan, the
// whole branch transaction is rolled back and written again with the checks.
// The user-visible promise: every other change of the branch is applied
// exactly once, the host's row is left as it is, and the collision is reported.
import t from 'tap';
import type { SessionChange } from '../../controller/core/plan-types.js';
import { applyBranchChanges } from '../../controller/runtime/apply-branch.js';
import { writeSessionChanges } from '../../controller/store/sessions.js';
import { DAY, HOUR, NOW, createChange, desired, forEachBackend, seedBranch, sessionRows } from '../store/helpers.js';

const MON = Date.parse('2026-11-30T14:00:00Z');
const WED = Date.parse('2026-12-02T14:00:00Z');
const FRI = Date.parse('2026-12-04T14:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

interface CollisionCase {
  name: string;
  /** Inserted by "the host application" after the plan, before the write. */
  meanwhile: string | null;
  created: number;
  skipped: Array<{ seriesId: string; occurrenceKey: string | null; reason: string }>;
  /** Rows by key after the write: [title, booked_count]. */
  after: Record<string, [string, number]>;
}

const HOST_INSERTS_WED = `INSERT INTO class_sessions (series_id, branch_id, occurrence_key, title, starts_at, ends_at, timezone, booked_count)
  VALUES ('yoga', 'downtown', '2026-12-02', 'Yoga (host)', '${iso(WED)}', '${iso(WED + HOUR)}', 'America/New_York', 2)`;

const cases: CollisionCase[] = [
  {
    name: 'no collision: every create and the update written in one pass',
    meanwhile: null,
    created: 2,
    skipped: [],
    after: { '2026-11-30': ['Yin Yoga', 0], '2026-12-02': ['Yoga', 0], '2026-12-04': ['Yoga', 0] },
  },
  {
    name: 'the host inserted one planned occurrence: it is kept and reported, the rest written once',
    meanwhile: HOST_INSERTS_WED,
    created: 1,
    skipped: [{ seriesId: 'yoga', occurrenceKey: '2026-12-02', reason: 'conflict' }],
    after: { '2026-11-30': ['Yin Yoga', 0], '2026-12-02': ['Yoga (host)', 2], '2026-12-04': ['Yoga', 0] },
  },
];

forEachBackend(t, cases, async (t, db, c) => {
  await seedBranch(db);
  await db.transaction((tx) => writeSessionChanges(tx, [createChange(desired('yoga', '2026-11-30', MON))], NOW - DAY));
  const [mon] = await sessionRows(db);
  if (c.meanwhile) await db.query(c.meanwhile);
  const changes: SessionChange[] = [
    {
      action: 'update', seriesId: 'yoga', branchId: 'downtown', occurrenceKey: '2026-11-30', sessionId: mon!.id,
      before: null, after: null, desired: desired('yoga', '2026-11-30', MON, { title: 'Yin Yoga' }), fields: ['title'], bookedCount: 0,
    },
    createChange(desired('yoga', '2026-12-02', WED)),
    createChange(desired('yoga', '2026-12-04', FRI)),
  ];

  const [clock] = await db.query<{ t: Date }>(`SELECT now() AS t`);
  const result = await applyBranchChanges(db, 'downtown', changes, { runId: null, now: NOW });

  t.match(result, { status: 'applied', created: c.created, updated: 1, deleted: 0, cancelled: 0 });
  t.same(result.skipped, c.skipped, 'collisions reported as skipped');
  const rows = await sessionRows(db);
  t.same(Object.fromEntries(rows.map((r) => [r.occurrence_key, [r.title, r.booked_count]])), c.after, 'rows after the write');
  t.equal(rows.length, Object.keys(c.after).length, 'no row written twice');
  t.ok(Date.parse(rows.find((r) => r.occurrence_key === '2026-11-30')!.updated_at) >= clock!.t.getTime(), 'the update was applied (updated_at is the database clock of the write)');
});

// A branch that only gets new sessions goes as one transaction script (its
// lock, insert and records sent at once): the same promises hold there.
const createOnlyCases: Array<Omit<CollisionCase, 'after'> & { sessions: string[] }> = [
  { name: 'creates only: written in one script, one history row', meanwhile: null, created: 2, skipped: [], sessions: ['2026-11-30', '2026-12-02', '2026-12-04'] },
  {
    name: 'creates only, the host inserted one: written again with checks, the collision reported',
    meanwhile: HOST_INSERTS_WED,
    created: 1,
    skipped: [{ seriesId: 'yoga', occurrenceKey: '2026-12-02', reason: 'conflict' }],
    sessions: ['2026-11-30', '2026-12-02', '2026-12-04'],
  },
];

forEachBackend(t, createOnlyCases, async (t, db, c) => {
  await seedBranch(db);
  await db.transaction((tx) => writeSessionChanges(tx, [createChange(desired('yoga', '2026-11-30', MON))], NOW - DAY));
  if (c.meanwhile) await db.query(c.meanwhile);
  const result = await applyBranchChanges(db, 'downtown', [createChange(desired('yoga', '2026-12-02', WED)), createChange(desired('yoga', '2026-12-04', FRI))], { runId: null, now: NOW });
  t.match(result, { status: 'applied', created: c.created, updated: 0 });
  t.same(result.skipped, c.skipped, 'collisions reported as skipped');
  t.same((await sessionRows(db)).map((r) => r.occurrence_key), c.sessions, 'each session once');
  const events = await db.query<{ keys: string[] }>(`SELECT occurrence_keys AS keys FROM session_events WHERE kind = 'create' AND session_ids IS NOT NULL ORDER BY id`);
  t.same(events.at(-1)?.keys, c.meanwhile ? ['2026-12-04'] : ['2026-12-02', '2026-12-04'], "the write's history row names the sessions it created");
});

t.test('a create-only branch whose lock another run holds: nothing written, and the connection is usable after', async (t) => {
  const cases = [{ name: 'locked' }];
  forEachBackend(t, cases, async (t, db, _c) => {
    if (db.kind !== 'postgres') return; // one session in PGlite: no other run to hold the lock
    await seedBranch(db);
    const changes = [createChange(desired('yoga', '2026-12-02', WED))];
    const held = await db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('classctl:branch:downtown', 0))`);
      return applyBranchChanges(db, 'downtown', changes, { runId: null, now: NOW });
    });
    t.equal(held.status, 'locked', 'reported locked');
    t.equal((await sessionRows(db)).length, 0, 'nothing written');
    const later = await applyBranchChanges(db, 'downtown', changes, { runId: null, now: NOW });
    t.match(later, { status: 'applied', created: 1 }, 'written once the lock is free');
  });
});
