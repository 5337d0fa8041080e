// The demo writes only to the embedded database, or to a database named with
// --database that holds nothing but the demo's rows; DATABASE_URL is ignored.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { setSetting } from '../../controller/store/settings.js';
import { takeSnapshot } from '../../controller/store/snapshot.js';
import { runClassctlInProcess } from '../helpers/cli.js';
import { migratedPostgresDatabase, requirePostgres } from '../helpers/db.js';
import { CONFIG_DIR, DEMO_FILE, NOW_ISO } from '../faults/harness.js';

const REAL = {
  branches: [{ id: 'downtown', name: 'Downtown (real)', timezone: 'America/New_York' }],
  series: [{ id: 'real-pilates', branchId: 'downtown', title: 'Pilates', rrule: 'FREQ=WEEKLY;BYDAY=TU', startDate: '2026-11-03', startTime: '08:00' }],
};

interface Row {
  name: string;
  /** What the --database / DATABASE_URL database holds before. */
  holds: 'empty' | 'real' | 'demo';
  stamp?: string;
  /** How the database is named: the flag, or only the environment variable. */
  via: '--database' | 'DATABASE_URL';
  exit: number;
  /** Whether the named PostgreSQL database is written. */
  writesPostgres: boolean;
  out?: RegExp;
  err?: RegExp;
}

const rows: Row[] = [
  { name: 'DATABASE_URL alone is ignored: the demo runs on the embedded database and says so', holds: 'real', via: 'DATABASE_URL', exit: 0, writesPostgres: false, out: /Database: embedded:.*\(embedded\)\nDATABASE_URL is ignored by the demo/ },
  { name: '--database naming a database with other series is refused, naming them', holds: 'real', via: '--database', exit: 3, writesPostgres: false, err: /Refusing to run the demo on postgres:.*series real-pilates/ },
  { name: '--database naming an empty migrated database runs the demo there', holds: 'empty', via: '--database', exit: 0, writesPostgres: true, out: /Applied \(run \d+\)/ },
  { name: '--database naming a database holding only the demo\'s rows runs again', holds: 'demo', via: '--database', exit: 0, writesPostgres: true },
  { name: '--database naming an empty production-stamped database is refused without CLASSCTL_ALLOW_APPLY', holds: 'empty', stamp: 'production', via: '--database', exit: 3, writesPostgres: false, err: /Refusing to run the demo: the database is stamped "production"/ },
];

if (requirePostgres(t)) {
  for (const row of rows) {
    t.test(row.name, async (t) => {
      const url = await migratedPostgresDatabase(t);
      const db: Database = await openDatabase({ url });
      t.teardown(() => db.close());
      if (row.holds === 'real') await loadInputs(db, REAL);
      if (row.holds === 'demo') {
        const first = await runClassctlInProcess({}, '--log-level', 'silent', '--database', url, '--config', CONFIG_DIR, 'demo', '--file', DEMO_FILE, '--now', NOW_ISO);
        t.equal(first.code, 0, first.err);
      }
      if (row.stamp) await setSetting(db, 'environment', row.stamp);
      const before = await takeSnapshot(db);
      const dir = mkdtempSync(join(tmpdir(), 'classctl-demo-'));
      const cwd = process.cwd();
      process.chdir(dir);
      t.teardown(() => {
        process.chdir(cwd);
        rmSync(dir, { recursive: true, force: true });
      });
      const env = row.via === 'DATABASE_URL' ? { DATABASE_URL: url } : {};
      const flag = row.via === '--database' ? ['--database', url] : [];
      const r = await runClassctlInProcess(env, '--log-level', 'silent', ...flag, '--config', CONFIG_DIR, 'demo', '--file', DEMO_FILE, '--now', NOW_ISO);
      t.equal(r.code, row.exit, r.err);
      if (row.out) t.match(r.out, row.out);
      if (row.err) t.match(r.err, row.err);
      const after = await takeSnapshot(db);
      if (row.writesPostgres) t.ok(after.sessions.length > 0 && after.series.length === 12, 'the demo ran on the named database');
      else t.same(after, before, 'the PostgreSQL database is untouched');
    });
  }
}
