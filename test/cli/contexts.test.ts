// Contexts, end to end: two PostgreSQL databases, a contexts file naming
// them, and classctl run as a separate process, the way an operator runs it.
// Each command must reach the database its context (or a flag) names, and an
// apply in a context whose environment does not match the database's stamp
// is refused by the environment guard, writing nothing.
import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../controller/store/database.js';
import { setSetting } from '../../controller/store/settings.js';
import { migratedPostgresDatabase, requirePostgres } from '../helpers/db.js';
import { runClassctlProcess, REPO } from '../helpers/cli-process.js';
import { runClassctlInProcess } from '../helpers/cli.js';
import { loadInputs } from '../../controller/store/load.js';

const CONFIG_DIR = join(REPO, 'config');
const NOW = '2027-03-10T12:00:00Z';
const LOAD = {
  branches: [{ id: 'nyc', name: 'New York', timezone: 'America/New_York' }],
  series: [{ id: 'nyc-yoga', branchId: 'nyc', title: 'Yoga', rrule: 'FREQ=DAILY', startDate: '2027-03-01', endDate: '2027-03-20', startTime: '09:00' }],
};

/** The URL with a password the server does not ask for (trust authentication): it must never be printed. */
function withPassword(url: string): string {
  const u = new URL(url);
  u.password = 's3cret-pw';
  return u.toString();
}

