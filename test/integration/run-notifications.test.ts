// Run-level notifications are written with the run's journal row: a refusal
// by the mass-removal guard (with its counts), a run with an invalid branch
// document (config.invalid, and run.failed for each run it fails), and none for a refusal by the environment guards,
// which forbid every write.
import t from 'tap';
import type { Database } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { setSetting } from '../../controller/store/settings.js';
import { reconcile, type ReconcileOptions } from '../../controller/runtime/reconcile.js';
import { eachBackend } from '../helpers/backends.js';
import { BASE_SETTINGS, baseConfig, configOf, doc, silentLogger } from '../helpers/fixtures.js';

const NOW = Date.parse('2026-11-25T15:00:00Z');
const data = {
  branches: [{ id: 'ny', name: 'New York', timezone: 'America/New_York' }],
  series: [{ id: 'ny-daily', branchId: 'ny', title: 'Daily', rrule: 'FREQ=DAILY', startDate: '2026-11-01', endDate: null, startTime: '18:00', durationMinutes: 60, capacity: 10, instructorId: null, roomId: null, exdates: [] }],
};
const run = (db: Database, over: Partial<ReconcileOptions> = {}) => reconcile({ db, config: baseConfig(), logger: silentLogger(), now: NOW, mode: 'apply', clock: () => NOW, ...over });
const outbox = (db: Database) => db.query<{ type: string; run_id: string | null; data: any }>(`SELECT type, run_id::text AS run_id, data FROM notification_outbox ORDER BY type, id`);

eachBackend(t, 'the mass-removal guard: one removal.refused with the counts, in the journal row\'s transaction', async (t, db) => {
  await loadInputs(db, data);
  await run(db);
  t.strictSame(await outbox(db), [], 'creating sessions tells nobody');
  await db.query(`UPDATE class_series SET end_date = '2026-11-26' WHERE id = 'ny-daily'`);
  const refused = await run(db, { config: configOf(doc('base', {}, { ...BASE_SETTINGS, safety: { maxRemovalsPerRun: 3 } })) });
  t.equal(refused.refusal?.code, 'GUARD_MASS_REMOVAL');
  const rows = await outbox(db);
  t.match(rows, [{ type: 'removal.refused', run_id: refused.runId, data: { code: 'GUARD_MASS_REMOVAL', counts: { removals: [{ scope: 'branch ny', limit: 3 }] } } }]);
  t.equal(rows.length, 1);
});

eachBackend(t, 'an invalid branch document: config.invalid with its document and pointer, once however many runs see it', async (t, db) => {
  await loadInputs(db, data);
  const config = configOf(doc('base', {}, BASE_SETTINGS), doc('ny-branch', { branch: 'ny' }, { generation: { horizonDays: -1 } }));
  await run(db, { config });
  await run(db, { config, now: NOW + 3_600_000, clock: () => NOW + 3_600_000 });
  const rows = await outbox(db);
  const invalid = rows.filter((r) => r.type === 'config.invalid');
  t.match(invalid, [{ data: { document: 'ny-branch', pointer: '/spec/settings/generation/horizonDays', code: 'CONFIG_SCHEMA' } }]);
  t.equal(invalid.length, 1, 'one config.invalid for both runs');
  t.strictSame(rows.filter((r) => r.type === 'run.failed').map((r) => r.data.error), ['1 error(s) in the plan', '1 error(s) in the plan'], 'each run that ended failed: its own run.failed');
});

eachBackend(t, 'production without CLASSCTL_ALLOW_APPLY: refused, and not even an outbox row is written', async (t, db) => {
  await loadInputs(db, data);
  await setSetting(db, 'environment', 'production');
  const r = await run(db);
  t.equal(r.refusal?.code, 'GUARD_PRODUCTION');
  t.strictSame(await outbox(db), []);
});

eachBackend(t, 'a run refused by the now-skew guard after the environment guards passed: run.refused', async (t, db) => {
  await loadInputs(db, data);
  const r = await run(db, { now: Date.parse('2020-01-01T00:00:00Z'), nowGuard: { allowSkew: false } });
  t.equal(r.refusal?.code, 'GUARD_NOW_SKEW');
  t.match(await outbox(db), [{ type: 'run.refused', run_id: null, data: { code: 'GUARD_NOW_SKEW' } }]);
});
