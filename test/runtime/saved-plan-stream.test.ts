// The plan JSON written branch by branch (stdout and --out) and a saved plan
// read back line by line: same content as the whole-document plan, applied
// exactly, refused when stale or edited; a whole-document file still reads.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import t from 'tap';
import { openPlanOutput } from '../../controller/cli/plan-output.js';
import { planToJson } from '../../controller/core/render/plan-json.js';
import { reconcile, type ReconcileOptions } from '../../controller/runtime/reconcile.js';
import { readSavedPlanFile } from '../../controller/runtime/saved-plan-file.js';
import type { Database } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { eachBackend } from '../helpers/backends.js';
import { baseConfig, silentLogger } from '../helpers/fixtures.js';

const NOW = Date.parse('2026-11-25T15:00:00Z');
const BRANCHES = ['b1', 'b2', 'b3'];
const data = {
  branches: BRANCHES.map((id) => ({ id, name: id, timezone: 'America/New_York' })),
  series: BRANCHES.flatMap((b) =>
    ['a', 'b'].map((s) => ({ id: `${b}-${s}`, branchId: b, title: 'Daily', rrule: 'FREQ=DAILY', startDate: '2026-11-01', endDate: null, startTime: '18:00', durationMinutes: 60, capacity: 10, instructorId: null, roomId: null, exdates: [] })),
  ),
};

