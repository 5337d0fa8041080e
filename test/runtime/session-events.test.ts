// History: every change a run writes appends exactly one session_events row
// in the same transaction, with the reason the plan gives and the fields
// before and after — checked against the session rows in SQL. A branch whose
// transaction rolls back leaves neither changes nor events.
import t from 'tap';
import { planRun, snapshotInputs } from '../../controller/runtime/plan-run.js';
import { applyBranchChanges } from '../../controller/runtime/apply-branch.js';
import { reconcile } from '../../controller/runtime/reconcile.js';
import type { ConfigSet } from '../../controller/core/config/config-set.js';
import type { Database } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { EVENT_LIST_SQL, historyBatches } from '../../controller/store/history.js';
import { eachBackend } from '../helpers/backends.js';
import { baseConfig, silentLogger } from '../helpers/fixtures.js';

// Wednesday 2026-11-25 10:00 in New York (15:00 UTC).
const NOW = Date.parse('2026-11-25T15:00:00Z');

const inputs = {
  branches: [{ id: 'ny', name: 'New York', timezone: 'America/New_York' }],
  series: [
    { id: 'yoga', branchId: 'ny', title: 'Yoga', rrule: 'FREQ=WEEKLY;BYDAY=MO,WE,FR', startDate: '2026-11-01', endDate: null, startTime: '09:00', durationMinutes: 60, capacity: 12, instructorId: 'ana', roomId: 'studio-a', exdates: [] },
    { id: 'ended', branchId: 'ny', title: 'Ended', rrule: 'FREQ=DAILY', startDate: '2026-10-01', endDate: '2026-10-31', startTime: '18:00', durationMinutes: 60, capacity: null, instructorId: null, roomId: null, exdates: [] },
  ],
};

async function apply(db: Database, config: ConfigSet, now = NOW) {
  const r = await reconcile({ db, config, logger: silentLogger(), now, mode: 'apply', clock: () => now });
  if (r.exitCode !== 0) throw new Error(`run exited ${r.exitCode}`);
  return r;
}

