// The run's log has one double-booking line per resource and pair of series,
// like the text plan, not one per date.
import t from 'tap';
import { PassThrough } from 'node:stream';
import { createLogger } from '../../controller/runtime/logger.js';
import { createRunTally } from '../../controller/runtime/run-tally.js';
import { findDoubleBookings } from '../../controller/core/double-booking.js';
import type { BranchPlan } from '../../controller/core/plan-types.js';
import type { DesiredSession } from '../../controller/core/types.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 11, 7, 14, 0);
const weekly = (seriesId: string, weeks: number, room: string): DesiredSession[] =>
  Array.from({ length: weeks }, (_, i) => {
    const start = T0 + i * 7 * DAY;
    return { seriesId, branchId: 'b', occurrenceKey: new Date(start).toISOString().slice(0, 10), title: seriesId, startsAt: start, endsAt: start + 3_600_000, timezone: 'UTC', instructorId: null, roomId: room, capacity: 10 };
  });

function branch(warnings: BranchPlan['warnings']): BranchPlan {
  return { branchId: 'b', timezone: 'UTC', today: '2026-12-01', seriesIds: [], changes: [], kept: [], skippedSeries: [], skippedByDst: [], problems: [], warnings };
}

const rows = [
  { name: 'two series sharing a room for six weeks: one line with six dates', weeks: 6, lines: 1, dates: 6 },
  { name: 'one shared date: one line', weeks: 1, lines: 1, dates: 1 },
  { name: 'no overlap: no line', weeks: 0, lines: 0, dates: 0 },
];

for (const row of rows) {
  t.test(row.name, async (t) => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => (text += d));
    const tally = createRunTally(createLogger({ level: 'info', destination: out, env: { CLASSCTL_LOG_FORMAT: 'json' } }), false);
    const warnings = findDoubleBookings('b', [...weekly('yoga', row.weeks, 'r1'), ...weekly('spin', row.weeks, 'r1')]);
    tally.record(branch(warnings));
    tally.logRunProblems({ problems: [], warnings });
    const lines = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { code?: string; dates?: number; seriesIds?: string[]; msg: string });
    const booked = lines.filter((l) => l.code === 'ROOM_DOUBLE_BOOKED');
    t.equal(booked.length, row.lines, 'one line per pair, logged once even though the run-level warnings repeat them');
    if (row.lines > 0) t.match(booked[0], { dates: row.dates, seriesIds: ['spin', 'yoga'], branchId: 'b', resourceId: 'r1', msg: /^Room "r1" \(branch b\) is booked twice/ });
  });
}
