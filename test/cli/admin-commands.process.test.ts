// The administrator's commands as separate processes (bin/classctl.js, the
// compiled CLI) against real PostgreSQL: a targeted apply writes its branch
// and leaves every other branch's rows byte-identical; a simulation without
// --apply leaves the whole database byte-identical; an option given a value
// it does not take exits 2 naming the option and the values it takes.
import t from 'tap';
import { requirePostgres } from '../helpers/db.js';
import { runClassctlProcess } from '../helpers/cli-process.js';
import { dumpTables } from '../helpers/table-dump.js';
import { CONFIG_DIR, NOW_ISO, demoDatabase } from '../faults/harness.js';
import type { Database } from '../../controller/store/database.js';

const WEEK_LATER = new Date(Date.parse(NOW_ISO) + 7 * 86_400_000).toISOString();

/** Every session row of the branches other than `branch`, as text. */
async function otherBranchesSessions(db: Database, branch: string): Promise<string[]> {
  const rows = await db.query<{ r: string }>(`SELECT to_jsonb(s)::text AS r FROM class_sessions AS s WHERE branch_id <> $1 ORDER BY id`, [branch]);
  return rows.map((x) => x.r);
}

async function sessionsOf(db: Database, branch: string): Promise<number> {
  const [r] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM class_sessions WHERE branch_id = $1`, [branch]);
  return r!.n;
}

if (requirePostgres(t)) {
  t.test('a targeted apply writes its branch only; the other branches stay byte-identical', async (t) => {
    const { url, db } = await demoDatabase(t);
    const apply = (now: string, ...extra: string[]) =>
      runClassctlProcess({}, 'reconcile', '--apply', '--now', now, '--allow-now-skew', '--database', url, '--config', CONFIG_DIR, ...extra);

    // Every branch gets its sessions first, so "untouched" is about rows, not an empty table.
    const whole = await apply(NOW_ISO);
    t.equal(whole.code, 0, whole.err);
    const before = await otherBranchesSessions(db, 'downtown');
    t.ok(before.length > 0, 'the other branches have sessions');
    const downtownBefore = await sessionsOf(db, 'downtown');

    // A week later the horizon has moved for every branch; only downtown is reconciled.
    const targeted = await apply(WEEK_LATER, '--branch', 'downtown');
    t.equal(targeted.code, 0, targeted.err);
    t.match(targeted.err, /Context: .*Database: /, 'the header names the database first');
    t.ok((await sessionsOf(db, 'downtown')) > downtownBefore, 'the targeted branch gets the sessions of its new days');
    t.same(await otherBranchesSessions(db, 'downtown'), before, 'every other branch is byte-identical');

    const unknown = await apply(WEEK_LATER, '--branch', 'nosuch');
    t.equal(unknown.code, 2, 'an unknown branch is a usage error');
    t.match(unknown.err, /nosuch/);
  });

  t.test('simulate without --apply leaves the database byte-identical', async (t) => {
    const { url, db } = await demoDatabase(t);
    const before = await dumpTables(db);
    const r = await runClassctlProcess({}, 'simulate', '--from', '2027-03-06T00:00:00Z', '--to', '2027-03-09T00:00:00Z', '--every', '12h', '--database', url, '--config', CONFIG_DIR);
    t.equal(r.code, 0, r.err);
    t.match(r.out, /2027-03-08/, 'it prints the ticks it simulated');
    t.same(await dumpTables(db), before, 'every row of every table and every sequence is unchanged');
  });
}

const badValues: Array<{ name: string; args: string[]; option: RegExp; allowed: RegExp }> = [
  { name: '--config-source k8s', args: ['--config-source', 'k8s', 'validate'], option: /k8s/, allowed: /files, kubernetes/ },
  { name: '--log-level bogus', args: ['--log-level', 'bogus', 'validate'], option: /bogus/, allowed: /trace/ },
  { name: 'runs --limit 0', args: ['runs', '--limit', '0'], option: /--limit/, allowed: /1 to 1000|whole number/ },
  { name: 'snapshot --output yaml', args: ['snapshot', '--output', 'yaml'], option: /yaml/, allowed: /text, json/ },
  { name: 'simulate --every 90 (no unit)', args: ['simulate', '--from', '2027-03-01T00:00:00Z', '--to', '2027-03-02T00:00:00Z', '--every', '90'], option: /--every/, allowed: /1h|PT1H|30m/ },
  { name: 'simulate --from a date without a time', args: ['simulate', '--from', '2027-03-12', '--to', '2027-03-13T00:00:00Z'], option: /--from/, allowed: /ISO/ },
];

for (const row of badValues) {
  t.test(`an invalid option value exits 2 naming it: ${row.name}`, async (t) => {
    // No database is opened: the value is refused before the command runs.
    const r = await runClassctlProcess({}, '--config', CONFIG_DIR, ...row.args);
    t.equal(r.code, 2, r.err);
    t.match(r.err, row.option, 'the message names the option or its value');
    t.match(r.err, row.allowed, 'and says what it accepts');
  });
}
