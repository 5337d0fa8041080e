// `classctl apply PLANFILE`: the file is checked against schemas/plan.schema.json
// before anything else (no config read, no database opened), and an invalid
// one exits 2 naming the JSON pointer and what to do — no stack trace. Then the
// saved changes must equal a recomputation as multisets over every field the
// plan shows: an edited bookedCount or a change listed twice does not apply.
import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassctlError } from '../../controller/core/errors.js';
import { planToJson, type PlanJson } from '../../controller/core/render/plan-json.js';
import { reconcile, type ReconcileOptions } from '../../controller/runtime/reconcile.js';
import { checkSameChanges, parseSavedPlan } from '../../controller/runtime/saved-plan.js';
import type { Database } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { eachBackend } from '../helpers/backends.js';
import { runClassctlInProcess } from '../helpers/cli.js';
import { baseConfig, silentLogger } from '../helpers/fixtures.js';

const NOW = Date.parse('2026-11-25T15:00:00Z');

const SESSION = {
  title: 'Daily', startsAt: '2026-11-26T23:00:00.000Z', endsAt: '2026-11-27T00:00:00.000Z', timezone: 'America/New_York',
  instructorId: null, roomId: null, capacity: 10, status: 'scheduled',
};
const CREATE = { action: 'create', seriesId: 'ny-daily', occurrenceKey: '2026-11-26', branchId: 'ny', sessionId: null, before: null, after: SESSION };
const DELETE = { action: 'delete', seriesId: 'ny-daily', occurrenceKey: '2026-11-27', branchId: 'ny', sessionId: 'a1', before: { ...SESSION, startsAt: '2026-11-27T23:00:00.000Z', endsAt: '2026-11-28T00:00:00.000Z' }, after: null, reason: 'outside the series window', bookedCount: 0 };

function plan(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    formatVersion: 1, now: '2026-11-25T15:00:00.000Z', mode: 'plan',
    summary: { create: 1, update: 0, delete: 1, cancel: 0, seriesDeleted: 0, skipped: 0, errors: 0 },
    changes: [CREATE, DELETE], errors: [], warnings: [], configDigest: 'abc123',
    seriesVersions: { 'ny-daily': '1' }, branches: [{ branchId: 'ny', timezone: 'America/New_York', today: '2026-11-25', skippedSeries: [] }],
    ...over,
  };
}
const without = (key: string) => {
  const p = plan();
  delete p[key];
  return p;
};

const invalidRows: Array<{ name: string; file: unknown; pointer: string; says: RegExp }> = [
  { name: '"now" that is not a date-time', file: plan({ now: 'garbage' }), pointer: '/now', says: /garbage/ },
  { name: '"now" in the year 1', file: plan({ now: '0001-01-01T00:00:00Z' }), pointer: '/now', says: /outside the years 1900 to 9999/ },
  { name: 'a null entry in changes', file: plan({ changes: [CREATE, null] }), pointer: '/changes/1', says: /object/ },
  { name: 'seriesVersions missing', file: without('seriesVersions'), pointer: '/seriesVersions', says: /missing/ },
  { name: 'a change listed twice', file: plan({ changes: [CREATE, DELETE, CREATE] }), pointer: '/changes/2', says: /the same change as \/changes\/0/ },
  { name: 'an unknown field in a change', file: plan({ changes: [{ ...CREATE, colour: 'red' }] }), pointer: '/changes/0/colour', says: /Unknown field "colour"/ },
  { name: 'a negative bookedCount', file: plan({ changes: [{ ...DELETE, bookedCount: -1 }] }), pointer: '/changes/0/bookedCount', says: /0/ },
  { name: 'an unknown action', file: plan({ changes: [{ ...CREATE, action: 'upsert' }] }), pointer: '/changes/0/action', says: /create/ },
  { name: 'a session time that is not a date-time', file: plan({ changes: [{ ...CREATE, after: { ...SESSION, startsAt: 'tomorrow' } }] }), pointer: '/changes/0/after/startsAt', says: /tomorrow/ },
  { name: 'a list instead of a plan', file: [CREATE], pointer: '/', says: /a list, not a plan object/ },
];

t.test('an invalid plan file is USAGE naming the pointer and what to do', async (t) => {
  for (const row of invalidRows) {
    t.test(row.name, async (t) => {
      let caught: unknown;
      try {
        parseSavedPlan(row.file, 'plan.json');
      } catch (err) {
        caught = err;
      }
      t.type(caught, ClassctlError);
      const err = caught as ClassctlError;
      t.equal(err.code, 'USAGE');
      t.match(err.message, new RegExp(`plan\\.json#${row.pointer.replace(/\//g, '\\/')}: `));
      t.match(err.message, row.says);
      t.match(err.message, /Make the plan again with `classctl reconcile --plan --out plan\.json`/);
    });
  }
  t.doesNotThrow(() => parseSavedPlan(plan(), 'plan.json'), 'a well-formed plan passes');
});