const count = async (db: Database, sql: string, params: unknown[] = []) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${sql}) AS q`, params))[0]!.n;

/** The session's fields as an event shows them, computed from class_sessions. */
const SESSION_VIEW = `jsonb_build_object('title', s.title, 'startsAt', to_char(s.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'endsAt', to_char(s.ends_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'timezone', s.timezone, 'instructorId', s.instructor_id,
  'roomId', s.room_id, 'capacity', s.capacity, 'status', s.status)`;

eachBackend(t, 'a run that creates, updates, deletes, cancels and archives writes one event per change', async (t, db) => {
  await loadInputs(db, inputs);
  const config = baseConfig();
  const first = await apply(db, config);
  const sessions = await count(db, `SELECT 1 FROM class_sessions`);
  t.ok(sessions > 0, 'the first run creates sessions');
  t.equal(await count(db, `SELECT 1 FROM session_event_list WHERE kind = 'create'`), sessions, 'one create event per session');
  t.equal(
    await count(db, `SELECT 1 FROM session_events WHERE kind = 'create'`),
    await count(db, `SELECT DISTINCT branch_id FROM class_sessions`),
    "a run's creates in one branch are stored as one row",
  );
  t.equal(
    await count(db, `SELECT 1 FROM session_event_list AS e JOIN class_sessions AS s ON s.id = e.session_id
                      WHERE e.kind = 'create' AND e.reason = 'occurrence' AND e.run_id = $1::bigint AND e.before IS NULL
                        AND e.after = jsonb_build_object('startsAt', to_char(s.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) AND e.series_id = s.series_id AND e.branch_id = s.branch_id AND e.occurrence_key = s.occurrence_key AND e.booked_count = 0`, [first.runId]),
    sessions,
    'each create event holds its session\'s start as written',
  );
  t.strictSame(
    await db.query(`SELECT kind, series_id, branch_id, reason, occurrence_key, session_id, before->>'title' AS title, after FROM session_events WHERE kind = 'archive'`),
    [{ kind: 'archive', series_id: 'ended', branch_id: 'ny', reason: 'end-of-series', occurrence_key: null, session_id: null, title: 'Ended', after: null }],
    'the ended series is archived with its event',
  );

  // The series is edited: a new title (updates), two dates excluded — one
  // unbooked (deleted), one booked (cancelled).
  await db.query(`UPDATE class_sessions SET booked_count = 3 WHERE series_id = 'yoga' AND occurrence_key = '2026-11-30'`);
  await db.query(`UPDATE class_series SET title = 'Yoga Flow', exdates = '{2026-11-27,2026-11-30}' WHERE id = 'yoga'`);
  const deletedId = (await db.query<{ id: string }>(`SELECT id::text AS id FROM class_sessions WHERE series_id = 'yoga' AND occurrence_key = '2026-11-27'`))[0]!.id;
  const second = await apply(db, config);
  const rows = await db.query<{ kind: string; reason: string; n: number }>(
    `SELECT kind, reason, count(*)::int AS n FROM session_events WHERE run_id = $1::bigint GROUP BY kind, reason ORDER BY kind, reason`,
    [second.runId],
  );
  const updates = (await count(db, `SELECT 1 FROM class_sessions WHERE series_id = 'yoga' AND status = 'scheduled' AND starts_at > $1::timestamptz`, [new Date(NOW).toISOString()]));
  t.strictSame(rows, [
    { kind: 'cancel', reason: 'exdate', n: 1 },
    { kind: 'delete', reason: 'exdate', n: 1 },
    { kind: 'update', reason: 'series-edited', n: updates },
  ], 'the second run: one event per change, by kind and reason');
  t.equal(
    await count(db, `SELECT 1 FROM session_events AS e JOIN class_sessions AS s ON s.id = e.session_id
                      WHERE e.run_id = $1::bigint AND e.kind = 'update' AND e.before = '{"title": "Yoga"}' AND e.after = jsonb_build_object('title', s.title)`, [second.runId]),
    updates,
    'an update event holds only the changed fields, before and after (after = the row now)',
  );
  t.strictSame(
    await db.query(`SELECT e.booked_count, e.before, e.after, s.status FROM session_events AS e JOIN class_sessions AS s ON s.id = e.session_id WHERE e.kind = 'cancel'`),
    [{ booked_count: 3, before: { status: 'scheduled' }, after: { status: 'cancelled' }, status: 'cancelled' }],
    'the booked session is cancelled, its event says so',
  );
  const [deleted] = await db.query<{ session_id: string; occurrence_key: string; title: string; gone: boolean }>(
    `SELECT session_id::text AS session_id, occurrence_key, before->>'title' AS title, NOT EXISTS (SELECT 1 FROM class_sessions WHERE id = e.session_id) AS gone
       FROM session_events AS e WHERE kind = 'delete'`,
  );
  t.strictSame(deleted, { session_id: deletedId, occurrence_key: '2026-11-27', title: 'Yoga', gone: true }, 'the delete event keeps the deleted row as it was');

  await apply(db, config);
  t.equal(await count(db, `SELECT 1 FROM session_events WHERE run_id > $1::bigint`, [second.runId]), 0, 'a run that changes nothing records nothing');
});

eachBackend(t, 'a branch transaction that rolls back writes neither changes nor events', async (t, db) => {
  await loadInputs(db, inputs);
  const config = baseConfig();
  const snapshot = await snapshotInputs(db);
  const plan = await planRun({ db, config, now: NOW, mode: 'plan', snapshot });
  const branch = plan.branches.find((b) => b.branchId === 'ny')!;
  t.ok(branch.changes.length > 0, 'the plan has changes');
  await t.rejects(
    applyBranchChanges(db, 'ny', branch.changes, { runId: null, now: NOW, beforeCommit: async () => { throw new Error('killed before commit'); } }),
    /killed before commit/,
  );
  t.equal(await count(db, `SELECT 1 FROM session_events`), 0, 'no events');
  t.equal(await count(db, `SELECT 1 FROM class_sessions`), 0, 'no sessions');
  t.equal(await count(db, `SELECT 1 FROM class_series_archive`), 0, 'no archive');
});

/** Two live series in one branch: their creates share one event row. */
const twoSeries = {
  branches: inputs.branches,
  series: [inputs.series[0]!, { ...inputs.series[0]!, id: 'spin', title: 'Spin', rrule: 'FREQ=WEEKLY;BYDAY=TU,TH', roomId: 'studio-b', instructorId: 'bo' }, inputs.series[1]!],
};

eachBackend(t, 'history lists a grouped create one event per session, whatever the batch size', async (t, db) => {
  await loadInputs(db, twoSeries);
  await apply(db, baseConfig());
  const sessions = (await db.query<{ k: string }>(`SELECT series_id || '/' || occurrence_key AS k FROM class_sessions ORDER BY 1`)).map((r) => r.k);
  for (const batchRows of [1, 7, 1000]) {
    const listed: string[] = [];
    const ids: string[] = [];
    for await (const batch of historyBatches(db, { limit: 100_000 }, batchRows)) {
      for (const e of batch) {
        if (e.kind !== 'create') continue; // the run also archived an ended series
        listed.push(`${e.seriesId}/${e.occurrenceKey}`);
        ids.push(e.id);
      }
    }
    t.strictSame([...listed].sort(), sessions, `batches of ${batchRows}: each created session once`);
    t.equal(new Set(ids).size, ids.length, `batches of ${batchRows}: every listed event has its own id`);
  }
  const limited = [];
  for await (const batch of historyBatches(db, { limit: 5 }, 2)) limited.push(...batch);
  t.equal(limited.length, 5, '--limit counts sessions, not stored rows');

  // By series and by session: found through the series in the grouped row.
  for (const series of ['yoga', 'spin']) {
    const want = sessions.filter((k) => k.startsWith(`${series}/`));
    for (const batchRows of [1, 1000]) {
      const listed: string[] = [];
      for await (const batch of historyBatches(db, { seriesId: series, limit: 100_000 }, batchRows)) listed.push(...batch.map((e) => `${e.seriesId}/${e.occurrenceKey}`));
      t.strictSame([...listed].sort(), want, `--series ${series}, batches of ${batchRows}: its sessions' creates and no other`);
    }
    const [, key] = want[1]!.split('/');
    const one = [];
    for await (const batch of historyBatches(db, { seriesId: series, occurrenceKey: key, limit: 100 })) one.push(...batch);
    t.strictSame(one.map((e) => `${e.kind} ${e.seriesId}/${e.occurrenceKey}`), [`create ${series}/${key}`], `--session ${series}/${key}: its create alone`);
  }

  // Rows of the layout before (one per series, or one per change) are listed alike.
  await db.query(`INSERT INTO session_events (run_id, branch_id, series_id, kind, booked_count, reason, occurrence_keys, session_ids, starts_ats)
                  VALUES (NULL, 'ny', 'old', 'create', 0, 'occurrence', '{2026-01-01,2026-01-02}', ARRAY[gen_random_uuid(), gen_random_uuid()], '{2026-01-01T10:00:00Z,2026-01-02T10:00:00Z}')`);
  await db.query(`INSERT INTO session_events (branch_id, series_id, occurrence_key, kind, booked_count, reason) VALUES ('ny', 'old', '2026-01-03', 'create', 0, 'occurrence')`);
  const old = [];
  for await (const batch of historyBatches(db, { seriesId: 'old', limit: 100 }, 2)) old.push(...batch.map((e) => e.occurrenceKey));
  t.strictSame(old, ['2026-01-03', '2026-01-02', '2026-01-01'], 'a series of rows written before: newest first');
  const order = 'ORDER BY id, ordinal';
  t.strictSame(
    await db.query(`SELECT * FROM (${EVENT_LIST_SQL('session_events')}) AS l ${order}`),
    await db.query(`SELECT * FROM session_event_list ${order}`),
    "the history's listing is the view's",
  );
});
