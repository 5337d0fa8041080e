// Pure notification building: which written changes make events, their stable
// ids, the destination filter, the retry schedule and destination documents.
import t from 'tap';
import type { Change, SessionView } from '../../../controller/core/plan-types.js';
import { changeEvents, notWrittenKey } from '../../../controller/core/notifications/session-events.js';
import { configInvalidEvents, runRefusedEvent } from '../../../controller/core/notifications/run-events.js';
import { wants, parseDestinationDocument, type DestinationFilter } from '../../../controller/core/notifications/destination.js';
import { afterFailure, retryDelayMs, DEFAULT_BACKOFF } from '../../../controller/core/notifications/backoff.js';
import type { EventType } from '../../../controller/core/notifications/event.js';

const NOW = '2026-11-25T15:00:00.000Z';
const view = (o: Partial<SessionView> = {}): SessionView => ({ title: 'Yoga', startsAt: '2026-12-02T14:00:00.000Z', endsAt: '2026-12-02T15:00:00.000Z', timezone: 'America/New_York', instructorId: 'ana', roomId: 'a', capacity: 12, status: 'scheduled', ...o });
const base = { seriesId: 'yoga', branchId: 'downtown', occurrenceKey: '2026-12-02', sessionId: '7' };

const changeCases: Array<{ name: string; change: Change; notWritten?: string[]; types: EventType[] }> = [
  { name: 'a booked session cancelled: session.cancelled', change: { ...base, action: 'cancel', before: view(), after: view({ status: 'cancelled' }), bookedCount: 3, reason: 'gone' }, types: ['session.cancelled'] },
  { name: 'an unbooked session cancelled: nothing', change: { ...base, action: 'cancel', before: view(), after: view({ status: 'cancelled' }), bookedCount: 0 }, types: [] },
  { name: 'a booked session moved: session.moved', change: { ...base, action: 'update', before: view(), after: view({ startsAt: '2026-12-02T15:00:00.000Z', endsAt: '2026-12-02T16:00:00.000Z' }), fields: ['startsAt', 'endsAt'], bookedCount: 2 }, types: ['session.moved'] },
  { name: 'capacity lowered below the bookings: session.capacityBelowBookings', change: { ...base, action: 'update', before: view(), after: view({ capacity: 4 }), fields: ['capacity'], bookedCount: 6 }, types: ['session.capacityBelowBookings'] },
  { name: 'capacity lowered but still above the bookings: nothing', change: { ...base, action: 'update', before: view(), after: view({ capacity: 8 }), fields: ['capacity'], bookedCount: 6 }, types: [] },
  { name: 'moved and shrunk at once: both events', change: { ...base, action: 'update', before: view(), after: view({ startsAt: '2026-12-02T15:00:00.000Z', capacity: 1 }), fields: ['startsAt', 'capacity'], bookedCount: 2 }, types: ['session.moved', 'session.capacityBelowBookings'] },
  { name: 'a title change of a booked session: nothing', change: { ...base, action: 'update', before: view(), after: view({ title: 'Yin' }), fields: ['title'], bookedCount: 2 }, types: [] },
  { name: 'a cancel the database refused: nothing', change: { ...base, action: 'cancel', before: view(), after: view(), bookedCount: 3 }, notWritten: [notWrittenKey('yoga', '2026-12-02')], types: [] },
  {
    name: 'a series archived: series.archived',
    change: { action: 'delete-series', seriesId: 'yoga', branchId: 'downtown', occurrenceKey: null, version: '4', reason: 'ended', series: { id: 'yoga', branchId: 'downtown', title: 'Yoga', rrule: 'FREQ=WEEKLY', startDate: '2026-01-01', endDate: '2026-06-01', startTime: '09:00', durationMinutes: 60, capacity: 10, instructorId: null, roomId: null, exdates: [] } as never },
    types: ['series.archived'],
  },
];

for (const c of changeCases) {
  t.test(c.name, async (t) => {
    const ctx = { runId: '12', occurredAt: NOW, notWritten: new Set(c.notWritten ?? []) };
    const events = changeEvents([c.change], ctx);
    t.strictSame(events.map((e) => e.type), c.types);
    for (const e of events) {
      t.match(e.id, /^evt_[0-9a-f]{32}$/);
      if (e.type.startsWith('session.')) t.equal(e.data.bookedCount, (c.change as { bookedCount: number }).bookedCount, 'carries the booked count');
    }
    t.strictSame(changeEvents([c.change], ctx).map((e) => e.id), events.map((e) => e.id), 'the same change written again has the same ids');
    if (events.length > 0) t.not(changeEvents([c.change], { ...ctx, runId: '13' })[0]!.id, events[0]!.id, 'another run: another event');
  });
}

t.test('the mass-removal guard refuses as removal.refused with its counts; other guards as run.refused', async (t) => {
  const run = { runId: '3', now: NOW, mode: 'apply' };
  const removal = runRefusedEvent(run, { code: 'GUARD_MASS_REMOVAL', message: 'too many', counts: { removals: [{ scope: 'downtown', removals: 40, limit: 10 }] } });
  t.equal(removal.type, 'removal.refused');
  t.strictSame(removal.data.counts, { removals: [{ scope: 'downtown', removals: 40, limit: 10 }] });
  t.equal(runRefusedEvent(run, { code: 'GUARD_NOW_SKEW', message: 'skew' }).type, 'run.refused');
});

