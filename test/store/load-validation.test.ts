// `classctl load` against a real database: a rule every run would refuse is
// refused by load (exit 2, nothing written, the row's pointer named), and a
// series naming an unknown branch is reported in the same pass as the file's
// other problems — known branches being the file's own and the database's.
import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInputs } from '../../controller/store/load.js';
import { readSeries } from '../../controller/store/inputs.js';
import { openDatabase } from '../../controller/store/database.js';
import { migrate } from '../../controller/store/migrate.js';
import { runClassctlInProcess } from '../helpers/cli.js';
import { freshPostgresDatabase, requirePostgres } from '../helpers/db.js';
import { forEachBackend } from './helpers.js';

const BRANCH = { id: 'downtown', name: 'Downtown', timezone: 'America/New_York' };
const SERIES = {
  id: 'yoga', branchId: 'downtown', title: 'Yoga', rrule: 'FREQ=WEEKLY;BYDAY=MO',
  startDate: '2026-09-07', startTime: '07:00',
};

t.test('load exits 2 naming /series/3/rrule for each rule a run would refuse [postgres]', async (t) => {
  if (!requirePostgres(t)) return;
  const url = await freshPostgresDatabase(t);
  const db = await openDatabase({ url });
  await migrate(db);
  await db.close();
  const dir = mkdtempSync(join(tmpdir(), 'classctl-load-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const rules = [
    'FREQ=MONTHLY;BYDAY=0MO', 'FREQ=MONTHLY;BYDAY=59MO', 'FREQ=WEEKLY;BYDAY=2MO', 'FREQ=MONTHLY;BYSETPOS=1',
    'FREQ=DAILY;BYDAY=1MO', 'FREQ=WEEKLY;BYYEARDAY=100', 'FREQ=DAILY;UNTIL=20261399', 'FREQ=DAILY;UNTIL=20270230',
  ];
  for (const rrule of rules) {
    await t.test(rrule, async (t) => {
      const file = join(dir, 'series.json');
      const series = ['a', 'b', 'c'].map((id) => ({ ...SERIES, id })).concat({ ...SERIES, id: 'bad', rrule });
      writeFileSync(file, JSON.stringify({ branches: [BRANCH], series }));
      const r = await runClassctlInProcess({ DATABASE_URL: url }, '--log-level', 'silent', 'load', file);
      t.equal(r.code, 2, 'exit 2: invalid input');
      t.match(r.err, /series\.json#\/series\/3\/rrule: series #3 "bad": rrule /);
      t.match(r.err, /Nothing was written\./);
      t.notMatch(r.err, /\n\s+at /, 'no stack trace');
    });
  }
  const check = await openDatabase({ url });
  t.strictSame(await readSeries(check), [], 'no series was stored');
  await check.close();
});

t.test('an unknown branchId is reported with the file\'s other problems', async (t) => {
  forEachBackend(t, [{ name: 'one pass' }], async (t, db) => {
    await db.query(`INSERT INTO branches (id, name, timezone) VALUES ('uptown', 'Uptown', 'America/New_York')`);
    const r = await loadInputs(db, {
      branches: [BRANCH],
      series: [
        { ...SERIES, id: 'bad-rule-unknown-branch', branchId: 'midtown', rrule: 'FREQ=WEEKLY;BYDAY=2MO' },
        { ...SERIES, id: 'valid-unknown-branch', branchId: 'harbour' },
        { ...SERIES, id: 'branch-of-the-file', startTime: '25:00' },
        { ...SERIES, id: 'branch-of-the-database', branchId: 'uptown' },
      ],
    });
    t.strictSame(
      r.problems.map((p) => p.pointer),
      ['/series/0/rrule', '/series/2/startTime', '/series/0/branchId', '/series/1/branchId'],
      'the rule, the time and both unknown branches at once; the database\'s branch is known',
    );
    t.match(r.problems[2]!.message, /series #0 "bad-rule-unknown-branch": branchId "midtown" names no branch of this file or of the database/);
    t.strictSame(await readSeries(db), [], 'nothing written');
  });
});
