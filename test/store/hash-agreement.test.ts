// Series digests can only match where the database hashes as this process
// does. Where it does not, the operator is told once, and runs go on.
import t from 'tap';
import { openDatabase } from '../../controller/store/database.js';
import { serverHashesAgree } from '../../controller/store/hash-agreement.js';
import { createLogger } from '../../controller/runtime/logger.js';
import { SERVER_HASHES_DIFFER, warnIfServerHashesDiffer } from '../../controller/runtime/server-hashes.js';
import { eachBackend } from '../helpers/backends.js';
import { latin1PostgresDatabase, requirePostgres } from '../helpers/db.js';

/** A logger whose JSON lines are kept. */
function capturedLogger(level = 'warn') {
  const lines: Array<Record<string, unknown>> = [];
  const destination = { write: (s: string) => (lines.push(...s.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)), true) };
  return { lines, logger: createLogger({ level, destination: destination as unknown as NodeJS.WritableStream, env: {} }) };
}

eachBackend(t, 'a UTF-8 database hashes as this process does: no warning', async (t, db) => {
  t.equal(await serverHashesAgree(db), true);
  const { lines, logger } = capturedLogger();
  await warnIfServerHashesDiffer(db, logger);
  t.same(lines, []);
});

t.test('a LATIN1 database hashes non-ASCII text otherwise: one warning per process, and the check still answers', async (t) => {
  if (!requirePostgres(t)) return;
  const db = await openDatabase({ url: await latin1PostgresDatabase(t) });
  t.teardown(() => db.close());
  t.equal(await serverHashesAgree(db), false);
  const { lines, logger } = capturedLogger();
  await warnIfServerHashesDiffer(db, logger);
  await warnIfServerHashesDiffer(db, logger);
  t.equal(lines.length, 1, 'told once, not at every run of the process');
  t.equal(lines[0]!.code, 'DB_HASHES_DIFFER');
  t.equal(lines[0]!.msg, SERVER_HASHES_DIFFER);
  t.match(lines[0]!.msg, /Runs stay correct, only slower/);
});

t.test('a check that fails (its connection is gone) warns nothing and does not fail the run', async (t) => {
  if (!requirePostgres(t)) return;
  const db = await openDatabase({ url: await latin1PostgresDatabase(t) });
  await db.close();
  const { lines, logger } = capturedLogger('debug');
  await warnIfServerHashesDiffer(db, logger);
  t.same(lines.map((l) => l.level), [20], 'one debug line, no warning');
  t.match(lines[0]!.msg, /^Checking the database's hash functions failed \(.+\); the next run checks again\.$/);
});