async function count(db: Database, table: string): Promise<number> {
  const rows = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`);
  return Number(rows[0]!.n);
}

if (requirePostgres(t)) {
  t.test('contexts select the database, env and config of each command', async (t) => {
    const urlA = withPassword(await migratedPostgresDatabase(t));
    const urlB = await migratedPostgresDatabase(t);
    const dbA = await openDatabase({ url: urlA });
    const dbB = await openDatabase({ url: urlB });
    t.teardown(() => Promise.all([dbA.close(), dbB.close()]));
    await setSetting(dbA, 'environment', 'staging');
    await setSetting(dbB, 'environment', 'qa');

    const dir = mkdtempSync(join(tmpdir(), 'classctl-contexts-'));
    const contextsFile = join(dir, 'contexts.yaml');
    writeFileSync(
      contextsFile,
      [
        '# the operator\'s contexts',
        'current-context: a',
        'contexts:',
        `  a: { database: "${urlA}", env: staging, config: ${CONFIG_DIR} }`,
        `  b: { database-from-env: B_URL, env: qa, config: ${CONFIG_DIR} }`,
        `  wrong-env: { database: "${urlB}", env: staging, config: ${CONFIG_DIR} }`,
        '',
      ].join('\n'),
    );
    const env = { CLASSCTL_CONTEXTS: contextsFile, B_URL: urlB };
    const run = (...args: string[]) => runClassctlProcess(env, ...args);

    await loadInputs(dbA, LOAD);
    await loadInputs(dbB, LOAD);

    t.test('current-context: reconcile --apply writes to its database only', async (t) => {
      const applied = await run('reconcile', '--apply', '--now', NOW, '--allow-now-skew');
      t.equal(applied.code, 0, applied.err);
      t.match(applied.err.split('\n')[0], /^Context: a · Database: postgres:\/\/postgres:\*\*\*\*@127\.0\.0\.1:\d+\/\S+ · env: staging$/, 'the header line comes first, on stderr');
      t.ok((await count(dbA, 'class_sessions')) > 0, "sessions in the context's database");
      t.equal(await count(dbB, 'class_sessions'), 0, 'nothing in the other database');
      t.notMatch(applied.out + applied.err, 's3cret-pw', 'the password is printed nowhere');
    });

    t.test('--context overrides current-context (its database read from database-from-env)', async (t) => {
      const planned = await run('--context', 'b', 'reconcile', '--now', NOW, '--output', 'json');
      t.equal(planned.code, 0, planned.err);
      t.match(planned.err, `Context: b · Database: ${urlB} · env: qa`);
      const plan = JSON.parse(planned.out); // stdout is the JSON alone
      t.ok(plan.changes.length > 0, 'b has its sessions still to create: the plan is about b, not a');
    });

    t.test('flags override the context, one option at a time', async (t) => {
      const refused = await run('--database', urlB, 'reconcile', '--apply', '--now', NOW, '--allow-now-skew');
      t.equal(refused.code, 3, 'refused: --database wins, but the env still comes from context a (staging), and b is stamped qa');
      t.match(refused.err, `Context: a · Database: ${urlB} · env: qa (expected staging: writes are refused)`);
      t.equal(await count(dbB, 'class_sessions'), 0, 'nothing written');
      const allowed = await run('--database', urlB, '--env', 'qa', 'reconcile', '--apply', '--now', NOW, '--allow-now-skew');
      t.equal(allowed.code, 0, `--env overrides the context's env too: ${allowed.err}`);
      t.ok((await count(dbB, 'class_sessions')) > 0, "written to the flag's database");
    });

    t.test('a context whose env does not match the stamp is refused (exit 3) and writes nothing', async (t) => {
      const before = { runs: await count(dbB, 'reconcile_runs'), series: await dbB.query(`SELECT * FROM class_series`), sessions: await dbB.query(`SELECT * FROM class_sessions ORDER BY id`) };
      const refused = await run('--context', 'wrong-env', 'reconcile', '--apply', '--now', '2027-03-11T12:00:00Z', '--allow-now-skew');
      t.equal(refused.code, 3, refused.err);
      t.match(refused.err, /expects environment "staging" .* stamped "qa"/);
      t.equal(await count(dbB, 'reconcile_runs'), before.runs, 'no run journaled');
      t.same(await dbB.query(`SELECT * FROM class_series`), before.series, 'series untouched');
      t.same(await dbB.query(`SELECT * FROM class_sessions ORDER BY id`), before.sessions, 'sessions untouched');
    });

    t.test('context show hides the password', async (t) => {
      const shown = await run('context', 'show');
      t.equal(shown.code, 0, shown.err);
      t.match(shown.out, /Name: +a \(current\)/);
      t.match(shown.out, /Database: +postgres:\/\/postgres:\*\*\*\*@/);
      t.notMatch(shown.out, 's3cret-pw');
    });

    // In-process from here: the same main() with the same environment, without a process start each.
    const inProcess = (...args: string[]) => runClassctlInProcess(env, '--log-level', 'warn', ...args);

    t.test('context list hides the password; use switches current-context and writes only the file', async (t) => {
      const listed = await inProcess('context', 'list');
      t.match(listed.out, /^\* +a +postgres:\/\/postgres:\*\*\*\*@/m, 'the current one is starred');
      t.match(listed.out, /^ +b +\$B_URL \(postgres:\/\/postgres@/m, 'a context reading a variable says which');
      t.notMatch(listed.out, 's3cret-pw');

      const runsA = await count(dbA, 'reconcile_runs');
      const used = await inProcess('context', 'use', 'b');
      t.equal(used.code, 0, used.err);
      t.match(readFileSync(contextsFile, 'utf8'), /^current-context: b$/m);
      t.match(readFileSync(contextsFile, 'utf8'), /^# the operator's contexts$/m, 'comments kept');
      t.equal(await count(dbA, 'reconcile_runs'), runsA, 'no database written');
      const planned = await inProcess('reconcile', '--now', NOW);
      t.match(planned.err, /^Context: b · /, 'the next command runs in b');
      const unknown = await inProcess('context', 'use', 'nope');
      t.equal(unknown.code, 2, 'an unknown context is a usage error');
      t.match(unknown.err, /No context "nope": .* defines a, b, wrong-env/);
    });

    t.test('every plan and apply prints its context and database first, on stderr', async (t) => {
      const dir2 = mkdtempSync(join(tmpdir(), 'classctl-header-'));
      const planFile = join(dir2, 'plan.json');
      const loadFile = join(dir2, 'load.json');
      writeFileSync(loadFile, JSON.stringify(LOAD));
      const saved = await inProcess('--context', 'a', 'reconcile', '--now', NOW, '--out', planFile);
      t.equal(saved.code, 0, saved.err);
      const header = /^Context: a · Database: postgres:\/\/postgres:\*\*\*\*@127\.0\.0\.1:\d+\/\S+ · env: staging$/;
      const rows = [
        { name: 'reconcile --output json (stdout stays the JSON alone)', args: ['reconcile', '--now', NOW, '--output', 'json'], code: 0, json: true },
        { name: 'apply PLANFILE', args: ['apply', planFile, '--allow-now-skew'], code: 0 },
        { name: 'load FILE (a plan)', args: ['load', loadFile], code: 0 },
        { name: 'simulate', args: ['simulate', '--from', NOW, '--to', NOW], code: 0 },
        { name: 'demo with --context: the context names the database, which holds more than the demo (refused)', args: ['demo'], code: 3 },
      ];
      for (const row of rows) {
        const r = await inProcess('--context', 'a', ...row.args);
        t.equal(r.code, row.code, `${row.name}: exit ${row.code} (${r.err.split('\n').slice(0, 3).join(' | ')})`);
        t.match(r.err.split('\n')[0], header, `${row.name}: the first line on stderr`);
        t.notMatch(r.out + r.err, 's3cret-pw', `${row.name}: no password anywhere`);
        if (row.json) t.doesNotThrow(() => JSON.parse(r.out), `${row.name}: stdout parses as JSON`);
      }
    });

    t.test('an invalid contexts file stops every command with exit 2 and the pointer', async (t) => {
      const broken = join(dir, 'broken.yaml');
      writeFileSync(broken, 'contexts:\n  a: { databse: postgres://h/d }\n');
      const r = await runClassctlInProcess({ CLASSCTL_CONTEXTS: broken }, 'reconcile', '--now', NOW);
      t.equal(r.code, 2);
      t.match(r.err, `Contexts file ${broken} at /contexts/a/databse: unknown field "databse"`);
    });
  });
}
