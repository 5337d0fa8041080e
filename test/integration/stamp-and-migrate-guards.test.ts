// `env set` and `migrate` write too: changing a stamp, or migrating a stamped
// database, passes the same guards as an apply. Real PostgreSQL, in-process CLI.
import t from 'tap';
import { openDatabase } from '../../controller/store/database.js';
import { migrate } from '../../controller/store/migrate.js';
import { getSetting, setSetting } from '../../controller/store/settings.js';
import { runClassctlInProcess } from '../helpers/cli.js';
import { freshPostgresDatabase, requirePostgres } from '../helpers/db.js';
import { CONFIG_DIR } from '../faults/harness.js';

interface Row {
  name: string;
  /** The stamp before; undefined: migrated, unstamped; 'fresh': not even migrated. */
  stamp?: string | 'fresh';
  args: string[];
  env?: NodeJS.ProcessEnv;
  exit: number;
  /** The stamp after. */
  after?: string | null;
  code?: string;
}

const rows: Row[] = [
  { name: 'env set: the first stamp needs no flag', args: ['env', 'set', 'staging'], exit: 0, after: 'staging' },
  { name: 'env set: the same stamp again is a no-op, allowed in production', stamp: 'production', args: ['env', 'set', 'production'], exit: 0, after: 'production' },
  { name: 'env set: re-stamping production without CLASSCTL_ALLOW_APPLY is refused', stamp: 'production', args: ['env', 'set', 'staging'], exit: 3, after: 'production', code: 'GUARD_PRODUCTION' },
  { name: 'env set: re-stamping production with CLASSCTL_ALLOW_APPLY=true is allowed', stamp: 'production', args: ['env', 'set', 'staging'], env: { CLASSCTL_ALLOW_APPLY: 'true' }, exit: 0, after: 'staging' },
  { name: 'env set: re-stamping while --env names another environment is refused, even with the flag', stamp: 'staging', args: ['--env', 'qa', 'env', 'set', 'qa'], env: { CLASSCTL_ALLOW_APPLY: 'true' }, exit: 3, after: 'staging', code: 'GUARD_ENVIRONMENT' },
  { name: 'env set: re-stamping staging with a matching --env is allowed', stamp: 'staging', args: ['--env', 'staging', 'env', 'set', 'qa'], exit: 0, after: 'qa' },
  { name: 'migrate: a fresh database with CLASSCTL_ENV set is migrated (nothing stamped yet)', stamp: 'fresh', args: ['migrate'], env: { CLASSCTL_ENV: 'production' }, exit: 0, after: null },
  { name: 'migrate: a production database without CLASSCTL_ALLOW_APPLY is refused', stamp: 'production', args: ['migrate'], exit: 3, after: 'production', code: 'GUARD_PRODUCTION' },
  { name: 'migrate: a production database with CLASSCTL_ALLOW_APPLY=true is migrated', stamp: 'production', args: ['migrate'], env: { CLASSCTL_ALLOW_APPLY: 'true' }, exit: 0, after: 'production' },
  { name: 'migrate: --env differing from the stamp is refused', stamp: 'staging', args: ['--env', 'production', 'migrate'], exit: 3, after: 'staging', code: 'GUARD_ENVIRONMENT' },
];

if (requirePostgres(t)) {
  for (const row of rows) {
    t.test(row.name, async (t) => {
      const url = await freshPostgresDatabase(t);
      const db = await openDatabase({ url });
      t.teardown(() => db.close());
      if (row.stamp !== 'fresh') await migrate(db);
      if (row.stamp && row.stamp !== 'fresh') await setSetting(db, 'environment', row.stamp);
      const r = await runClassctlInProcess({ ...row.env }, '--log-level', 'silent', '--database', url, ...row.args);
      t.equal(r.code, row.exit, r.err);
      t.equal(await getSetting(db, 'environment'), row.after ?? null);
      if (row.code) {
        t.match(r.err, row.code === 'GUARD_PRODUCTION' ? /stamped "production" and CLASSCTL_ALLOW_APPLY is not "true"/ : /expects environment .* but the database is stamped/);
        t.notMatch(r.err, /env set/, 'the refusal does not suggest re-stamping the database');
      }
    });
  }

  t.test('the environment refusal of an apply does not suggest `classctl env set`', async (t) => {
    const url = await freshPostgresDatabase(t);
    const db = await openDatabase({ url });
    t.teardown(() => db.close());
    await migrate(db);
    await setSetting(db, 'environment', 'production');
    const r = await runClassctlInProcess({}, '--log-level', 'silent', '--database', url, '--config', CONFIG_DIR, '--env', 'staging', 'reconcile', '--apply');
    t.equal(r.code, 3);
    t.match(r.err, /expects environment "staging".*stamped "production".*--database/);
    t.notMatch(r.err, /env set/);
  });
}
