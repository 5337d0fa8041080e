// `serve --approval`: a loop run whose plan needs approval writes nothing and
// records a pending approval; approving it through the API (token needed)
// applies exactly that plan and journals the run, once; an edit after the
// plan was held makes it stale (409, nothing written); `always` holds a plan
// of creates only; `never` applies as before. On the embedded database and
// on PostgreSQL.
import t, { type Test } from 'tap';
import type { ConfigSet } from '../../controller/core/config/config-set.js';
import { createApprovalActions } from '../../controller/runtime/approve-plan.js';
import { createControllerRun } from '../../controller/runtime/controller-run.js';
import { createMetrics } from '../../controller/runtime/metrics.js';
import type { ApprovalPolicy } from '../../controller/runtime/plan-approval.js';
import type { Database } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { buildConfigSet } from '../../controller/core/config/config-set.js';
import { startController } from '../../controller/cli/serve-controller.js';
import { reconcile } from '../../controller/runtime/reconcile.js';
import { openDatabase } from '../../controller/store/database.js';
import { loadConfigDocumentsFromDir } from '../../controller/sources/files.js';
import { eachBackend } from '../helpers/backends.js';
import { migratedPostgresDatabase, requirePostgres } from '../helpers/db.js';
import { BASE_SETTINGS, configOf, doc, silentLogger } from '../helpers/fixtures.js';
import { dumpTables } from '../helpers/table-dump.js';
import { DEMO_INPUTS, NOW, testApp } from './helpers.js';

const TOKEN = 'approval-test-token';
const CONFIG = configOf(doc('base', {}, BASE_SETTINGS));
const auth = { authorization: `Bearer ${TOKEN}` };

/** A loop run of `serve --approval policy` at `now`. */
async function loopRun(db: Database, policy: ApprovalPolicy, now = NOW, config: ConfigSet = CONFIG) {
  const run = createControllerRun({ db, loadConfig: async () => config, metrics: createMetrics({ version: 't' }), logger: silentLogger(), clock: () => now, approval: policy });
  const result = await run(['interval']);
  if (!result) throw new Error('the loop run threw');
  return result;
}

async function app(t: Test, db: Database, policy: ApprovalPolicy = 'removals', extra: { checkWriteGuards?: () => Promise<void> } = {}) {
  const approvals = createApprovalActions({ db, loadConfig: async () => CONFIG, logger: silentLogger(), clock: () => NOW, policy });
  return (await testApp(t, db, { config: CONFIG, apiToken: TOKEN, approvals, ...extra })).app;
}

const sessions = async (db: Database) =>
  (await db.query<{ k: string; status: string }>(`SELECT occurrence_key AS k, status FROM class_sessions ORDER BY occurrence_key`)).map((r) => `${r.k} ${r.status}`);

/** The demo series applied at NOW (six sessions, Mon/Wed/Fri to 2026-12-09), then ended on 2026-12-01: a plan of four deletes. */
async function withRemovals(db: Database): Promise<void> {
  await loadInputs(db, DEMO_INPUTS);
  const first = await loopRun(db, 'never');
  if (first.outcome !== 'succeeded') throw new Error(first.outcome);
  await db.query(`UPDATE class_series SET end_date = '2026-12-01' WHERE id = 'ny-yoga'`);
}

