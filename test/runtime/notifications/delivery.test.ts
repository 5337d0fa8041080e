// Delivery to a real HTTP receiver (node:http in this process) from a real
// PostgreSQL outbox: signatures verify with standardwebhooks' own Webhook.verify,
// retries keep the webhook-id, the attempts run out into the dead letters, a
// 410 disables the destination, two deliverers share the work without sending
// an event twice, and destinations get only the types and severities they want.
import t, { type Test } from 'tap';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { makeEvent, type EventType, type NotificationEvent } from '../../../controller/core/notifications/event.js';
import { openDatabase, type Database } from '../../../controller/store/database.js';
import { insertEvents } from '../../../controller/store/notifications/outbox.js';
import { deliverNotifications } from '../../../controller/runtime/notifications/deliver.js';
import type { ResolvedDestination } from '../../../controller/runtime/notifications/resolve-destinations.js';
import { migratedPostgresDatabase, requirePostgres } from '../../helpers/db.js';
import { silentLogger } from '../../helpers/fixtures.js';

const NOW = Date.parse('2026-11-25T15:00:00Z');
const SECRET = 'whsec_' + Buffer.from('a test secret of thirty-two bytes').toString('base64');

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver answering with the statuses given in turn (the last one repeats). */
async function receiver(t: Test, statuses: number[]): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)]!;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

function atClock<T>(ms: number, fn: () => T): T {
  const real = Date.now;
  Date.now = () => ms;
  try {
    return fn();
  } finally {
    Date.now = real;
  }
}

function webhook(name: string, url: string, filter: Partial<ResolvedDestination['filter']> = {}): ResolvedDestination {
  return { name, type: 'webhook', url, secret: SECRET, targetDigest: url, filter: { eventTypes: null, minSeverity: 'info', ...filter } };
}

function event(type: EventType, n: number): NotificationEvent {
  return makeEvent(type, { runId: '1', occurredAt: new Date(NOW).toISOString(), key: [n] }, { n });
}

async function database(t: Test): Promise<Database> {
  const db = await openDatabase({ url: await migratedPostgresDatabase(t) });
  t.teardown(() => db.close());
  return db;
}

async function deliveryRows(db: Database) {
  return db.query<{ event_id: string; status: string; attempts: number }>(`SELECT event_id, status, attempts FROM notification_deliveries ORDER BY event_id`);
}

t.test('a delivery verifies with Webhook.verify, and a failed then successful attempt keep one webhook-id', async (t) => {
  if (!requirePostgres(t)) return;
  const db = await database(t);
  const r = await receiver(t, [500, 200]);
  const e = event('run.failed', 1);
  await insertEvents(db, [e]);
  let now = NOW;
  const opts = { db, destinations: [webhook('ops', r.url)], log: silentLogger(), clock: () => now, random: () => 0 };
  t.match(await deliverNotifications(opts), { routed: 1, delivered: 0, failed: 1, pending: 1 });
  now += 60_000; // past the first retry (10 s with the lowest jitter draw: 5 s)
  t.match(await deliverNotifications(opts), { delivered: 1, pending: 0 });
  t.equal(r.received.length, 2);
  t.strictSame(r.received.map((x) => x.headers['webhook-id']), [e.id, e.id], 'the same webhook-id on both attempts');
  t.strictSame(r.received.map((x) => x.headers['webhook-timestamp']), [String(NOW / 1000), String(NOW / 1000 + 60)], 'each attempt signed at its own time');
  const wh = new Webhook(SECRET);
  // verify() also checks the timestamp against its clock: the receiver checks
  // each attempt at the instant it was signed (the test's fixed clock).
  const verifyAt = (x: Received, body = x.body) => atClock(Number(x.headers['webhook-timestamp']) * 1000, () =>
    wh.verify(body, { 'webhook-id': String(x.headers['webhook-id']), 'webhook-timestamp': String(x.headers['webhook-timestamp']), 'webhook-signature': String(x.headers['webhook-signature']) }),
  );
  for (const x of r.received) t.match(verifyAt(x), { id: e.id, type: 'run.failed', data: { n: 1 } });
  t.throws(() => verifyAt(r.received[1]!, r.received[1]!.body.replace('"n":1', '"n":2')), 'a body changed by one byte does not verify');
  t.throws(() => atClock(NOW, () => new Webhook('whsec_' + Buffer.from('another secret').toString('base64')).verify(r.received[1]!.body, r.received[1]!.headers as Record<string, string>)), 'another secret does not verify');
  t.match(await deliveryRows(db), [{ status: 'delivered', attempts: 2 }]);
});

