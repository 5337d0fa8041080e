// /metrics after real runs on the embedded database: the exposition passes
// `promtool check metrics`, and the values say what the runs did.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import type { Problem } from '../../controller/core/errors.js';
import { createControllerRun } from '../../controller/runtime/controller-run.js';
import { countInvalidDocuments, createMetrics, pushMetrics, recordRun } from '../../controller/runtime/metrics.js';
import type { ReconcileResult } from '../../controller/runtime/reconcile.js';
import { writtenSummary } from '../../controller/runtime/run-summary.js';
import { setSetting } from '../../controller/store/settings.js';
import { BASE_SETTINGS, baseConfig, configOf, doc, silentLogger } from '../helpers/fixtures.js';
import { NOW, embeddedDatabase, promtoolCheck, sample, testApp } from './helpers.js';
import { toolMissing } from '../helpers/tools.js';

async function scrape(t: Test, app: Awaited<ReturnType<typeof testApp>>['app']): Promise<string> {
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  t.equal(res.statusCode, 200);
  return res.body;
}

function assertPromtoolAccepts(t: Test, text: string): void {
  const check = promtoolCheck(text);
  if (check.missing) return toolMissing(t, 'promtool', 'promtool check metrics', 'apt-get install prometheus');
  t.equal(check.status, 0, `promtool check metrics accepts the exposition${check.output ? `: ${check.output}` : ''}`);
}

