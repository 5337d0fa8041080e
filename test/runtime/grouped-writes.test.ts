// Branches that only get new sessions (a day roll's) are written four to a
// message, each still its own transaction under its own lock. When one of
// them fails, the ones before it in the message are committed and must be
// reported as written, and the failing one and the ones after it are written
// on their own, each with its usual answer: no branch written twice, none
// lost, and the run reports exactly what the database holds.
import t, { type Test } from 'tap';
import { nextResyncAt } from '../../controller/core/incremental-sync.js';
import { addDays, localDateAt } from '../../controller/core/generation/local-date.js';
import { createLogger } from '../../controller/runtime/logger.js';
import { reconcile, type ReconcileResult } from '../../controller/runtime/reconcile.js';
import type { Database } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { eachBackend } from '../helpers/backends.js';
import { BASE_SETTINGS, baseConfig } from '../helpers/fixtures.js';

// Wednesday 2026-11-25 15:00 UTC.
const NOW = Date.parse('2026-11-25T15:00:00Z');
const DAY = 86_400_000;
/** Long enough that no branch comes due for a full proof: the day roll is incremental. */
const PERIOD = 60 * DAY;
const BRANCHES = ['b1', 'b2', 'b3', 'b4', 'b5', 'b6'];
/** The key that enters every series' window on the day roll. */
const NEW_KEY = addDays(localDateAt(NOW + DAY, 'UTC'), BASE_SETTINGS.generation.horizonDays);

const inputs = {
  branches: BRANCHES.map((id) => ({ id, name: id, timezone: 'UTC' })),
  series: BRANCHES.map((id) => ({
    id: `daily-${id}`, branchId: id, title: 'Spin', rrule: 'FREQ=DAILY', startDate: '2026-11-01', endDate: null, startTime: '18:00',
    durationMinutes: 45, capacity: 10, instructorId: null, roomId: null, exdates: [],
  })),
};

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ level: 'info', destination: { write: (s: string) => (lines.push(JSON.parse(s) as Record<string, unknown>), true) } as unknown as NodeJS.WritableStream, env: {} });
  return { logger, lines };
}

async function applyAt(db: Database, now: number, logger = capturingLogger().logger): Promise<ReconcileResult> {
  return reconcile({ db, config: baseConfig(), logger, now, mode: 'apply', clock: () => now, resyncPeriodMs: PERIOD });
}

/** Per branch, how many sessions hold the new key (each series must have it at most once). */
async function newKeyRows(db: Database): Promise<Record<string, number>> {
  const rows = await db.query<{ branch_id: string; n: number }>(`SELECT branch_id, count(*)::int AS n FROM class_sessions WHERE occurrence_key = $1 GROUP BY branch_id`, [NEW_KEY]);
  return Object.fromEntries(BRANCHES.map((b) => [b, rows.find((r) => r.branch_id === b)?.n ?? 0]));
}

const createdBy = (r: ReconcileResult) => Object.fromEntries(r.branches.map((b) => [b.branchId, { status: b.status, created: b.created, recovered: b.recovered === true }]));

async function prepare(t: Test, db: Database): Promise<void> {
  await loadInputs(db, inputs);
  for (const b of BRANCHES) t.ok(nextResyncAt(b, NOW, PERIOD) > NOW + DAY, `${b} is not due for a full proof at the day roll`);
  const first = await applyAt(db, NOW);
  t.equal(first.exitCode, 0, 'the first apply succeeds');
}

eachBackend(t, 'a day roll writes every branch once, four to a message, and reports what it wrote', async (t, db) => {
  await prepare(t, db);
  const { logger, lines } = capturingLogger();
  const roll = await applyAt(db, NOW + DAY, logger);
  t.equal(roll.exitCode, 0);
  t.same(createdBy(roll), Object.fromEntries(BRANCHES.map((b) => [b, { status: 'applied', created: 1, recovered: false }])), 'one new session per branch, each reported once');
  t.same(await newKeyRows(db), Object.fromEntries(BRANCHES.map((b) => [b, 1])), 'and each is in the database once');
  t.equal(roll.written.create, 6, 'the run reports six creates');
  t.notOk(lines.some((l) => String(l.msg).includes('in one message')), 'no message failed');
});

eachBackend(t, 'a session made by hand for the new day: the branches before it in the message stay written, it is written with checks, the rest are written', async (t, db) => {
  await prepare(t, db);
  // The host application created b2's session for the new day itself (an incremental run does not read b2's sessions).
  await db.query(
    `INSERT INTO class_sessions (series_id, branch_id, occurrence_key, title, starts_at, ends_at, timezone, capacity)
     VALUES ('daily-b2', 'b2', $1, 'Spin', $2::timestamptz, $2::timestamptz + interval '45 minutes', 'UTC', 10)`,
    [NEW_KEY, `${NEW_KEY}T18:00:00Z`],
  );
  const { logger, lines } = capturingLogger();
  const roll = await applyAt(db, NOW + DAY, logger);
  const stopped = lines.find((l) => String(l.msg).includes('in one message'));
  t.same(stopped?.branchIds, ['b1', 'b2', 'b3', 'b4'], 'the first message (b1–b4) stopped at b2');
  t.same(
    createdBy(roll),
    { b1: { status: 'applied', created: 1, recovered: false }, b2: { status: 'applied', created: 0, recovered: false }, b3: { status: 'applied', created: 1, recovered: false }, b4: { status: 'applied', created: 1, recovered: false }, b5: { status: 'applied', created: 1, recovered: false }, b6: { status: 'applied', created: 1, recovered: false } },
    'b1 counted as written by the message, b2 written with checks (nothing new), b3–b6 written',
  );
  t.same(roll.branches.find((b) => b.branchId === 'b2')?.skipped.map((s) => s.occurrenceKey), [NEW_KEY], "b2's collision is reported as not written");
  t.same(await newKeyRows(db), Object.fromEntries(BRANCHES.map((b) => [b, 1])), 'no session twice, none missing');
  t.equal(roll.written.create, 5, 'the run reports the five creates the database holds');
});

eachBackend(t, 'a branch another run holds in the middle of a message: the ones before it are written, it is skipped, the rest are written', async (t, db, backend) => {
  if (backend !== 'postgres') return; // one session in PGlite: no other run to hold the lock
  await prepare(t, db);
  const { logger, lines } = capturingLogger();
  const roll = await db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('classctl:branch:b3', 0))`);
    return applyAt(db, NOW + DAY, logger);
  });
  t.same(lines.find((l) => String(l.msg).includes('in one message'))?.branchIds, ['b1', 'b2', 'b3', 'b4'], 'the first message stopped at b3');
  t.same(
    createdBy(roll),
    { b1: { status: 'applied', created: 1, recovered: false }, b2: { status: 'applied', created: 1, recovered: false }, b3: { status: 'locked', created: 0, recovered: false }, b4: { status: 'applied', created: 1, recovered: false }, b5: { status: 'applied', created: 1, recovered: false }, b6: { status: 'applied', created: 1, recovered: false } },
    'b1 and b2 written by the message, b3 skipped as locked, b4–b6 written',
  );
  t.same(await newKeyRows(db), { b1: 1, b2: 1, b3: 0, b4: 1, b5: 1, b6: 1 }, 'the database holds exactly that');
  t.equal(roll.written.create, 5, 'and the run reports it');
  const later = await applyAt(db, NOW + DAY);
  t.same(await newKeyRows(db), Object.fromEntries(BRANCHES.map((b) => [b, 1])), 'the next run writes b3');
  t.equal(later.written.create, 1);
});