t.test('a receiver that does not answer in time is retried with the same webhook-id', async (t) => {
  if (!requirePostgres(t)) return;
  const db = await database(t);
  const received: string[] = [];
  const held: Array<() => void> = [];
  // The first request is left unanswered (as a hung receiver would); later ones get 200.
  const server = createServer((req, res) => {
    received.push(String(req.headers['webhook-id']));
    req.resume();
    if (received.length === 1) held.push(() => res.end());
    else req.on('end', () => res.end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => {
    for (const release of held) release();
    server.close(() => r());
  }));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const e = event('run.failed', 7);
  await insertEvents(db, [e]);
  let now = NOW;
  const opts = { db, destinations: [webhook('ops', url)], log: silentLogger(), clock: () => now, random: () => 0, sendTimeoutMs: 200 };
  t.match(await deliverNotifications(opts), { delivered: 0, failed: 1, pending: 1 }, 'the unanswered attempt counts as failed and stays pending');
  now += 60_000;
  t.match(await deliverNotifications(opts), { delivered: 1, pending: 0 }, 'the retry is delivered');
  t.strictSame(received, [e.id, e.id], 'both attempts carry the event id as webhook-id');
  t.match(await deliveryRows(db), [{ status: 'delivered', attempts: 2 }]);
});

t.test('dead-lettered after the limit of attempts, and nothing is sent after', async (t) => {
  if (!requirePostgres(t)) return;
  const db = await database(t);
  const r = await receiver(t, [503]);
  await insertEvents(db, [event('run.failed', 1)]);
  let now = NOW;
  const opts = { db, destinations: [webhook('ops', r.url)], log: silentLogger(), clock: () => now, random: () => 0.5, backoff: { baseMs: 1000, maxMs: 60_000, maxAttempts: 3 } };
  const dead: number[] = [];
  for (let i = 0; i < 5; i++) {
    dead.push((await deliverNotifications(opts)).dead);
    now += 3_600_000;
  }
  t.strictSame(dead, [0, 0, 1, 0, 0]);
  t.equal(r.received.length, 3, 'three attempts, then none');
  t.match(await deliveryRows(db), [{ status: 'dead', attempts: 3 }]);
});

t.test('410 Gone disables the destination; a new target enables it again', async (t) => {
  if (!requirePostgres(t)) return;
  const db = await database(t);
  const gone = await receiver(t, [410]);
  const back = await receiver(t, [200]);
  await insertEvents(db, [event('run.failed', 1), event('run.failed', 2)]);
  const opts = { db, log: silentLogger(), clock: () => NOW };
  t.match(await deliverNotifications({ ...opts, destinations: [webhook('ops', gone.url)] }), { delivered: 0, failed: 0, pending: 2 });
  t.equal(gone.received.length, 1, 'the second event is not sent after the 410');
  await deliverNotifications({ ...opts, destinations: [webhook('ops', gone.url)] });
  t.equal(gone.received.length, 1, 'a later pass sends nothing to the disabled destination');
  t.match(await deliverNotifications({ ...opts, destinations: [webhook('ops', back.url)] }), { delivered: 2, pending: 0 });
  t.equal(back.received.length, 2);
});

t.test('two deliverers in parallel (FOR UPDATE SKIP LOCKED) deliver each event exactly once', async (t) => {
  if (!requirePostgres(t)) return;
  const url = await migratedPostgresDatabase(t);
  const a = await openDatabase({ url });
  const b = await openDatabase({ url });
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  const r = await receiver(t, [200]);
  const events = Array.from({ length: 60 }, (_, i) => event('session.cancelled', i));
  await insertEvents(a, events);
  const dest = [webhook('ops', r.url)];
  // Routed first (a pass whose deadline has passed routes and sends nothing),
  // so both deliverers find the same 60 due rows and must share them.
  t.match(await deliverNotifications({ db: a, destinations: dest, log: silentLogger(), clock: () => NOW, deadline: NOW }), { routed: 60, delivered: 0, pending: 60 });
  const slowSend: typeof import('../../../controller/runtime/notifications/send.js').sendEvent = async (d, e, at, timeout) => {
    await new Promise((res) => setTimeout(res, 5)); // the deliverers overlap
    const { sendEvent } = await import('../../../controller/runtime/notifications/send.js');
    return sendEvent(d, e, at, timeout);
  };
  const [x, y] = await Promise.all([
    deliverNotifications({ db: a, destinations: dest, log: silentLogger(), clock: () => NOW, batchSize: 5, send: slowSend }),
    deliverNotifications({ db: b, destinations: dest, log: silentLogger(), clock: () => NOW, batchSize: 5, send: slowSend }),
  ]);
  t.equal(x.delivered + y.delivered, 60);
  t.ok(x.delivered > 0 && y.delivered > 0, `both took a share (${x.delivered} + ${y.delivered})`);
  const ids = r.received.map((m) => String(m.headers['webhook-id']));
  t.equal(new Set(ids).size, 60);
  t.equal(ids.length, 60, 'no event sent twice');
});

t.test('destinations get only the types and severities they want', async (t) => {
  if (!requirePostgres(t)) return;
  const db = await database(t);
  const ops = await receiver(t, [200]);
  const desk = await receiver(t, [200]);
  await insertEvents(db, [event('run.failed', 1), event('session.cancelled', 2), event('series.archived', 3)]);
  await deliverNotifications({
    db,
    log: silentLogger(),
    clock: () => NOW,
    destinations: [
      webhook('ops', ops.url, { minSeverity: 'warning' }),
      { name: 'desk', type: 'slack', url: desk.url, secret: null, targetDigest: desk.url, filter: { eventTypes: ['session.cancelled'], minSeverity: 'info' } },
    ],
  });
  t.strictSame(ops.received.map((m) => JSON.parse(m.body).type).sort(), ['run.failed', 'session.cancelled']);
  t.equal(desk.received.length, 1);
  t.match(JSON.parse(desk.received[0]!.body), { text: /Booked session cancelled/ });
  t.notOk(desk.received[0]!.headers['webhook-signature'], 'Slack messages are not signed');
});

t.test('events with nothing left to do leave the outbox after the retention; dead ones stay', async (t) => {
  if (!requirePostgres(t)) return;
  const db = await database(t);
  const ok = await receiver(t, [200]);
  const down = await receiver(t, [500]);
  await insertEvents(db, [event('run.failed', 1), event('series.archived', 2), event('session.moved', 3)]);
  let now = NOW;
  const destinations = [webhook('ops', ok.url, { eventTypes: ['run.failed'] }), webhook('down', down.url, { eventTypes: ['session.moved'] })];
  const opts = { db, destinations, log: silentLogger(), clock: () => now, backoff: { baseMs: 1000, maxMs: 1000, maxAttempts: 1 } };
  await deliverNotifications(opts);
  const ids = async () => (await db.query<{ type: string }>(`SELECT type FROM notification_outbox ORDER BY type`)).map((r) => r.type);
  t.strictSame(await ids(), ['run.failed', 'series.archived', 'session.moved'], 'kept within the retention');
  now += 8 * 24 * 3_600_000;
  await deliverNotifications(opts);
  t.strictSame(await ids(), ['session.moved'], 'delivered and unwanted events pruned; the dead one kept for notifications --dead');
});

t.test('a deadline bounds the pass: what is left waits, unattempted, for the next deliverer', async (t) => {
  if (!requirePostgres(t)) return;
  const db = await database(t);
  const r = await receiver(t, [200]);
  await insertEvents(db, [1, 2, 3, 4, 5].map((n) => event('run.failed', n)));
  let now = NOW;
  // Each attempt takes 1 s of the test's clock; the deadline allows two.
  const send: typeof import('../../../controller/runtime/notifications/send.js').sendEvent = async (d, e, at, timeout) => {
    const { sendEvent } = await import('../../../controller/runtime/notifications/send.js');
    const out = await sendEvent(d, e, at, timeout);
    now += 1000;
    return out;
  };
  const s = await deliverNotifications({ db, destinations: [webhook('ops', r.url)], log: silentLogger(), clock: () => now, deadline: NOW + 2000, send });
  t.match(s, { delivered: 2, failed: 0, pending: 3 });
  t.match(await db.query(`SELECT count(*)::int AS n FROM notification_deliveries WHERE status = 'pending' AND attempts = 0`), [{ n: 3 }]);
});
