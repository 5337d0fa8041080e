// The write guards and saved plans, in-process on both backends.
import t from 'tap';
import type { Database } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { setSetting } from '../../controller/store/settings.js';
import { reconcile, type ReconcileOptions } from '../../controller/runtime/reconcile.js';
import { planToJson } from '../../controller/core/render/plan-json.js';
import { eachBackend } from '../helpers/backends.js';
import { BASE_SETTINGS, baseConfig, configOf, doc, silentLogger } from '../helpers/fixtures.js';

const NOW = Date.parse('2026-11-25T15:00:00Z');

const data = {
  branches: [{ id: 'ny', name: 'New York', timezone: 'America/New_York' }],
  series: [
    { id: 'ny-daily', branchId: 'ny', title: 'Daily', rrule: 'FREQ=DAILY', startDate: '2026-11-01', endDate: null, startTime: '18:00', durationMinutes: 60, capacity: 10, instructorId: null, roomId: null, exdates: [] },
  ],
};

async function setup(db: Database) {
  const r = await loadInputs(db, data);
  if (r.problems.length) throw new Error(JSON.stringify(r.problems));
}

const run = (db: Database, over: Partial<ReconcileOptions> = {}) =>
  reconcile({ db, config: baseConfig(), logger: silentLogger(), now: NOW, mode: 'apply', clock: () => NOW, ...over });

const count = async (db: Database) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM class_sessions`))[0]!.n;

const guardRows: Array<{ name: string; stamp?: string; opts: Partial<ReconcileOptions>; exit: number; code?: string; message?: RegExp }> = [
  { name: 'no stamp and no --env: apply is allowed', opts: {}, exit: 0 },
  { name: '--env matching the stamp: apply is allowed', stamp: 'staging', opts: { expectedEnv: 'staging' }, exit: 0 },
  { name: '--env differing from the stamp is refused, naming both', stamp: 'production', opts: { expectedEnv: 'staging', allowApply: 'true' }, exit: 3, code: 'GUARD_ENVIRONMENT', message: /"staging".*"production"/ },
  { name: 'production without CLASSCTL_ALLOW_APPLY is refused', stamp: 'production', opts: {}, exit: 3, code: 'GUARD_PRODUCTION' },
  { name: 'production with CLASSCTL_ALLOW_APPLY=true is allowed', stamp: 'production', opts: { allowApply: 'true' }, exit: 0 },
  { name: 'planning needs no guard even in production', stamp: 'production', opts: { mode: 'plan', expectedEnv: 'other' }, exit: 0 },
];

for (const row of guardRows) {
  eachBackend(t, row.name, async (t, db) => {
    await setup(db);
    if (row.stamp) await setSetting(db, 'environment', row.stamp);
    const r = await run(db, row.opts);
    t.equal(r.exitCode, row.exit);
    if (row.code) {
      t.equal(r.refusal?.code, row.code);
      if (row.message) t.match(r.refusal?.message, row.message);
      t.equal(await count(db), 0, 'nothing written');
    }
  });
}

eachBackend(t, 'a plan removing more than safety.maxRemovalsPerRun is refused with the counts, unless allowed', async (t, db) => {
  await setup(db);
  await run(db);
  const created = await count(db);
  t.ok(created > 5);
  await db.query(`UPDATE class_series SET end_date = '2026-11-26' WHERE id = 'ny-daily'`);
  const limited = configOf(doc('base', {}, { ...BASE_SETTINGS, safety: { maxRemovalsPerRun: 3 } }));
  const refused = await run(db, { config: limited });
  t.equal(refused.exitCode, 3);
  t.equal(refused.refusal?.code, 'GUARD_MASS_REMOVAL');
  t.match(refused.refusal?.message, /branch ny: \d+ removals, limit 3/);
  t.equal(await count(db), created, 'nothing removed');
  const allowed = await run(db, { config: limited, allowMassRemoval: true });
  t.equal(allowed.exitCode, 0);
  t.ok((await count(db)) < created);
});

eachBackend(t, 'a saved plan is applied exactly', async (t, db) => {
  await setup(db);
  const planned = await run(db, { mode: 'plan' });
  const saved = JSON.parse(JSON.stringify(planToJson(planned.plan)));
  const applied = await run(db, { savedPlan: saved, now: Date.parse(saved.now), clock: () => NOW + 60_000 });
  t.equal(applied.exitCode, 0);
  t.equal(await count(db), saved.summary.create, 'exactly the planned creates');
});

const staleRows: Array<{ name: string; change: (db: Database) => Promise<void>; config?: boolean; message: RegExp }> = [
  { name: 'a series edited since the plan makes it stale', change: async (db) => void (await db.query(`UPDATE class_series SET title = 'Renamed' WHERE id = 'ny-daily'`)), message: /class series changed.*ny-daily/ },
  { name: 'a changed config document makes it stale', change: async () => {}, config: true, message: /configuration documents changed/ },
  { name: 'a session booked since the plan makes it stale', change: async (db) => void (await db.query(`UPDATE class_sessions SET booked_count = 2 WHERE occurrence_key = '2026-12-01'`)), message: /sessions changed since the plan/ },
];

for (const row of staleRows) {
  eachBackend(t, row.name, async (t, db) => {
    await setup(db);
    await run(db);
    await db.query(`UPDATE class_series SET end_date = '2026-11-29' WHERE id = 'ny-daily'`);
    const planned = await run(db, { mode: 'plan' });
    t.ok(planned.summary.delete > 0, 'the plan removes sessions');
    const saved = JSON.parse(JSON.stringify(planToJson(planned.plan)));
    await row.change(db);
    const config = row.config ? configOf(doc('base', {}, { ...BASE_SETTINGS, sessionDefaults: { durationMinutes: 45, capacity: 20 } })) : baseConfig();
    const before = await db.query(`SELECT id, status, booked_count FROM class_sessions ORDER BY id`);
    const r = await run(db, { savedPlan: saved, config, now: Date.parse(saved.now) });
    t.equal(r.exitCode, 3);
    t.equal(r.refusal?.code, 'PLAN_STALE');
    t.match(r.refusal?.message, row.message);
    t.same(await db.query(`SELECT id, status, booked_count FROM class_sessions ORDER BY id`), before, 'nothing written');
  });
}

eachBackend(t, 'a saved plan touching a session that has started since is stale', async (t, db) => {
  await setup(db);
  const planned = await run(db, { mode: 'plan' });
  const saved = JSON.parse(JSON.stringify(planToJson(planned.plan)));
  const r = await run(db, { savedPlan: saved, now: Date.parse(saved.now), clock: () => Date.parse('2026-11-26T00:00:00Z') });
  t.equal(r.refusal?.code, 'PLAN_STALE');
  t.match(r.refusal?.message, /has started since/);
  t.equal(await count(db), 0);
});
