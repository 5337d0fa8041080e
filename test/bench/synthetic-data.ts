// Synthetic inputs for the reconcile benchmark: a gym chain of N branches and
// M class series, in the load-file shape `classctl load` reads, plus
// the SchedulingConfig documents of the run. Deterministic: the same size gives
// the same rows on every machine (a seeded generator, never Math.random), so two
// benchmark runs compare the same work.
import { addDays } from '../../controller/core/generation/local-date.js';

export interface BenchSize {
  branches: number;
  series: number;
  horizonDays: number;
}

export const FULL_SIZE: BenchSize = { branches: 100, series: 10_000, horizonDays: 56 };
/** The CI smoke variant: every scenario and code path, a few hundred sessions. */
export const SMALL_SIZE: BenchSize = { branches: 3, series: 60, horizonDays: 56 };

/**
 * Monday 2026-03-02 11:00 UTC. The 56-day horizon from here crosses the US
 * (03-08) and EU (03-29) spring-forward days and the end of southern DST
 * (Sydney, Auckland, 04-05), so DST handling is part of what is measured.
 */
export const BENCH_NOW = Date.parse('2026-03-02T11:00:00Z');

/**
 * Branch zones: more than ten, with DST in either hemisphere and without
 * (São Paulo dropped DST in 2019, Phoenix never observes it), and odd offsets
 * (Kolkata +05:30, St John's −03:30, Chatham +12:45).
 */
export const BENCH_ZONES = [
  'America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles',
  'America/Sao_Paulo', 'America/St_Johns', 'Europe/London', 'Europe/Berlin', 'Europe/Helsinki',
  'Africa/Johannesburg', 'Asia/Dubai', 'Asia/Kolkata', 'Asia/Tokyo', 'Australia/Sydney',
  'Pacific/Auckland', 'Pacific/Chatham', 'UTC',
] as const;

const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
/** Drawn uniformly: 1 once, 2 twice, 3, 4 and 5 three times each. */
const SESSIONS_PER_WEEK = [1, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5];
const TITLES = ['Yoga', 'Spin', 'Pilates', 'HIIT', 'Boxing', 'Barre', 'Zumba', 'Stretch', 'Kettlebells', 'Rowing'];

export interface LoadBranch {
  id: string;
  name: string;
  timezone: string;
}

export interface LoadSeriesRow {
  id: string;
  branchId: string;
  title: string;
  rrule: string;
  startDate: string;
  endDate: string | null;
  startTime: string;
  durationMinutes: number | null;
  capacity: number | null;
  instructorId: string | null;
  roomId: string | null;
  exdates: string[];
}

export interface SyntheticInputs {
  /** A load document, as `classctl load FILE` reads it. */
  load: { branches: LoadBranch[]; series: LoadSeriesRow[] };
  /** Raw SchedulingConfig documents: one base, plus branch documents that add closures. */
  configDocuments: unknown[];
  /** Ids of the series the `edit10` scenario edits: one in ten, in every branch. */
  editedSeriesIds: string[];
}

/** mulberry32: a tiny, well-mixed 32-bit generator; good enough for test data. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const hhmm = (minutes: number) => `${pad(Math.floor(minutes / 60), 2)}:${pad(minutes % 60, 2)}`;

/** `count` distinct weekdays in week order (a partial Fisher–Yates shuffle). */
function pickWeekdays(count: number, random: () => number): string[] {
  const pool: string[] = [...WEEKDAYS];
  for (let k = 0; k < count; k++) {
    const j = k + Math.floor(random() * (pool.length - k));
    [pool[k], pool[j]] = [pool[j]!, pool[k]!];
  }
  return pool.slice(0, count).sort((a, b) => WEEKDAYS.indexOf(a as never) - WEEKDAYS.indexOf(b as never));
}

function configDocument(name: string, scope: Record<string, string>, settings: unknown): unknown {
  return { apiVersion: 'scheduling.classctl.dev/v1', kind: 'SchedulingConfig', metadata: { name }, spec: { scope, settings } };
}

