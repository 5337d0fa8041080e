// The webhook example works as shipped: copy examples/notifications/webhook.yaml
// into a config directory, export CLASSCTL_WEBHOOK_URL and
// CLASSCTL_WEBHOOK_SECRET, and a receiver verifies every delivery with
// standardwebhooks' Webhook.verify — the same code docs/notifications.md shows.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { runClassctlInProcess } from '../helpers/cli.js';
import { migratedPostgresDatabase, requirePostgres } from '../helpers/db.js';
import { Webhook } from 'standardwebhooks';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';

const NOW = '2027-03-01T00:00:00Z';
const branch = { id: 'downtown', name: 'Downtown', timezone: 'America/New_York' };
const series = (endDate: string) => ({ id: 'yoga', branchId: 'downtown', title: 'Yoga', rrule: 'FREQ=DAILY', startDate: '2027-03-02', endDate, startTime: '09:00' });

t.test('the copied example, two variables exported: a booked session cancelled is delivered and verifies', async (t) => {
  if (!requirePostgres(t)) return;
  const url = await migratedPostgresDatabase(t);
  const db = await openDatabase({ url });
  t.teardown(() => db.close());

  const secret = 'whsec_' + randomBytes(32).toString('base64');
  const hook = await startWebhookReceiver(t, secret);
  // Each event once, by webhook-id (a retry repeats the id).
  const events = () => [...new Map(hook.verified.map((d) => [d.id, d.event])).values()];

  const dir = mkdtempSync(join(tmpdir(), 'classctl-example-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(new URL('../../config/', import.meta.url).pathname, dir, { recursive: true });
  cpSync(new URL('../../examples/notifications/webhook.yaml', import.meta.url).pathname, join(dir, 'webhook.yaml'));
  const env = {
    CLASSCTL_CONTEXTS: '',
    DATABASE_URL: url,
    CLASSCTL_WEBHOOK_URL: hook.url,
    CLASSCTL_WEBHOOK_SECRET: secret,
  };
  const cli = (...args: string[]) => runClassctlInProcess(env, '--log-level', 'silent', '--config', dir, ...args);

  await loadInputs(db, { branches: [branch], series: [series('2027-03-10')] });
  let r = await cli('reconcile', '--apply', '--now', NOW, '--allow-now-skew');
  t.equal(r.code, 0, r.err);
  t.strictSame(events(), [], 'creating unbooked sessions tells nobody');
  await db.query(`UPDATE class_sessions SET booked_count = 3 WHERE occurrence_key = '2027-03-10'`);

  await loadInputs(db, { branches: [branch], series: [series('2027-03-09')] });
  r = await cli('reconcile', '--apply', '--now', NOW, '--allow-now-skew');
  t.equal(r.code, 0, r.err);
  t.strictSame(hook.rejected, [], 'every delivery verifies with the exported secret');
  t.match(events(), [{ type: 'session.cancelled', data: { occurrenceKey: '2027-03-10', bookedCount: 3 } }]);
  t.equal(events().length, 1);
  t.match(await db.query(`SELECT destination, status FROM notification_deliveries`), [{ destination: 'ops-webhook', status: 'delivered' }]);

  const wrong = new Webhook('whsec_' + randomBytes(32).toString('base64'));
  const [row] = await db.query<{ id: string }>(`SELECT id FROM notification_outbox LIMIT 1`);
  t.throws(() => wrong.verify('{}', { 'webhook-id': row!.id, 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAA' }), 'a delivery not signed with the secret does not verify');
});