eachBackend(t, '--approval removals holds a plan with deletes until it is approved', async (t, db) => {
  await withRemovals(db);
  const before = await dumpTables(db);
  const sessionsBefore = await sessions(db);
  t.same(sessionsBefore, ['2026-11-27 scheduled', '2026-11-30 scheduled', '2026-12-02 scheduled', '2026-12-04 scheduled', '2026-12-07 scheduled', '2026-12-09 scheduled']);

  const held = await loopRun(db, 'removals');
  t.equal(held.outcome, 'awaiting-approval');
  t.equal(held.exitCode, 0);
  t.same(await sessions(db), sessionsBefore, 'nothing written');
  const journal = (await db.query<{ status: string; summary: { awaitingApproval: unknown } }>(`SELECT status, summary FROM reconcile_runs WHERE id = $1::bigint`, [held.runId]))[0]!;
  t.equal(journal.status, 'awaiting-approval', 'the journal says the run awaits approval');
  t.match(journal.summary.awaitingApproval, { approvalId: held.approvalId, reason: 'removals', planned: { delete: 4 } });

  const server = await app(t, db);
  const list = (await server.inject({ method: 'GET', url: '/api/approvals?status=pending' })).json();
  t.equal(list.policy, 'removals');
  t.equal(list.approvals.length, 1);
  t.match(list.approvals[0], { id: held.approvalId, now: new Date(NOW).toISOString(), reason: 'removals', status: 'pending', totals: { delete: 4, create: 0, archive: 0 } });
  const shown = (await server.inject({ method: 'GET', url: list.approvals[0].planUrl })).json();
  t.equal(shown.totals.delete, 4, 'the plan summary at the held now shows the held plan');

  t.test('the same plan held again keeps its approval id, and notifies once', async (t) => {
    const again = await loopRun(db, 'removals');
    t.equal(again.outcome, 'awaiting-approval');
    t.equal(again.approvalId, held.approvalId);
    t.equal((await server.inject({ method: 'GET', url: '/api/approvals?status=pending' })).json().approvals.length, 1);
    const events = await db.query<{ type: string; severity: string; data: { approvalId: string; reason: string; totals: { delete: number } } }>(`SELECT type, severity, data FROM notification_outbox WHERE type = 'plan.awaitingApproval'`);
    t.equal(events.length, 1, 'one event for the held plan, however many runs held it');
    t.match(events[0], { severity: 'warning', data: { approvalId: held.approvalId, reason: 'removals', totals: { delete: 4 } } });
  });

  t.test('approving without the token: 401, nothing written', async (t) => {
    const snapshot = await dumpTables(db);
    for (const headers of [{}, { authorization: 'Bearer wrong' }]) {
      const res = await server.inject({ method: 'POST', url: `/api/approvals/${held.approvalId}/approve`, headers });
      t.equal(res.statusCode, 401);
      t.equal(res.json().code, 'UNAUTHORIZED');
    }
    const inUrl = await server.inject({ method: 'POST', url: `/api/approvals/${held.approvalId}/approve?token=${TOKEN}` });
    t.equal(inUrl.statusCode, 401, 'a token in the URL is not taken');
    t.same(await dumpTables(db), snapshot, 'byte-identical');
  });

  t.test('approving with the token applies exactly the held plan and journals the run', async (t) => {
    const res = await server.inject({ method: 'POST', url: `/api/approvals/${held.approvalId}/approve`, headers: auth });
    t.equal(res.statusCode, 200, res.body);
    const body = res.json();
    t.match(body, { approvalId: held.approvalId, status: 'approved', outcome: 'succeeded', written: { delete: 4, create: 0 } });
    t.same(await sessions(db), ['2026-11-27 scheduled', '2026-11-30 scheduled']);
    const run = (await server.inject({ method: 'GET', url: `/api/runs/${body.runId}` })).json();
    t.match(run.run, { status: 'succeeded', mode: 'apply-plan', now: new Date(NOW).toISOString() });
    t.same(run.branches, [{ branchId: 'ny', counts: { delete: 4 } }]);
    t.match((await server.inject({ method: 'GET', url: `/api/approvals/${held.approvalId}` })).json(), { status: 'approved', appliedRunId: body.runId });
  });

  t.test('approving twice: 409 PLAN_ALREADY_APPLIED, nothing written', async (t) => {
    const snapshot = await dumpTables(db);
    const res = await server.inject({ method: 'POST', url: `/api/approvals/${held.approvalId}/approve`, headers: auth });
    t.equal(res.statusCode, 409);
    t.equal(res.json().code, 'PLAN_ALREADY_APPLIED');
    t.same(await dumpTables(db), snapshot);
  });

  t.test('the next loop run has nothing to hold', async (t) => {
    const next = await loopRun(db, 'removals');
    t.equal(next.outcome, 'succeeded');
    t.same(next.summary, { ...next.summary, create: 0, delete: 0, cancel: 0, update: 0 });
  });
  t.notSame(before, await dumpTables(db));
});