t.test('config.invalid: one event per configuration error, the same for every run until the configuration changes', async (t) => {
  const problems = [
    { code: 'CONFIG_SCHEMA' as const, scope: 'branch:downtown', document: 'downtown', origin: 'config/downtown.yaml', pointer: '/spec/settings/window/days', message: 'must be ≥ 1', severity: 'error' as const },
    { code: 'CONFIG_UNKNOWN_TARGET' as const, scope: 'branch:x', pointer: '', message: 'unknown', severity: 'warning' as const },
  ];
  const a = configInvalidEvents({ runId: '1', now: NOW, mode: 'apply' }, 'digest-1', problems);
  t.strictSame(a.map((e) => [e.type, e.data.document, e.data.pointer]), [['config.invalid', 'downtown', '/spec/settings/window/days']]);
  t.equal(configInvalidEvents({ runId: '2', now: '2026-11-26T15:00:00.000Z', mode: 'apply' }, 'digest-1', problems)[0]!.id, a[0]!.id, 'the next run: the same event');
  t.not(configInvalidEvents({ runId: '2', now: NOW, mode: 'apply' }, 'digest-2', problems)[0]!.id, a[0]!.id, 'a changed configuration: a new event');
});

const filterCases: Array<{ name: string; filter: DestinationFilter; type: EventType; severity: 'info' | 'warning' | 'error'; wanted: boolean }> = [
  { name: 'no list, minimum info: everything', filter: { eventTypes: null, minSeverity: 'info' }, type: 'series.archived', severity: 'info', wanted: true },
  { name: 'listed type at the minimum severity', filter: { eventTypes: ['run.failed'], minSeverity: 'error' }, type: 'run.failed', severity: 'error', wanted: true },
  { name: 'type not listed', filter: { eventTypes: ['run.failed'], minSeverity: 'info' }, type: 'session.moved', severity: 'warning', wanted: false },
  { name: 'below the minimum severity', filter: { eventTypes: null, minSeverity: 'warning' }, type: 'series.archived', severity: 'info', wanted: false },
  { name: 'above the minimum severity', filter: { eventTypes: null, minSeverity: 'warning' }, type: 'run.failed', severity: 'error', wanted: true },
];
for (const c of filterCases) {
  t.test(`filter: ${c.name}`, async (t) => t.equal(wants(c.filter, { type: c.type, severity: c.severity }), c.wanted));
}

t.test('backoff: doubling from the base, jitter in the upper half, capped, dead after the limit', async (t) => {
  const policy = { baseMs: 1000, maxMs: 10_000, maxAttempts: 6 };
  t.strictSame([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, policy, () => 0)), [500, 1000, 2000, 4000, 5000], 'lowest draw: half of each step');
  t.strictSame([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, policy, () => 0.999999)), [1000, 2000, 4000, 8000, 10_000], 'highest draw: the whole step, capped');
  const now = Date.parse(NOW);
  t.strictSame(afterFailure(5, now, policy, () => 0.5), { kind: 'retry', at: now + 7500 });
  t.strictSame(afterFailure(6, now, policy, () => 0.5), { kind: 'dead' }, 'the sixth failure of six: dead');
  t.equal(DEFAULT_BACKOFF.maxAttempts, 8);
});

const docCases: Array<{ name: string; doc: unknown; pointers?: string[]; type?: string }> = [
  { name: 'a valid webhook', doc: { apiVersion: 'scheduling.classctl.dev/v1', kind: 'NotificationDestination', metadata: { name: 'ops' }, spec: { type: 'webhook', url: 'https://ops.example/hook', secretFrom: { env: 'CLASSCTL_WEBHOOK_SECRET' }, minSeverity: 'warning' } }, type: 'webhook' },
  { name: 'a valid slack destination', doc: { apiVersion: 'scheduling.classctl.dev/v1', kind: 'NotificationDestination', metadata: { name: 'desk' }, spec: { type: 'slack', urlFrom: { secretKeyRef: { name: 'slack', key: 'url' } }, eventTypes: ['session.cancelled'] } }, type: 'slack' },
  { name: 'a webhook without its secret', doc: { apiVersion: 'scheduling.classctl.dev/v1', kind: 'NotificationDestination', metadata: { name: 'ops' }, spec: { type: 'webhook', url: 'https://ops.example/hook' } }, pointers: ['/spec/secretFrom'] },
  { name: 'an inline secret is refused', doc: { apiVersion: 'scheduling.classctl.dev/v1', kind: 'NotificationDestination', metadata: { name: 'ops' }, spec: { type: 'webhook', url: 'https://ops.example/hook', secret: 'whsec_x', secretFrom: { env: 'X' } } }, pointers: ['/spec/secret'] },
  { name: 'an unknown event type', doc: { apiVersion: 'scheduling.classctl.dev/v1', kind: 'NotificationDestination', metadata: { name: 'ops' }, spec: { type: 'slack', urlFrom: { env: 'X' }, eventTypes: ['run.exploded'] } }, pointers: ['/spec/eventTypes/0'] },
  { name: 'a slack destination with a webhook url', doc: { apiVersion: 'scheduling.classctl.dev/v1', kind: 'NotificationDestination', metadata: { name: 'ops' }, spec: { type: 'slack', urlFrom: { env: 'X' }, url: 'https://x' } }, pointers: ['/spec/url'] },
];
for (const c of docCases) {
  t.test(`destination document: ${c.name}`, async (t) => {
    const r = parseDestinationDocument(c.doc, 'config/notify.yaml');
    t.strictSame(r.problems.map((p) => p.pointer), c.pointers ?? []);
    for (const p of r.problems) t.match(p, { document: 'ops', origin: 'config/notify.yaml', severity: 'error' });
    t.equal(r.destination?.type, c.type);
  });
}
