// Several transaction scripts sent at once: each its own transaction, run in
// order; the first that fails is rolled back and stops the rest, the ones
// before it stay committed. On PostgreSQL only the last commit waits for the
// disk (it waits for the ones before it too), so the message is durable once
// answered.
import t from 'tap';
import { eachBackend } from '../helpers/backends.js';

const TABLE = 'transaction_scripts_probe';

const insert = (n: number) => `INSERT INTO ${TABLE} (n, waits_for_disk) VALUES (${n}, current_setting('synchronous_commit'))`;

eachBackend(t, 'scripts sent at once: each its own transaction, only the last one waiting for the disk', async (t, db, backend) => {
  await db.query(`CREATE TABLE ${TABLE} (n int PRIMARY KEY, waits_for_disk text NOT NULL)`);
  t.teardown(() => db.query(`DROP TABLE IF EXISTS ${TABLE}`));
  const [server] = await db.query<{ setting: string }>(`SELECT current_setting('synchronous_commit') AS setting`);
  await db.transactionScripts([[insert(1)], [insert(2)], [insert(3)]]);
  const rows = await db.query<{ n: number; waits_for_disk: string }>(`SELECT n, waits_for_disk FROM ${TABLE} ORDER BY n`);
  const expected = backend === 'postgres' ? ['off', 'off', server!.setting] : [server!.setting, server!.setting, server!.setting];
  t.same(rows.map((r) => r.n), [1, 2, 3], 'all three committed');
  t.same(rows.map((r) => r.waits_for_disk), expected, backend === 'postgres' ? 'the first two commit without waiting; the last waits as the server says' : 'in process: every commit as the database says');
});

eachBackend(t, 'the first script that fails is rolled back and stops the ones after it; the ones before it stay', async (t, db) => {
  await db.query(`CREATE TABLE ${TABLE} (n int PRIMARY KEY, waits_for_disk text NOT NULL)`);
  t.teardown(() => db.query(`DROP TABLE IF EXISTS ${TABLE}`));
  await t.rejects(db.transactionScripts([[insert(1)], [insert(2), insert(1)], [insert(3)]]), { code: '23505' }, 'the duplicate in the second script fails the message');
  const rows = await db.query<{ n: number }>(`SELECT n FROM ${TABLE} ORDER BY n`);
  t.same(rows.map((r) => r.n), [1], 'the first script committed; the second rolled back whole; the third never ran');
  await db.transactionScripts([[insert(2)]]);
  t.same((await db.query<{ n: number }>(`SELECT n FROM ${TABLE} ORDER BY n`)).map((r) => r.n), [1, 2], 'and the database is usable after');
});
