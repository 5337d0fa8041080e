// The digests a run reads while it still reads its inputs: only for the
// branches it proves in full whatever their inputs, for the day they were
// read for, each given once; and a run whose early reads failed, or were
// never made, plans exactly what a run that used them plans.
import t from 'tap';
import { planToJson } from '../../controller/core/render/plan-json.js';
import { nextResyncAt } from '../../controller/core/incremental-sync.js';
import { localDateAt } from '../../controller/core/generation/local-date.js';
import { startEarlyObservations, type EarlyObservations } from '../../controller/runtime/early-observations.js';
import { planRun, snapshotInputs } from '../../controller/runtime/plan-run.js';
import { reconcile } from '../../controller/runtime/reconcile.js';
import type { Database } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { readBranchObservations } from '../../controller/store/series-digests.js';
import { eachBackend } from '../helpers/backends.js';
import { THREE_ZONE_CHAIN, baseConfig, silentLogger } from '../helpers/fixtures.js';

// Wednesday 2026-11-25 10:00 in New York (15:00 UTC).
const NOW = Date.parse('2026-11-25T15:00:00Z');
const HOUR = 3_600_000;
const PERIOD = 24 * HOUR;

const inputs = THREE_ZONE_CHAIN;

async function applyAt(db: Database, now: number): Promise<void> {
  const r = await reconcile({ db, config: baseConfig(), logger: silentLogger(), now, mode: 'apply', clock: () => now, resyncPeriodMs: PERIOD });
  if (r.exitCode !== 0) throw new Error(`run at ${new Date(now).toISOString()} exited ${r.exitCode}`);
}

/** Which branches got an early read for their day at `now`, and whether each equals a read made then. */
async function earlyReads(db: Database, now: number, opts: { fullResync?: boolean } = {}): Promise<string[]> {
  const early = startEarlyObservations({ db, now, resyncPeriodMs: PERIOD, ...opts });
  await early.syncStates;
  const read: string[] = [];
  for (const b of inputs.branches) {
    const today = localDateAt(now, b.timezone);
    const taken = early.take(b.id, today);
    if (taken === null) continue;
    const observation = await taken;
    const direct = (await readBranchObservations(db, [{ id: b.id, today }], now)).get(b.id);
    if (JSON.stringify(observation) !== JSON.stringify(direct)) throw new Error(`branch ${b.id}: the early read differs from a read made after it`);
    read.push(b.id);
  }
  return read;
}

// Each branch comes due at its own point in the period after its proof at NOW.
const dueAt = (branchId: string) => nextResyncAt(branchId, NOW, PERIOD);
const firstDue = Math.min(...inputs.branches.map((b) => dueAt(b.id)));
const lastDue = Math.max(...inputs.branches.map((b) => dueAt(b.id)));

t.ok(firstDue < lastDue, 'the branches of these tests come due at different points of the period');

interface DueCase {
  name: string;
  /** After the first apply at NOW (which records every branch as proven then). */
  prepare?: (db: Database) => Promise<void>;
  at: number;
  fullResync?: boolean;
  read: (at: number) => string[];
}

const cases: DueCase[] = [
  { name: 'right after a full proof, no branch is read early', at: NOW + HOUR, read: () => [] },
  { name: 'once every proof is due, every branch is read early', at: lastDue, read: () => ['ldn', 'ny', 'tokyo'] },
  {
    name: 'between the first and the last branch coming due, only the due ones are read early',
    at: firstDue,
    read: (at) => inputs.branches.filter((b) => dueAt(b.id) <= at).map((b) => b.id),
  },
  { name: 'a full resync reads every branch early', at: NOW + HOUR, fullResync: true, read: () => ['ldn', 'ny', 'tokyo'] },
  {
    name: 'a branch without a recorded state is read early',
    prepare: (db) => db.query(`DELETE FROM branch_sync_state WHERE branch_id = 'ny'`).then(() => undefined),
    at: NOW + HOUR,
    read: () => ['ny'],
  },
  {
    name: 'a branch recorded by a run later than now (the clock went back) is read early',
    prepare: (db) => db.query(`UPDATE branch_sync_state SET synced_now = synced_now + interval '2 hours' WHERE branch_id = 'tokyo'`).then(() => undefined),
    at: NOW + HOUR,
    read: () => ['tokyo'],
  },
  {
    name: 'a branch with an invalid zone is not read early (its plan reads nothing)',
    prepare: (db) => db.query(`UPDATE branches SET timezone = 'Mars/Olympus' WHERE id = 'ldn'`).then(() => undefined),
    at: lastDue,
    read: () => ['ny', 'tokyo'],
  },
];

for (const c of cases) {
  eachBackend(t, c.name, async (t, db) => {
    await loadInputs(db, inputs);
    await applyAt(db, NOW);
    await c.prepare?.(db);
    t.same(await earlyReads(db, c.at, { fullResync: c.fullResync }), c.read(c.at));
  });
}

eachBackend(t, 'an early read is given once, and only for the day it was read for', async (t, db) => {
  await loadInputs(db, inputs);
  const early = startEarlyObservations({ db, now: NOW, resyncPeriodMs: PERIOD });
  await early.syncStates;
  t.equal(early.take('ny', '2026-11-24'), null, 'another day (the zone changed since): not given');
  const first = early.take('ny', '2026-11-25');
  t.not(first, null, 'the day it was read for: given');
  t.ok(await first, 'and it resolves to the observation');
  t.equal(early.take('ny', '2026-11-25'), null, 'a second time: not given');
});

/** Early observations whose reads all failed. */
function failedEarly(): EarlyObservations {
  const syncStates = Promise.reject(new Error('connection lost'));
  syncStates.catch(() => {}); // the run handles it when it gets there
  return { syncStates, take: () => Promise.resolve(null) };
}

eachBackend(t, 'a run whose early reads failed plans what a run that used them plans, drift repaired included', async (t, db) => {
  await loadInputs(db, inputs);
  await applyAt(db, NOW);
  // Behind the controller's back: found by the full proofs due at lastDue.
  await db.query(`DELETE FROM class_sessions WHERE series_id = 'ny-yoga' AND occurrence_key = '2026-12-04'`);
  await db.query(`UPDATE class_sessions SET title = 'Hand-edited' WHERE series_id = 'tokyo-spin' AND occurrence_key = '2026-12-01'`);
  const planAt = async (early: EarlyObservations | undefined) =>
    planToJson(await planRun({ db, config: baseConfig(), now: lastDue, mode: 'plan', snapshot: await snapshotInputs(db), observedRead: 'incremental', resyncPeriodMs: PERIOD, early }));
  const used = startEarlyObservations({ db, now: lastDue, resyncPeriodMs: PERIOD });
  const withEarly = await planAt(used);
  t.same(await planAt(failedEarly()), withEarly, 'every branch read again after its early read failed');
  t.same(await planAt(undefined), withEarly, 'and the same as a run without early reads');
  const changes = withEarly.changes.map((c) => `${c.action} ${c.seriesId} ${c.occurrenceKey}`);
  t.ok(changes.includes('create ny-yoga 2026-12-04'), 'the deleted session is planned again');
  t.ok(changes.includes('update tokyo-spin 2026-12-01'), 'the retitled session is planned back');
});