t.test('classctl apply exits 2 on an invalid file before opening the database', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'classctl-plan-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const row of invalidRows) {
    const file = join(dir, 'plan.json');
    writeFileSync(file, JSON.stringify(row.file));
    // A refused port: had apply opened the database first, it would fail with a connection error instead.
    const r = await runClassctlInProcess({}, '--log-level', 'silent', '--database', 'postgres://postgres@127.0.0.1:1/none', '--config', dir, 'apply', file);
    t.equal(r.code, 2, `${row.name}: exit 2`);
    t.match(r.err, `plan.json#${row.pointer}: `, `${row.name}: names the pointer`);
    t.notMatch(r.err, /\n\s+at /, `${row.name}: no stack trace`);
    t.notMatch(r.err, /ECONNREFUSED|Cannot use the database/, `${row.name}: the database was not opened`);
  }
});

t.test('changes are compared as multisets over every field', async (t) => {
  const rows: Array<{ name: string; saved: unknown[]; recomputed: unknown[]; stale: boolean }> = [
    { name: 'the same changes in another order match', saved: [DELETE, CREATE], recomputed: [CREATE, DELETE], stale: false },
    { name: 'keys written in another order match', saved: [{ ...Object.fromEntries(Object.entries(CREATE).reverse()) }], recomputed: [CREATE], stale: false },
    { name: 'a change listed twice does not match one', saved: [CREATE, CREATE, DELETE], recomputed: [CREATE, DELETE], stale: true },
    { name: 'one change does not match it listed twice', saved: [CREATE, DELETE], recomputed: [CREATE, CREATE, DELETE], stale: true },
    { name: 'an edited bookedCount does not match', saved: [CREATE, { ...DELETE, bookedCount: 3 }], recomputed: [CREATE, DELETE], stale: true },
    { name: 'an edited reason does not match', saved: [CREATE, { ...DELETE, reason: 'because' }], recomputed: [CREATE, DELETE], stale: true },
    { name: 'an edited before value does not match', saved: [CREATE, { ...DELETE, before: { ...DELETE.before, capacity: 99 } }], recomputed: [CREATE, DELETE], stale: true },
  ];
  for (const row of rows) {
    const check = () => checkSameChanges(row.saved as PlanJson['changes'], row.recomputed as PlanJson['changes']);
    if (row.stale) t.throws(check, { code: 'PLAN_STALE' }, row.name);
    else t.doesNotThrow(check, row.name);
  }
});

const data = {
  branches: [{ id: 'ny', name: 'New York', timezone: 'America/New_York' }],
  series: [{ id: 'ny-daily', branchId: 'ny', title: 'Daily', rrule: 'FREQ=DAILY', startDate: '2026-11-01', endDate: null, startTime: '18:00', durationMinutes: 60, capacity: 10, instructorId: null, roomId: null, exdates: [] }],
};
const run = (db: Database, over: Partial<ReconcileOptions> = {}) =>
  reconcile({ db, config: baseConfig(), logger: silentLogger(), now: NOW, mode: 'apply', clock: () => NOW, ...over });

eachBackend(t, 'a saved plan whose bookedCount was edited is refused as stale and writes nothing', async (t, db) => {
  await loadInputs(db, data);
  await run(db);
  await db.query(`UPDATE class_series SET end_date = '2026-11-29' WHERE id = 'ny-daily'`);
  const planned = await run(db, { mode: 'plan' });
  const saved = JSON.parse(JSON.stringify(planToJson(planned.plan))) as PlanJson;
  const removal = saved.changes.find((c) => c.action === 'delete');
  if (!removal) {
    t.fail('the plan removes sessions');
    return;
  }
  removal.bookedCount = 7;
  parseSavedPlan(saved, 'plan.json');
  const before = await db.query(`SELECT id, status FROM class_sessions ORDER BY id`);
  const r = await run(db, { savedPlan: saved, now: Date.parse(saved.now) });
  t.equal(r.exitCode, 3);
  t.equal(r.refusal?.code, 'PLAN_STALE');
  t.same(await db.query(`SELECT id, status FROM class_sessions ORDER BY id`), before, 'nothing written');
});
