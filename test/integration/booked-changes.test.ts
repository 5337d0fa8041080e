// removal.bookedChanges end to end: a series' capacity lowered below one
// session's bookings and its time moved, reconciled on PGlite and PostgreSQL.
import t from 'tap';
import type { Database } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { reconcile } from '../../controller/runtime/reconcile.js';
import { planToJson } from '../../controller/core/render/plan-json.js';
import { eachBackend } from '../helpers/backends.js';
import { createLogger } from '../../controller/runtime/logger.js';
import { BASE_SETTINGS, configOf, doc, silentLogger } from '../helpers/fixtures.js';

/** A JSON logger whose lines are kept, parsed. */
function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = { write: (s: string) => (lines.push(JSON.parse(s)), true), on: () => {}, once: () => {}, emit: () => {} } as unknown as NodeJS.WritableStream;
  return { logger: createLogger({ level: 'info', destination, env: { CLASSCTL_LOG_FORMAT: 'json' } }), lines };
}

// Wednesday 2026-11-25 10:00 in New York (15:00 UTC).
const NOW = Date.parse('2026-11-25T15:00:00Z');
const BOOKED_KEY = '2026-11-30';

const series = (over: Record<string, unknown>) => ({
  branches: [{ id: 'ny', name: 'New York', timezone: 'America/New_York' }],
  series: [{ id: 'ny-yoga', branchId: 'ny', title: 'Yoga', rrule: 'FREQ=WEEKLY;BYDAY=MO,WE,FR', startDate: '2026-11-01', endDate: null, startTime: '09:00', durationMinutes: 60, capacity: 20, instructorId: 'ana', roomId: 'studio-a', exdates: [], ...over }],
});

async function load(db: Database, over: Record<string, unknown> = {}) {
  const r = await loadInputs(db, series(over));
  if (r.problems.length) throw new Error(JSON.stringify(r.problems));
}

const configWith = (bookedChanges: 'warn' | 'block') => configOf(doc('base', {}, { ...BASE_SETTINGS, removal: { ...BASE_SETTINGS.removal, bookedChanges } }));

async function sessions(db: Database) {
  const rows = await db.query<{ occurrence_key: string; capacity: number; starts_at: Date | string; booked_count: number }>(
    `SELECT occurrence_key, capacity, starts_at, booked_count FROM class_sessions WHERE series_id = 'ny-yoga' ORDER BY occurrence_key`,
  );
  return rows.map((r) => ({ key: r.occurrence_key, capacity: r.capacity, startsAt: new Date(r.starts_at).toISOString(), booked: r.booked_count }));
}

const cases = [
  { name: 'warn: capacity 20 → 10 with 15 booked is applied and flagged', policy: 'warn', bookedCapacity: 10, bookedStart: '2026-11-30T23:00:00.000Z' },
  { name: 'block: the booked session is kept as it is, the others are updated', policy: 'block', bookedCapacity: 20, bookedStart: '2026-11-30T14:00:00.000Z' },
] as const;

for (const c of cases) {
  eachBackend(t, c.name, async (t, db) => {
    const config = configWith(c.policy);
    await load(db);
    const first = await reconcile({ db, config, logger: silentLogger(), now: NOW, mode: 'apply', clock: () => NOW });
    t.equal(first.exitCode, 0);
    await db.query(`UPDATE class_sessions SET booked_count = 15 WHERE series_id = 'ny-yoga' AND occurrence_key = $1`, [BOOKED_KEY]);
    await load(db, { capacity: 10, startTime: '18:00' }); // smaller room, evening slot

    const log = capturingLogger();
    const applied = await reconcile({ db, config, logger: log.logger, now: NOW, mode: 'apply', clock: () => NOW });
    const logged = log.lines.filter((l) => l.code === 'BOOKED_SESSION_CHANGED');
    t.equal(logged.length, 1, 'logged once');
    t.match(logged[0], { level: 40, branchId: 'ny', seriesId: 'ny-yoga', occurrenceKey: BOOKED_KEY, msg: /^Session ny-yoga 2026-11-30 has 15 booking\(s\)/ }, 'a warning line with the code and ids');
    t.equal(applied.exitCode, 0, 'a booked change is a warning, not a failure');
    const json = planToJson(applied.plan);
    const flagged = json.warnings.filter((w) => w.code === 'BOOKED_SESSION_CHANGED');
    t.equal(flagged.length, 1, 'exactly the booked session is flagged');
    t.match(flagged[0]?.details, {
      seriesId: 'ny-yoga',
      occurrenceKey: BOOKED_KEY,
      bookedCount: 15,
      outcome: c.policy === 'block' ? 'kept' : 'updated',
      changes: [{ what: 'capacity', before: 20, after: 10 }, { what: 'time', field: 'startsAt' }, { what: 'time', field: 'endsAt' }],
    });
    t.equal(json.changes.some((ch) => ch.occurrenceKey === BOOKED_KEY), c.policy === 'warn', 'the booked session is in the changes only under warn');

    const rows = await sessions(db);
    const booked = rows.find((r) => r.key === BOOKED_KEY)!;
    t.same({ capacity: booked.capacity, startsAt: booked.startsAt, booked: booked.booked }, { capacity: c.bookedCapacity, startsAt: c.bookedStart, booked: 15 }, 'the booked session');
    const others = rows.filter((r) => r.key !== BOOKED_KEY && r.key > '2026-11-25');
    t.ok(others.length > 0 && others.every((r) => r.capacity === 10), 'unbooked sessions get the new capacity');

    const again = await reconcile({ db, config, logger: silentLogger(), now: NOW, mode: 'plan', clock: () => NOW });
    const againJson = planToJson(again.plan);
    t.equal(againJson.changes.length, 0, 'the next plan changes nothing');
    t.equal(againJson.warnings.filter((w) => w.code === 'BOOKED_SESSION_CHANGED').length, c.policy === 'block' ? 1 : 0, 'a blocked session stays flagged until someone acts');
  });
}