const run = (db: Database, over: Partial<ReconcileOptions> = {}) => reconcile({ db, config: baseConfig(), logger: silentLogger(), now: NOW, mode: 'apply', clock: () => NOW, ...over });
const count = async (db: Database) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM class_sessions`))[0]!.n;

/** Sessions already there, then a plan with creates, updates and deletes in every branch. */
async function setup(db: Database): Promise<void> {
  await loadInputs(db, data);
  await run(db);
  await db.query(`UPDATE class_series SET end_date = '2026-11-30' WHERE id LIKE '%-a'`);
  await db.query(`UPDATE class_series SET capacity = 12 WHERE id LIKE '%-b'`);
}

/** `reconcile --plan --output json --out FILE`, in-process: the stdout text and the file. */
async function streamedPlan(db: Database, dir: string): Promise<{ stdout: string; file: string }> {
  let stdout = '';
  const sink = new Writable({ write: (chunk, _enc, done) => ((stdout += String(chunk)), done()) });
  const file = join(dir, 'plan.json');
  const output = openPlanOutput({ stdout: sink, format: 'json', detail: 'limited', now: NOW, mode: 'plan', outFile: file });
  const r = await run(db, { mode: 'plan', onBranch: output.sink });
  await output.finish(r, { applied: false, extra: { runId: r.runId, outcome: r.outcome } });
  return { stdout, file };
}

eachBackend(t, 'the streamed JSON (stdout and --out) parses to the whole-document plan, one change per line', async (t, db) => {
  await setup(db);
  const whole = planToJson((await run(db, { mode: 'plan' })).plan);
  t.ok(whole.summary.delete > 0 && whole.summary.update > 0, 'the plan deletes and updates');
  const { stdout, file } = await streamedPlan(db, await mkdtemp(join(tmpdir(), 'plan-')));
  const saved = await readFile(file, 'utf8');
  t.same(JSON.parse(saved), whole, 'the --out file holds the same plan');
  t.same(JSON.parse(stdout), { ...whole, runId: null, outcome: 'succeeded' }, 'stdout: the same plan and the run fields');
  const lines = saved.split('\n');
  const open = lines.indexOf('  "changes": [');
  t.equal(lines.slice(open + 1, open + 1 + whole.changes.length).filter((l) => /^ {4}\{.*\},?$/.test(l)).length, whole.changes.length, 'one change per line');
  t.equal(Object.keys(JSON.parse(saved)).at(-1), 'summary', 'summary last');
});

const applyRows: Array<{ name: string; budget?: number; layout: 'lines' | 'whole' }> = [
  { name: 'a saved streamed plan applies exactly', layout: 'lines' },
  { name: 'a saved streamed plan applies exactly with a held-changes budget of one change', layout: 'lines', budget: 1 },
  { name: 'a saved plan in the whole-document layout of earlier versions still applies', layout: 'whole' },
];

for (const row of applyRows) {
  eachBackend(t, row.name, async (t, db) => {
    await setup(db);
    const dir = await mkdtemp(join(tmpdir(), 'plan-'));
    const { file } = await streamedPlan(db, dir);
    if (row.layout === 'whole') await writeFile(file, JSON.stringify(JSON.parse(await readFile(file, 'utf8')), null, 2) + '\n');
    const saved = await readSavedPlanFile(file);
    const expected = JSON.parse(await readFile(file, 'utf8')).summary;
    const r = await run(db, { savedPlan: saved, now: Date.parse(saved.now), heldChangesBudget: row.budget, onBranch: () => {} });
    t.equal(r.exitCode, 0, r.refusal?.message ?? 'applied');
    t.same([r.written.create, r.written.update, r.written.delete], [expected.create, expected.update, expected.delete], 'exactly the saved changes');
    const after = await run(db, { mode: 'plan' });
    t.same([after.summary.create, after.summary.update, after.summary.delete], [0, 0, 0], 'converged');
  });
}

const staleRows: Array<{ name: string; change: (db: Database) => Promise<void>; message: RegExp }> = [
  { name: 'a streamed plan whose changes are already applied is stale', change: async (db) => void (await run(db)), message: /is no longer what a plan would do now/ },
  { name: 'a streamed plan whose session was booked since is stale', change: async (db) => void (await db.query(`UPDATE class_sessions SET booked_count = 1 WHERE series_id = 'b2-a' AND occurrence_key = '2026-12-05'`)), message: /sessions changed since the plan/ },
];

for (const row of staleRows) {
  eachBackend(t, row.name, async (t, db) => {
    await setup(db);
    const { file } = await streamedPlan(db, await mkdtemp(join(tmpdir(), 'plan-')));
    await row.change(db);
    const before = await db.query(`SELECT id, capacity, status, booked_count FROM class_sessions ORDER BY id`);
    const saved = await readSavedPlanFile(file);
    const r = await run(db, { savedPlan: saved, now: Date.parse(saved.now), heldChangesBudget: 1, onBranch: () => {} });
    t.equal(r.refusal?.code, 'PLAN_STALE');
    t.match(r.refusal?.message, row.message);
    t.same(await db.query(`SELECT id, capacity, status, booked_count FROM class_sessions ORDER BY id`), before, 'nothing written');
  });
}

const editRows: Array<{ name: string; edit: (changeLines: string[]) => string[]; message: RegExp }> = [
  { name: 'a change listed twice', edit: (l) => [l[0]!, ...l], message: /the same change as \/changes\/0/ },
  { name: 'branches out of order', edit: (l) => [...l].reverse(), message: /a plan lists the changes branch by branch, in branch order/ },
  { name: 'a change with a field the schema does not know', edit: (l) => [l[0]!.replace('{"action"', '{"extra":1,"action"'), ...l.slice(1)], message: /\/changes\/0/ },
];

for (const row of editRows) {
  eachBackend(t, `an edited streamed plan file is refused before anything is read from the database: ${row.name}`, async (t, db) => {
    await setup(db);
    const { file } = await streamedPlan(db, await mkdtemp(join(tmpdir(), 'plan-')));
    const lines = (await readFile(file, 'utf8')).split('\n');
    const open = lines.indexOf('  "changes": [');
    const close = lines.indexOf('  ],');
    const changeLines = lines.slice(open + 1, close).map((l) => l.replace(/,$/, ''));
    const edited = row.edit(changeLines).map((l, i, all) => (i < all.length - 1 ? `${l},` : l));
    await writeFile(file, [...lines.slice(0, open + 1), ...edited, ...lines.slice(close)].join('\n'));
    await t.rejects(readSavedPlanFile(file), { code: 'USAGE', message: row.message });
  });
}

eachBackend(t, 'a saved plan whose branch, let go of after the planning pass, is planned differently at its write: that branch is not written, the others are', async (t, db) => {
  await setup(db);
  const { file } = await streamedPlan(db, await mkdtemp(join(tmpdir(), 'plan-')));
  const saved = await readSavedPlanFile(file);
  const b3 = `SELECT id, capacity, status FROM class_sessions WHERE branch_id = 'b3' ORDER BY id`;
  let before: unknown[] = [];
  const r = await run(db, {
    savedPlan: saved,
    now: Date.parse(saved.now),
    heldChangesBudget: 1,
    onBranch: () => {},
    // Between the planning pass (which let go of b3's changes) and b3's write,
    // someone edits one of b3's sessions that the plan updates.
    faults: {
      afterPlan: async () => {
        await db.query(`UPDATE class_sessions SET capacity = 11 WHERE series_id = 'b3-b' AND occurrence_key = (SELECT max(occurrence_key) FROM class_sessions WHERE series_id = 'b3-b')`);
        before = await db.query(b3);
      },
    },
  });
  t.same(r.failedBranches.map((f) => f.branchId), ['b3'], 'only b3 failed');
  t.match(r.failedBranches[0]?.error, /no longer the saved ones \(PLAN_STALE\)/);
  t.same(await db.query(b3), before, 'nothing of b3 written');
  t.equal((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM class_sessions WHERE branch_id = 'b1' AND capacity = 12`))[0]!.n > 0, true, 'b1 was written');
});
