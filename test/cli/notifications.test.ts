// End to end through the CLI: booked sessions cancelled by `reconcile --apply`
// are delivered, signed, to a NotificationDestination of the config directory
// before the command exits; `notifications` lists the outbox, and
// `notifications retry` puts a dead delivery back to pending.
import t from 'tap';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { openDatabase } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { runClassctlInProcess } from '../helpers/cli.js';
import { migratedPostgresDatabase, requirePostgres } from '../helpers/db.js';

const NOW = '2027-03-01T00:00:00Z';
const SECRET = 'whsec_' + Buffer.from('the end-to-end secret, 32 bytes!').toString('base64');
const series = (endDate: string) => ({ id: 'yoga', branchId: 'downtown', title: 'Yoga', rrule: 'FREQ=DAILY', startDate: '2027-03-02', endDate, startTime: '09:00' });

t.test('reconcile --apply delivers booked-session cancellations before it exits', async (t) => {
  if (!requirePostgres(t)) return;
  const url = await migratedPostgresDatabase(t);
  const db = await openDatabase({ url });
  t.teardown(() => db.close());

  const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));

  const dir = mkdtempSync(join(tmpdir(), 'classctl-notify-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(new URL('../../config/', import.meta.url).pathname, dir, { recursive: true });
  writeFileSync(
    join(dir, 'notify-ops.yaml'),
    [
      'apiVersion: scheduling.classctl.dev/v1',
      'kind: NotificationDestination',
      'metadata: { name: ops }',
      'spec:',
      '  type: webhook',
      `  url: http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
      '  secretFrom: { env: CLASSCTL_TEST_WEBHOOK_SECRET }',
      '  eventTypes: [session.cancelled]',
      '',
      '---',
      'apiVersion: scheduling.classctl.dev/v1',
      'kind: NotificationDestination',
      'metadata: { name: broken }',
      'spec: { type: slack }',
      '',
    ].join('\n'),
  );
  const env = { CLASSCTL_CONTEXTS: '', DATABASE_URL: url, CLASSCTL_TEST_WEBHOOK_SECRET: SECRET };
  const cli = (...args: string[]) => runClassctlInProcess(env, '--log-level', 'silent', '--config', dir, ...args);

  await loadInputs(db, { branches: [{ id: 'downtown', name: 'Downtown', timezone: 'America/New_York' }], series: [series('2027-03-10')] });
  let r = await cli('reconcile', '--apply', '--now', NOW, '--allow-now-skew');
  t.equal(r.code, 0, r.err);
  t.equal(received.length, 0, 'creating sessions tells nobody');
  await db.query(`UPDATE class_sessions SET booked_count = 2 WHERE occurrence_key > '2027-03-07'`);

  await loadInputs(db, { branches: [{ id: 'downtown', name: 'Downtown', timezone: 'America/New_York' }], series: [series('2027-03-07')] });
  r = await cli('reconcile', '--apply', '--now', NOW, '--allow-now-skew');
  t.equal(r.code, 0, r.err);
  const bodies = received.map((x) => JSON.parse(x.body));
  t.strictSame(bodies.map((b) => [b.type, b.data.occurrenceKey, b.data.bookedCount]).sort(), [
    ['session.cancelled', '2027-03-08', 2],
    ['session.cancelled', '2027-03-09', 2],
    ['session.cancelled', '2027-03-10', 2],
  ]);
  for (const x of received) {
    const real = Date.now;
    Date.now = () => Number(x.headers['webhook-timestamp']) * 1000;
    try {
      t.ok(new Webhook(SECRET).verify(x.body, x.headers as Record<string, string>), 'signed with the secret from the environment');
    } finally {
      Date.now = real;
    }
  }

  r = await cli('notifications', '--output', 'json');
  t.equal(r.code, 0, r.err);
  const state = JSON.parse(r.out);
  t.equal(state.deliveries.length, 3);
  t.ok(state.deliveries.every((d: { status: string; destination: string }) => d.status === 'delivered' && d.destination === 'ops'));

  const dead = bodies[0].id as string;
  await db.query(`UPDATE notification_deliveries SET status = 'dead', attempts = 8 WHERE event_id = $1`, [dead]);
  r = await cli('notifications', '--dead');
  t.match(r.out, dead);
  t.equal((await cli('notifications', 'retry', 'evt_00000000000000000000000000000000')).code, 2, 'an id with no dead delivery: not found');
  r = await cli('notifications', 'retry', dead);
  t.equal(r.code, 0, r.err);
  t.match(await db.query(`SELECT status, attempts FROM notification_deliveries WHERE event_id = $1`, [dead]), [{ status: 'pending', attempts: 0 }]);
  t.equal((await cli('notifications', 'retry')).code, 2, 'neither an id nor --all-dead: usage');
});
