// The store commands end to end, in-process: migrate, load, snapshot, env —
// on the embedded database in ./.classctl/ (of a temporary working directory)
// and on PostgreSQL through DATABASE_URL.
import t, { type Test } from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runClassctlInProcess } from '../helpers/cli.js';
import { listMigrations } from '../../controller/store/migrate.js';
import type { Snapshot } from '../../controller/store/snapshot.js';
import { freshPostgresDatabase, requirePostgres } from '../helpers/db.js';

const DEMO = fileURLToPath(new URL('../../examples/demo.yaml', import.meta.url));

const classctl = (env: NodeJS.ProcessEnv, ...args: string[]) => runClassctlInProcess(env, '--log-level', 'silent', ...args);

const BAD_FILE = `
branches:
  - id: downtown
    name: Downtown
    timezone: America/New_York
series:
  - id: downtown-yoga-mon
    branchId: downtown
    title: Yoga Flow
    rrule: FREQ=WEEKLY;BYDAY=MO
    startDate: "2026-09-07"
    startTime: "07:00"
  - id: late-spin
    branchId: downtown
    title: Spin
    rrule: FREQ=WEEKLY;BYDAY=TU
    startDate: 2026-09-08
    startTime: "25:00"
    capacity: -4
`;

async function scenario(t: Test, env: NodeJS.ProcessEnv, dir: string, migratedOnOpen: boolean) {
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, BAD_FILE);
  const broken = join(dir, 'broken.yaml');
  writeFileSync(broken, 'branches: [\n');

  if (!migratedOnOpen) {
    const r = await classctl(env, 'load', DEMO);
    t.equal(r.code, 1, 'load on an unmigrated PostgreSQL database fails');
    t.match(r.err, /Run `classctl migrate`/);
  }
  const m1 = await classctl(env, 'migrate');
  t.equal(m1.code, 0);
  t.match(m1.out, new RegExp(listMigrations().map((m) => `Applied ${m.name}`).join('\\n')), 'migrate lists what it applied');
  const m2 = await classctl(env, 'migrate');
  t.match(m2.out, /the schema is up to date/, 'the second migrate applies nothing');

  const b = await classctl(env, 'load', bad);
  t.equal(b.code, 2, 'a file with bad rows exits 2');
  t.match(b.err, /bad\.yaml#\/series\/1\/startTime: series #1 "late-spin": startTime "25:00" is not a 24-hour local time/);
  t.match(b.err, /bad\.yaml#\/series\/1\/capacity: series #1 "late-spin": capacity -4 must be a whole number/);
  t.match(b.err, /2 problems in .*bad\.yaml\. Nothing was written\./);

  const y = await classctl(env, 'load', broken);
  t.equal(y.code, 2, 'unparsable YAML exits 2');
  t.match(y.err, /is not valid YAML or JSON/);

  const empty = JSON.parse((await classctl(env, 'snapshot', '--output', 'json')).out) as Snapshot;
  t.strictSame(empty, { branches: [], series: [], sessions: [], archivedSeries: [] }, 'nothing was written');

  const p = await classctl(env, 'load', DEMO);
  t.equal(p.code, 0, p.err);
  t.match(p.out, /Branches: 3 to add, 0 to change, 0 unchanged\. Series: 12 to add, 0 to change, 0 unchanged\./, 'load plans by default');
  t.match(p.out, /Nothing was written\. Run `classctl load .* --apply`/);
  t.strictSame(JSON.parse((await classctl(env, 'snapshot', '--output', 'json')).out), empty, 'the plan wrote nothing');
  const l = await classctl(env, 'load', DEMO, '--apply');
  t.equal(l.code, 0, l.err);
  t.match(l.out, /Loaded 3 branches \(3 written\) and 12 series \(12 written\)/);
  const l2 = await classctl(env, 'load', DEMO, '--apply');
  t.match(l2.out, /Branches: 0 to add, 0 to change, 3 unchanged\. Series: 0 to add, 0 to change, 12 unchanged\./);
  t.match(l2.out, /Loaded 3 branches \(0 written\) and 12 series \(0 written\)/, 'loading again writes nothing');

  const s1 = await classctl(env, 'snapshot', '--output', 'json');
  const s2 = await classctl(env, 'snapshot', '--output', 'json');
  t.equal(s1.out, s2.out, 'two snapshots are identical');
  const snap = JSON.parse(s1.out) as Snapshot;
  t.strictSame(snap.branches.map((x) => x.id), ['downtown', 'london-soho', 'sydney-cbd']);
  t.equal(snap.series.length, 12);
  t.match(snap.series.find((x) => x.id === 'downtown-yoga-mon'), { rrule: 'FREQ=WEEKLY;BYDAY=MO', startTime: '07:00', endDate: null });

  const text = await classctl(env, 'snapshot');
  t.match(text.out, /^Branches \(3\)\n\s+ID\s+NAME\s+TIMEZONE\n\s+downtown\s+Downtown\s+America\/New_York\n/);
  t.match(text.out, /Series \(12\)/);
  const badOutput = await classctl(env, 'snapshot', '--output', 'yaml');
  t.equal(badOutput.code, 2);

  t.match((await classctl(env, 'env', 'show')).out, /no environment set/);
  const set = await classctl(env, 'env', 'set', 'staging');
  t.equal(set.code, 0);
  t.match(set.out, /environment staging \(not set before\)/);
  t.match((await classctl(env, 'env', 'set', 'production')).out, /environment production \(was staging\)/);
  t.match((await classctl(env, 'env', 'show')).out, /environment production/);
  const invalid = await classctl(env, 'env', 'set', 'prod uction');
  t.equal(invalid.code, 2);
}

t.test('embedded database (./.classctl/pgdata of the working directory)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'classctl-cli-'));
  const cwd = process.cwd();
  process.chdir(dir);
  t.teardown(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  });
  await scenario(t, {}, dir, true);
  const env = await classctl({}, 'env', 'show');
  t.match(env.out, new RegExp(`^embedded:${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\.classctl/pgdata: `));
});

t.test('PostgreSQL (DATABASE_URL)', async (t) => {
  if (!requirePostgres(t)) return;
  const url = await freshPostgresDatabase(t);
  const dir = mkdtempSync(join(tmpdir(), 'classctl-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  await scenario(t, { DATABASE_URL: url }, dir, false);
});
