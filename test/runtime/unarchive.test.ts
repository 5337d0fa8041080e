// Unarchive: an archived series comes back as it was archived, its sessions
// untouched, with an 'unarchive' event; unknown, live and guarded cases
// change nothing.
import t from 'tap';
import { ClassctlError } from '../../controller/core/errors.js';
import { reconcile } from '../../controller/runtime/reconcile.js';
import { unarchiveSeries } from '../../controller/runtime/unarchive.js';
import type { Database } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { setSetting } from '../../controller/store/settings.js';
import { eachBackend } from '../helpers/backends.js';
import { baseConfig, silentLogger } from '../helpers/fixtures.js';

const EARLY = Date.parse('2026-10-20T15:00:00Z'); // the series runs
const NOW = Date.parse('2026-11-25T15:00:00Z'); // it has ended and is archived

const inputs = {
  branches: [{ id: 'ny', name: 'New York', timezone: 'America/New_York' }],
  series: [{ id: 'ended', branchId: 'ny', title: 'Ended', rrule: 'FREQ=DAILY', startDate: '2026-10-01', endDate: '2026-10-31', startTime: '18:00', durationMinutes: 60, capacity: 8, instructorId: 'ana', roomId: null, exdates: ['2026-10-25'] }],
};

const SERIES = `SELECT id, branch_id, title, rrule, start_date::text, end_date::text, start_time::text, duration_minutes, capacity, instructor_id, room_id, exdates::text FROM class_series ORDER BY id`;
const SESSIONS = `SELECT to_jsonb(s)::text AS r FROM class_sessions AS s ORDER BY id`;

async function archived(db: Database) {
  await loadInputs(db, inputs);
  for (const now of [EARLY, NOW]) {
    const r = await reconcile({ db, config: baseConfig(), logger: silentLogger(), now, mode: 'apply', clock: () => now });
    if (r.exitCode !== 0) throw new Error(`run exited ${r.exitCode}`);
  }
}

const guard = { expectedEnv: undefined, allowApply: undefined };

eachBackend(t, 'unarchive round trip: the series as it was, sessions untouched, one event', async (t, db) => {
  await loadInputs(db, inputs);
  const original = await db.query(SERIES);
  await db.query(`DELETE FROM class_series`);
  await db.query(`DELETE FROM branches`);
  await archived(db);
  t.strictSame(await db.query(SERIES), [], 'the ended series is archived');
  const sessions = await db.query(SESSIONS);
  t.ok(sessions.length > 0, 'it has sessions');

  const r = await unarchiveSeries(db, 'ended', guard);
  t.equal(r.branchId, 'ny');
  t.strictSame(await db.query(SERIES), original, 'the series is back with every field it had');
  t.strictSame(await db.query(SESSIONS), sessions, 'its sessions are byte-identical');
  t.strictSame(await db.query(`SELECT id FROM class_series_archive`), [], 'the archive row is gone');
  const [version] = await db.query<{ archived: string; now: string }>(
    `SELECT (e.after->>'version') AS archived, (SELECT version::text FROM class_series WHERE id = 'ended') AS now FROM session_events AS e WHERE kind = 'unarchive'`,
  );
  t.ok(Number(version!.now) > Number(version!.archived), 'the restored version is above the archived one');
  t.strictSame(
    await db.query(`SELECT kind, run_id, branch_id, series_id, reason, before, after->>'title' AS title FROM session_events WHERE kind IN ('archive', 'unarchive') ORDER BY id`),
    [
      { kind: 'archive', run_id: '2', branch_id: 'ny', series_id: 'ended', reason: 'end-of-series', before: (await db.query<{ before: unknown }>(`SELECT before FROM session_events WHERE kind = 'archive'`))[0]!.before, title: null },
      { kind: 'unarchive', run_id: null, branch_id: 'ny', series_id: 'ended', reason: 'unarchived', before: null, title: 'Ended' },
    ],
    'archive and unarchive are both in history',
  );
});

const refusals: Array<{ name: string; setup: (db: Database) => Promise<void>; id: string; code: string; message: RegExp }> = [
  { name: 'an id never archived', setup: async () => {}, id: 'nope', code: 'NOT_FOUND', message: /No archived series nope/ },
  { name: 'a live series', setup: (db) => loadInputs(db, { branches: inputs.branches, series: [{ ...inputs.series[0]!, id: 'live' }] }).then(() => {}), id: 'live', code: 'NOT_FOUND', message: /not archived: it is in class_series/ },
  { name: 'a production database without CLASSCTL_ALLOW_APPLY', setup: (db) => setSetting(db, 'environment', 'production'), id: 'ended', code: 'GUARD_PRODUCTION', message: /production/ },
  { name: 'a branch that no longer exists', setup: async (db) => { await db.query(`UPDATE class_series_archive SET "row" = jsonb_set("row", '{branchId}', '"gone"')`); }, id: 'ended', code: 'NOT_FOUND', message: /branch gone, which no longer exists/ },
];

eachBackend(t, 'unarchive refuses clearly and writes nothing', async (t, db) => {
  await archived(db);
  for (const c of refusals) {
    await c.setup(db);
    const dump = async () => Promise.all(['class_series', 'class_series_archive', 'class_sessions', 'session_events'].map((table) => db.query(`SELECT to_jsonb(x)::text AS r FROM ${table} AS x ORDER BY 1`)));
    const before = await dump();
    const err = await unarchiveSeries(db, c.id, guard).then(() => null, (e: unknown) => e);
    t.ok(err instanceof ClassctlError, `${c.name}: refused`);
    t.equal((err as ClassctlError).code, c.code, `${c.name}: ${c.code}`);
    t.match((err as Error).message, c.message, `${c.name}: says why`);
    t.strictSame(await dump(), before, `${c.name}: nothing written`);
    await db.query(`DELETE FROM controller_settings`);
  }
});
