// The worked DST tables of docs/generation-rules.md, computed by
// desiredSessions() itself (never by hand). generation-docs.test.ts fails when
// the document and this output differ. To refresh the document, print them:
//   node --import ./bin/register.js test/core/generation/dst-worked-table.ts
import { Temporal } from '@js-temporal/polyfill';
import { pathToFileURL } from 'node:url';
import { desiredSessions } from '../../../controller/core/generation/desired-sessions.js';
import type { AmbiguousTimePolicy, NonexistentTimePolicy } from '../../../controller/core/types.js';
import { classifyWallClock } from '../../../controller/core/generation/zoned-time.js';
import { series, settings } from './generation-fixtures.js';

interface TransitionDay {
  zone: string;
  date: string;
  kind: 'spring-forward' | 'fall-back';
  times: string[];
}

export const WORKED_DAYS: TransitionDay[] = [
  { zone: 'America/New_York', date: '2026-03-08', kind: 'spring-forward', times: ['01:30', '02:00', '02:30', '03:00'] },
  { zone: 'America/New_York', date: '2026-11-01', kind: 'fall-back', times: ['00:30', '01:00', '01:30', '02:00'] },
  { zone: 'Australia/Lord_Howe', date: '2026-10-04', kind: 'spring-forward', times: ['01:45', '02:00', '02:15', '02:30'] },
  { zone: 'Australia/Lord_Howe', date: '2026-04-05', kind: 'fall-back', times: ['01:15', '01:30', '01:45', '02:00'] },
];

const DURATION_MINUTES = 60;

/** `03:30 −04:00 (07:30Z)`: the local wall clock with its offset, then UTC. */
function describe(ms: number, zone: string): string {
  const z = Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone);
  const utc = new Date(ms).toISOString();
  const utcText = utc.slice(0, 10) === z.toPlainDate().toString() ? utc.slice(11, 16) : `${utc.slice(5, 10)} ${utc.slice(11, 16)}`;
  return `${z.toPlainTime().toString().slice(0, 5)} ${z.offset} (${utcText} UTC)`;
}

function generate(day: TransitionDay, time: string, nonexistentTime: NonexistentTimePolicy, ambiguousTime: AmbiguousTimePolicy): string {
  const result = desiredSessions({
    series: series({ startDate: day.date, endDate: day.date, startTime: time, durationMinutes: DURATION_MINUTES }),
    timezone: day.zone,
    settings: settings({ dst: { nonexistentTime, ambiguousTime } }),
    now: Date.parse(`${day.date}T00:00:00Z`) - 7 * 86_400_000,
  });
  const s = result.sessions[0];
  if (!s) return result.skippedByDst.includes(day.date) ? 'no session (skipped)' : 'no session';
  return `${describe(s.startsAt, day.zone)} → ${describe(s.endsAt, day.zone)}`;
}

function clockSays(day: TransitionDay, time: string): string {
  const kind = classifyWallClock(day.zone, Date.parse(`${day.date}T${time}:00Z`));
  return kind === 'gap' ? 'does not exist' : kind === 'overlap' ? 'happens twice' : 'exists once';
}

export function renderDstWorkedTables(): string {
  const out: string[] = [];
  for (const day of WORKED_DAYS) {
    const spring = day.kind === 'spring-forward';
    out.push(`#### ${day.zone}, ${day.kind} day ${day.date}`, '');
    const policies: Array<[string, NonexistentTimePolicy, AmbiguousTimePolicy]> = spring
      ? [
          ['`nonexistentTime: shiftForward`', 'shiftForward', 'earlier'],
          ['`nonexistentTime: skip`', 'skip', 'earlier'],
        ]
      : [
          ['`ambiguousTime: earlier`', 'shiftForward', 'earlier'],
          ['`ambiguousTime: later`', 'shiftForward', 'later'],
        ];
    out.push(`| startTime | on the clock | ${policies.map((p) => p[0]).join(' | ')} |`, `|---|---|${policies.map(() => '---').join('|')}|`);
    for (const time of day.times) {
      out.push(`| ${time} | ${clockSays(day, time)} | ${policies.map(([, n, a]) => generate(day, time, n, a)).join(' | ')} |`);
    }
    out.push('');
  }
  return out.join('\n').trimEnd() + '\n';
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.stdout.write(renderDstWorkedTables());