export function syntheticInputs(size: BenchSize, now: number = BENCH_NOW, seed = 20260302): SyntheticInputs {
  if (size.branches < 1 || size.series < size.branches) throw new Error('need at least one branch and one series per branch');
  const random = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1)); // inclusive
  const today = new Date(now).toISOString().slice(0, 10);
  const bw = String(size.branches).length;
  const sw = String(size.series).length;

  const branches: LoadBranch[] = Array.from({ length: size.branches }, (_, b) => ({
    id: `branch-${pad(b, bw)}`,
    name: `Branch ${b}`,
    timezone: BENCH_ZONES[b % BENCH_ZONES.length]!,
  }));

  const series: LoadSeriesRow[] = [];
  for (let i = 0; i < size.series; i++) {
    const branch = branches[i % size.branches]!;
    // One to five sessions a week on distinct weekdays, weighted towards more
    // (3.4 on average): ≈ 24 sessions per series in the 56-day horizon once
    // future starts, end dates, exdates and closures are taken off.
    const perWeek = SESSIONS_PER_WEEK[int(0, SESSIONS_PER_WEEK.length - 1)]!;
    const days = pickWeekdays(perWeek, random);
    // Most series started months ago; one in ten starts inside the horizon.
    const startDate = i % 10 === 3 ? addDays(today, int(1, 28)) : addDays(today, -int(1, 400));
    // One in ten ends inside the horizon (never before the day-roll scenario's today).
    const endDate = i % 10 === 7 ? addDays(today, int(7, Math.max(8, size.horizonDays - 7))) : null;
    // 06:00–21:00 in quarter hours; one in fifty at 02:30, inside the spring-forward gap of many zones.
    const startMinutes = i % 50 === 11 ? 150 : 6 * 60 + 15 * int(0, 60);
    const exdates = i % 10 === 5 ? [addDays(today, int(1, 20)), addDays(today, int(21, 40))].sort() : [];
    series.push({
      id: `series-${pad(i, sw)}`,
      branchId: branch.id,
      title: `${TITLES[i % TITLES.length]} ${i}`,
      rrule: `FREQ=WEEKLY;BYDAY=${days.join(',')}`,
      startDate,
      endDate,
      startTime: hhmm(startMinutes),
      durationMinutes: i % 3 === 0 ? null : 30 + 15 * int(0, 4),
      capacity: i % 5 === 0 ? null : int(8, 30),
      // One coach and one room per series: a chain plans its timetable to avoid
      // double bookings, so the plan carries no flood of warnings.
      instructorId: `coach-${pad(i, sw)}`,
      roomId: i % 4 === 0 ? null : `room-${pad(i, sw)}`,
      exdates,
    });
  }

  const configDocuments: unknown[] = [
    configDocument('base', {}, {
      generation: { enabled: true, horizonDays: size.horizonDays },
      dst: { nonexistentTime: 'shiftForward', ambiguousTime: 'earlier' },
      closures: { [addDays(today, 12)]: 'Chain-wide training day', [addDays(today, 33)]: 'Public holiday' },
      sessionDefaults: { durationMinutes: 60, capacity: 20 },
      removal: { unbooked: 'delete', booked: 'cancel' },
      cleanup: { deleteSeriesAfterDays: 30 },
      safety: { maxRemovalsPerRun: 500 },
    }),
  ];
  // Every seventh branch closes one more day of its own (a branch layer over the base).
  branches.forEach((b, k) => {
    if (k % 7 !== 0) return;
    configDocuments.push(configDocument(`closures-${b.id}`, { branch: b.id }, { closures: { [addDays(today, 5 + (k % 20))]: 'Refurbishment' } }));
  });

  // Every tenth series of every branch (series i is in branch i % branches).
  const editedSeriesIds = series.filter((_, i) => Math.floor(i / size.branches) % 10 === 0).map((s) => s.id);
  return { load: { branches, series }, configDocuments, editedSeriesIds };
}
