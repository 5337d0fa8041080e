// Micro-benchmark of the generation core: desiredSessions() for 10,000 series
// spread over 24 zones, with the rule shapes a gym chain uses and start dates
// from 2015 on (so the rebasing of old series is part of what is measured).
// Not a tap test. Run: npm run bench:core  [-- --series N --rounds R]
//
// Three figures, because two caches matter:
//  - cold: a fresh process (a CronJob run): the per-zone offset tables are
//    built from Temporal and every distinct rule expansion is computed;
//  - run: zone tables warm, expansion memo emptied before each round — a run of
//    a long-lived process on a new day (`serve`);
//  - warm: both kept — a rerun on the same day, when expansions are all known.
// Prints one line per round and a JSON summary on the last line.
import { desiredSessions } from '../../controller/core/generation/desired-sessions.js';
import { addDays } from '../../controller/core/generation/local-date.js';
import { clearExpansionMemo } from '../../controller/core/generation/recurrence.js';
import type { ClassSeries, ResolvedSettings } from '../../controller/core/types.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} needs a positive whole number`);
  return value;
}

const SERIES = arg('series', 10_000);
const ROUNDS = arg('rounds', 3);
/** A fixed instant: the benchmark never reads the clock for its inputs. */
const NOW = Date.parse('2026-03-01T12:00:00Z');

const ZONES = [
  'America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles', 'America/Sao_Paulo', 'America/Santiago',
  'America/Havana', 'America/St_Johns', 'Europe/London', 'Europe/Dublin', 'Europe/Berlin', 'Europe/Madrid', 'Europe/Helsinki',
  'Africa/Johannesburg', 'Asia/Dubai', 'Asia/Kolkata', 'Asia/Singapore', 'Asia/Tokyo', 'Australia/Sydney', 'Australia/Lord_Howe',
  'Australia/Perth', 'Pacific/Auckland', 'Pacific/Chatham', 'UTC',
];

const RULES = [
  'FREQ=WEEKLY;BYDAY=MO,WE,FR',
  'FREQ=WEEKLY;BYDAY=TU,TH',
  'FREQ=DAILY',
  'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
  'FREQ=WEEKLY;INTERVAL=2;BYDAY=SA',
  'FREQ=MONTHLY;BYDAY=-1SU',
  'FREQ=WEEKLY;BYDAY=SU;UNTIL=20261231',
  'FREQ=DAILY;COUNT=400',
];

const SETTINGS: ResolvedSettings = {
  generation: { enabled: true, horizonDays: 56 },
  dst: { nonexistentTime: 'shiftForward', ambiguousTime: 'earlier' },
  closures: { '2026-04-05': 'Easter Sunday', '2026-03-17': "St Patrick's Day" },
  sessionDefaults: { durationMinutes: 60, capacity: 20 },
  removal: { unbooked: 'delete', booked: 'cancel', bookedChanges: 'warn' },
  cleanup: { deleteSeriesAfterDays: 0 },
  safety: { maxRemovalsPerRun: 500 },
  history: { retainDays: 400 },
  feeds: { public: false },
};

function makeSeries(i: number): { series: ClassSeries; timezone: string } {
  const startDate = addDays('2015-01-05', (i * 37) % 4_100);
  const minutes = 6 * 60 + ((i * 15) % (15 * 60));
  return {
    timezone: ZONES[i % ZONES.length],
    series: {
      id: `series-${i}`,
      branchId: `branch-${i % 500}`,
      title: `Class ${i}`,
      rrule: RULES[i % RULES.length],
      startDate,
      endDate: i % 10 === 0 ? addDays(startDate, 4_000) : null,
      startTime: `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`,
      durationMinutes: i % 3 === 0 ? null : 45 + (i % 4) * 15,
      capacity: i % 5 === 0 ? null : 10 + (i % 20),
      instructorId: `coach-${i % 300}`,
      roomId: i % 7 === 0 ? null : `room-${i % 40}`,
      exdates: i % 11 === 0 ? ['2026-03-09', '2026-03-23'] : [],
      version: '1',
    },
  };
}

const inputs = Array.from({ length: SERIES }, (_, i) => makeSeries(i));

function round(): { sessions: number; ms: number; problems: number } {
  const started = performance.now();
  let sessions = 0;
  let problems = 0;
  for (const { series, timezone } of inputs) {
    const result = desiredSessions({ series, timezone, settings: SETTINGS, now: NOW });
    sessions += result.sessions.length;
    problems += result.problems.length;
  }
  return { sessions, ms: performance.now() - started, problems };
}

type Round = { sessions: number; ms: number; problems: number };

function report(label: string, result: Round): void {
  const rate = Math.round((result.sessions / result.ms) * 1000);
  console.log(`${label}: ${SERIES} series → ${result.sessions} sessions in ${result.ms.toFixed(0)} ms = ${rate.toLocaleString('en-US')} sessions/s`);
  if (result.problems > 0) throw new Error(`the benchmark's series must be valid, got ${result.problems} problems`);
}

const cold = round();
report('cold (new process: zone tables and expansions computed)', cold);
const runs: Round[] = [];
for (let r = 1; r <= ROUNDS; r++) {
  clearExpansionMemo();
  const result = round();
  report(`run ${r} (zone tables warm, expansion memo empty)`, result);
  runs.push(result);
}
const warm: Round[] = [];
for (let r = 1; r <= ROUNDS; r++) {
  const result = round();
  report(`warm ${r} (same day again: expansions memoised)`, result);
  warm.push(result);
}

const best = (rounds: Round[]): Round => rounds.reduce((a, b) => (b.ms < a.ms ? b : a));
const perSecond = (r: Round) => Math.round((r.sessions / r.ms) * 1000);
console.log(
  JSON.stringify({
    benchmark: 'core-generation',
    series: SERIES,
    sessions: cold.sessions,
    sessionsPerSecond: perSecond(best(runs)),
    seriesPerSecond: Math.round((SERIES / best(runs).ms) * 1000),
    coldMs: Math.round(cold.ms),
    coldSessionsPerSecond: perSecond(cold),
    runMs: Math.round(best(runs).ms),
    warmMs: Math.round(best(warm).ms),
    warmSessionsPerSecond: perSecond(best(warm)),
    node: process.version,
  }),
);