eachBackend(t, 'an edit after the plan was held makes it stale: 409 PLAN_STALE, nothing written', async (t, db) => {
  await withRemovals(db);
  const held = await loopRun(db, 'removals');
  t.equal(held.outcome, 'awaiting-approval');
  const server = await app(t, db);
  const rows = [
    { name: 'a session edited by the host application', edit: `UPDATE class_sessions SET title = 'Yoga (moved)' WHERE occurrence_key = '2026-12-04'` },
    { name: 'the series edited again', edit: `UPDATE class_series SET end_date = '2026-12-03' WHERE id = 'ny-yoga'` },
  ];
  for (const row of rows) {
    t.test(row.name, async (t) => {
      await db.query(row.edit);
      const snapshot = await dumpTables(db);
      const res = await server.inject({ method: 'POST', url: `/api/approvals/${held.approvalId}/approve`, headers: auth });
      t.equal(res.statusCode, 409);
      t.equal(res.json().code, 'PLAN_STALE');
      t.match(res.json().message, /^Refusing to apply a stale plan: .*the next run plans again and holds the new plan for approval\.$/s);
      const after = await dumpTables(db);
      t.same(after.class_sessions, snapshot.class_sessions, 'no session written');
      t.equal((await server.inject({ method: 'GET', url: `/api/approvals/${held.approvalId}` })).json().status, 'pending');
    });
  }

  t.test('a newer plan supersedes it; approving the old one: 409 APPROVAL_NOT_PENDING', async (t) => {
    const newer = await loopRun(db, 'removals');
    t.equal(newer.outcome, 'awaiting-approval');
    t.not(newer.approvalId, held.approvalId);
    const all = (await server.inject({ method: 'GET', url: '/api/approvals' })).json().approvals;
    t.same(all.map((a: { id: string; status: string }) => [a.id, a.status]), [[newer.approvalId, 'pending'], [held.approvalId, 'superseded']]);
    const res = await server.inject({ method: 'POST', url: `/api/approvals/${held.approvalId}/approve`, headers: auth });
    t.equal(res.statusCode, 409);
    t.equal(res.json().code, 'APPROVAL_NOT_PENDING');
  });

  t.test('rejecting: the plan is never applied', async (t) => {
    const pending = (await server.inject({ method: 'GET', url: '/api/approvals?status=pending' })).json().approvals[0];
    t.equal((await server.inject({ method: 'POST', url: `/api/approvals/${pending.id}/reject` })).statusCode, 401, 'the token is needed');
    const res = await server.inject({ method: 'POST', url: `/api/approvals/${pending.id}/reject`, headers: auth });
    t.equal(res.statusCode, 200);
    t.equal(res.json().status, 'rejected');
    const again = await server.inject({ method: 'POST', url: `/api/approvals/${pending.id}/approve`, headers: auth });
    t.equal(again.statusCode, 409);
    t.equal(again.json().code, 'APPROVAL_NOT_PENDING');
  });

  t.test('unknown and malformed ids', async (t) => {
    const rows = [
      { url: '/api/approvals/999/approve', status: 404, code: 'APPROVAL_NOT_FOUND' },
      { url: '/api/approvals/abc/approve', status: 400, code: 'INVALID_REQUEST' },
    ];
    for (const row of rows) {
      const res = await server.inject({ method: 'POST', url: row.url, headers: auth });
      t.equal(res.statusCode, row.status, row.url);
      t.equal(res.json().code, row.code, row.url);
    }
    t.equal((await server.inject({ method: 'GET', url: '/api/approvals?status=maybe' })).statusCode, 400);
  });

  t.test('a server without CLASSCTL_API_TOKEN approves nothing: 403 WRITE_API_DISABLED', async (t) => {
    const approvals = createApprovalActions({ db, loadConfig: async () => CONFIG, logger: silentLogger(), clock: () => NOW, policy: 'removals' });
    const { app: tokenless } = await testApp(t, db, { config: CONFIG, approvals });
    const res = await tokenless.inject({ method: 'POST', url: `/api/approvals/${held.approvalId}/approve`, headers: auth });
    t.equal(res.statusCode, 403);
    t.equal(res.json().code, 'WRITE_API_DISABLED');
  });
});