t.test('after a successful run: promtool accepts the scrape and the values match the database', async (t) => {
  const db = await embeddedDatabase(t);
  const { app, metrics } = await testApp(t, db);
  const run = createControllerRun({ db, loadConfig: async () => baseConfig(), metrics, logger: silentLogger(), clock: () => NOW });
  const result = await run(['start']);
  t.equal(result?.outcome, 'succeeded');
  const created = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM class_sessions`))[0]!.n;
  t.ok(created > 0, 'the run created sessions');

  const text = await scrape(t, app);
  assertPromtoolAccepts(t, text);
  const expected: Array<[string, number]> = [
    ['classctl_reconcile_runs_total{result="succeeded"}', 1],
    ['classctl_reconcile_runs_total{result="failed"}', 0],
    ['classctl_reconcile_runs_total{result="error"}', 0],
    ['classctl_reconcile_duration_seconds_count', 1],
    ['classctl_sessions_changed_total{action="create"}', created],
    ['classctl_sessions_changed_total{action="update"}', 0],
    ['classctl_sessions_changed_total{action="delete"}', 0],
    ['classctl_sessions_changed_total{action="cancel"}', 0],
    ['classctl_series_archived_total', 0],
    ['classctl_errors_total{kind="config"}', 0],
    ['classctl_errors_total{kind="branch_failed"}', 0],
    ['classctl_config_invalid_documents', 0],
    ['classctl_last_success_timestamp_seconds', NOW / 1000],
    ['classctl_build_info{version="9.9.9-test",node="v20.0.0"}', 1],
  ];
  for (const [series, value] of expected) t.equal(sample(text, series), value, series);
  t.notMatch(text, /ny-yoga|series_id|branch_id/, 'no per-series or per-branch label');

  // A second run at the same instant changes nothing: counters stay, runs go up.
  await run(['interval']);
  const again = await scrape(t, app);
  t.equal(sample(again, 'classctl_reconcile_runs_total{result="succeeded"}'), 2);
  t.equal(sample(again, 'classctl_sessions_changed_total{action="create"}'), created, 'nothing more created');
});

t.test('failed, refused and thrown runs are counted by result and error kind', async (t) => {
  const db = await embeddedDatabase(t);
  const invalidBranchDoc = configOf(doc('base', {}, BASE_SETTINGS), doc('ny-broken', { branch: 'ny' }, { generation: { horizonDays: 'soon' } }));
  const noBase = configOf();
  const rows = [
    {
      name: 'an invalid branch document: failed, a config error, one invalid document, no success time',
      setup: async () => {},
      loadConfig: async () => invalidBranchDoc,
      // The branch's plan repeats the document's problem (it is why the branch is skipped): counted once.
      expect: { 'classctl_reconcile_runs_total{result="failed"}': 1, 'classctl_errors_total{kind="config"}': 1, classctl_config_invalid_documents: 1, classctl_last_success_timestamp_seconds: 0 },
    },
    {
      name: 'no base document: invalid-config, the missing base counts as one invalid document',
      setup: async () => {},
      loadConfig: async () => noBase,
      expect: { 'classctl_reconcile_runs_total{result="invalid-config"}': 1, classctl_config_invalid_documents: 1, classctl_last_success_timestamp_seconds: 0 },
    },
    {
      name: 'a production database without CLASSCTL_ALLOW_APPLY: refused, a guard error',
      setup: async () => setSetting(db, 'environment', 'production'),
      loadConfig: async () => baseConfig(),
      expect: { 'classctl_reconcile_runs_total{result="refused"}': 1, 'classctl_errors_total{kind="guard"}': 1, classctl_last_success_timestamp_seconds: 0 },
    },
    {
      name: 'a run that throws (config unreadable): error, a run error',
      setup: async () => {},
      loadConfig: async () => Promise.reject(new Error('EACCES')),
      expect: { 'classctl_reconcile_runs_total{result="error"}': 1, 'classctl_errors_total{kind="run"}': 1, classctl_reconcile_duration_seconds_count: 1 },
    },
  ];
  for (const row of rows) {
    t.test(row.name, async (t) => {
      await db.query(`DELETE FROM controller_settings`);
      await row.setup();
      const { app, metrics } = await testApp(t, db);
      const run = createControllerRun({ db, loadConfig: row.loadConfig, metrics, logger: silentLogger(), clock: () => NOW });
      await run(['api']);
      const text = await scrape(t, app);
      assertPromtoolAccepts(t, text);
      for (const [series, value] of Object.entries(row.expect)) t.equal(sample(text, series), value, series);
      t.equal(sample(text, 'classctl_reconcile_runs_total{result="succeeded"}'), 0, 'not counted as a success');
    });
  }
});

t.test('the server registry with process metrics passes promtool too', async (t) => {
  const metrics = createMetrics({ processMetrics: true });
  const text = await metrics.registry.metrics();
  t.match(text, /process_resident_memory_bytes/);
  assertPromtoolAccepts(t, text);
});

t.test('countInvalidDocuments', async (t) => {
  const p = (over: Partial<Problem>): Problem => ({ code: 'CONFIG_SCHEMA', scope: 'branch:ny', pointer: '/spec', message: 'm', severity: 'error', ...over });
  const rows = [
    { name: 'no problems: 0', problems: [], expect: 0 },
    { name: 'two errors in one document count once', problems: [p({ document: 'a', origin: 'a.yaml' }), p({ document: 'a', origin: 'a.yaml', pointer: '/x' })], expect: 1 },
    { name: 'two documents in one file count twice', problems: [p({ document: 'a', origin: 'f.yaml' }), p({ document: 'b', origin: 'f.yaml' })], expect: 2 },
    { name: 'an unparsable file counts once, by its path', problems: [p({ code: 'CONFIG_UNPARSABLE', scope: 'all', origin: 'f.yaml' }), p({ code: 'CONFIG_UNPARSABLE', scope: 'all', origin: 'f.yaml', message: 'm2' })], expect: 1 },
    { name: 'warnings do not count', problems: [p({ code: 'CONFIG_UNKNOWN_TARGET', severity: 'warning', document: 'a' })], expect: 0 },
    { name: 'series input errors are not document errors', problems: [p({ code: 'SERIES_RRULE', scope: 'series:s1', document: 's1' })], expect: 0 },
  ];
  for (const row of rows) t.test(row.name, async (t) => t.equal(countInvalidDocuments(row.problems), row.expect));
});

t.test('pushMetrics: push-add to the Pushgateway, last-success only once a run succeeded', async (t) => {
  const received: Array<{ method?: string; url?: string; body: string }> = [];
  const gateway = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => gateway.close(() => r())));
  const url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
  const base = { summary: { create: 0, update: 0, delete: 0, cancel: 0, seriesDeleted: 0, skipped: 0, errors: 0 }, written: writtenSummary([]), runId: '1', resumedAfter: null, branches: [], failedBranches: [], exitCode: 0 as const };
  const planOf = (mode: 'apply' | 'plan') => ({ now: new Date(NOW).toISOString(), mode, configDigest: 'd', branches: [], problems: [], warnings: [], seriesVersions: {} });

  const rows = [
    { name: 'a failed run: pushed without the last-success gauge, so the gateway keeps the last good time', mode: 'apply' as const, outcome: 'failed' as const, lastSuccess: false, runs: 1, plans: 0 },
    { name: 'a successful run: pushed with the last-success gauge', mode: 'apply' as const, outcome: 'succeeded' as const, lastSuccess: true, runs: 1, plans: 0 },
    { name: 'a plan-only run: counted as a plan, not as a succeeded run, and no last-success time', mode: 'plan' as const, outcome: 'succeeded' as const, lastSuccess: false, runs: 0, plans: 1 },
  ];
  for (const row of rows) {
    t.test(row.name, async (t) => {
      received.length = 0;
      const metrics = createMetrics({ version: '1.2.3' });
      recordRun(metrics, { ...base, plan: planOf(row.mode), runId: row.mode === 'plan' ? null : '1', outcome: row.outcome } as ReconcileResult, 0.5, NOW);
      await pushMetrics(url, metrics.registry, 'classctl-reconcile');
      t.equal(received.length, 1);
      t.equal(received[0]!.method, 'POST', 'push-add is POST (PUT would replace the whole group)');
      t.equal(received[0]!.url, '/metrics/job/classctl-reconcile');
      t.equal(sample(received[0]!.body, `classctl_reconcile_runs_total{result="${row.outcome}"}`), row.runs);
      t.equal(sample(received[0]!.body, `classctl_plans_total{result="${row.outcome}"}`), row.plans);
      t.equal(sample(received[0]!.body, 'classctl_last_success_timestamp_seconds'), row.lastSuccess ? NOW / 1000 : undefined);
      t.match(await metrics.registry.metrics(), /classctl_last_success_timestamp_seconds/, 'the registry itself is left whole');
    });
  }

  t.test('a gateway error is reported', async (t) => {
    const failing = createServer((_req, res) => res.writeHead(500).end('down'));
    await new Promise<void>((r) => failing.listen(0, '127.0.0.1', r));
    t.teardown(() => new Promise<void>((r) => failing.close(() => r())));
    const metrics = createMetrics();
    await t.rejects(pushMetrics(`http://127.0.0.1:${(failing.address() as AddressInfo).port}`, metrics.registry, 'job'), /500/);
  });
});

t.test('the alert rules in docs/observability.md pass `promtool check rules` and use only metrics that exist', async (t) => {
  const doc = readFileSync(new URL('../../docs/observability.md', import.meta.url), 'utf8');
  const rules = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
  t.ok(rules, 'the doc has a rules block');
  const dir = mkdtempSync(join(tmpdir(), 'classctl-rules-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'rules.yml'), rules!);
  const r = spawnSync('promtool', ['check', 'rules', join(dir, 'rules.yml')], { encoding: 'utf8' });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return toolMissing(t, 'promtool', 'promtool check rules', 'apt-get install prometheus');
  t.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  const exposed = await createMetrics().registry.metrics();
  for (const name of new Set(rules!.match(/classctl_[a-z_]+/g) ?? [])) {
    t.match(exposed, new RegExp(`^# TYPE ${name.replace(/_(bucket|count|sum)$/, '')} `, 'm'), `${name} is a real metric`);
  }
});