eachBackend(t, 'always holds a plan of creates only; removals and never apply it', async (t, db) => {
  await loadInputs(db, DEMO_INPUTS);
  const rows: Array<{ policy: ApprovalPolicy; outcome: string; created: number }> = [
    { policy: 'always', outcome: 'awaiting-approval', created: 0 },
    { policy: 'removals', outcome: 'succeeded', created: 6 },
  ];
  for (const row of rows) {
    const r = await loopRun(db, row.policy);
    t.equal(r.outcome, row.outcome, row.policy);
    t.equal((await sessions(db)).length, row.created, `${row.policy}: sessions after the run`);
  }
  const approvals = await db.query<{ status: string; reason: string }>(`SELECT status, reason FROM plan_approvals ORDER BY id`);
  t.same(approvals, [{ status: 'superseded', reason: 'always' }], 'the run that applied without approval superseded the waiting plan');
});

eachBackend(t, 'a plan the mass-removal guard refuses is refused as before, not held for approval', async (t, db) => {
  await withRemovals(db);
  const strict = configOf(doc('base', {}, { ...BASE_SETTINGS, safety: { maxRemovalsPerRun: 2 } }));
  const r = await loopRun(db, 'removals', NOW, strict);
  t.equal(r.outcome, 'refused');
  t.equal(r.refusal?.code, 'GUARD_MASS_REMOVAL');
  t.same(await db.query(`SELECT id FROM plan_approvals`), [], 'no approval offered');
  t.equal((await sessions(db)).length, 6, 'nothing written');
});

eachBackend(t, '--approval never changes nothing from before: no approval row, the run applies', async (t, db) => {
  await withRemovals(db);
  const r = await loopRun(db, 'never');
  t.equal(r.outcome, 'succeeded');
  t.equal(r.approvalId, undefined);
  t.same(await sessions(db), ['2026-11-27 scheduled', '2026-11-30 scheduled']);
  t.same(await db.query(`SELECT id FROM plan_approvals`), []);
  const server = await app(t, db, 'never');
  t.same((await server.inject({ method: 'GET', url: '/api/approvals' })).json(), { policy: 'never', approvals: [] });
});

t.test('serve --approval removals, as started by the command: the first run holds, the API approves', async (t) => {
  if (!requirePostgres(t)) return;
  const url = await migratedPostgresDatabase(t);
  const db = await openDatabase({ url });
  t.teardown(() => db.close());
  const { documents, problems } = await loadConfigDocumentsFromDir('config');
  const config = buildConfigSet(documents, problems);
  await loadInputs(db, DEMO_INPUTS);
  // startController is what `serve` runs, on the wall clock (it takes no clock):
  // the first apply uses the same clock, so the controller's own run starts from what it applied.
  const now = Date.now();
  t.equal((await reconcile({ db, config, logger: silentLogger(), now, mode: 'apply' })).outcome, 'succeeded');
  await db.query(`UPDATE class_series SET end_date = current_date + 2 WHERE id = 'ny-yoga'`);
  const before = await sessions(db);

  const controller = await startController({
    globals: { database: url, config: 'config', configSource: 'files', logLevel: 'silent' },
    env: { CLASSCTL_API_TOKEN: TOKEN },
    logger: silentLogger(),
    port: 0,
    host: '127.0.0.1',
    intervalMs: 3_600_000,
    allowMassRemoval: false,
    approval: 'removals',
  });
  try {
    await controller.loop.whenIdle();
    t.same(await sessions(db), before, 'the run at start held its plan and wrote nothing');
    const list = (await (await fetch(`${controller.url}/api/approvals?status=pending`)).json()) as { policy: string; approvals: Array<{ id: string; totals: { delete: number } }> };
    t.equal(list.policy, 'removals');
    t.equal(list.approvals.length, 1);
    t.ok(list.approvals[0]!.totals.delete > 0);
    const res = await fetch(`${controller.url}/api/approvals/${list.approvals[0]!.id}/approve`, { method: 'POST', headers: auth });
    t.equal(res.status, 200);
    t.match(await res.json(), { status: 'approved', outcome: 'succeeded', written: { delete: list.approvals[0]!.totals.delete } });
    t.equal((await sessions(db)).length, before.length - list.approvals[0]!.totals.delete);
  } finally {
    await controller.shutdown(10_000);
  }
});
