// The window of local dates a run generates for one series:
// [max(startDate, today), min(endDate, today + horizonDays)], both ends
// inclusive. Dates are `YYYY-MM-DD` texts, so they compare as strings.
import type { ClassSeries, LocalDate } from '../types.js';
import { addDays } from './local-date.js';

export interface GenerationWindow {
  from: LocalDate;
  to: LocalDate;
}

/** The window, or null when it is empty (the series ended before today, or starts after the horizon). */
export function generationWindow(
  series: Pick<ClassSeries, 'startDate' | 'endDate'>,
  today: LocalDate,
  horizonDays: number,
): GenerationWindow | null {
  const horizonEnd = horizonEndOf(today, horizonDays);
  const from = series.startDate > today ? series.startDate : today;
  const endDate = series.endDate ?? null; // absent in a hand-written input means open-ended, like null
  const to = endDate !== null && endDate < horizonEnd ? endDate : horizonEnd;
  return from <= to ? { from, to } : null;
}

// Every series of a branch asks for the same horizon end, several times per
// run (the window, what an earlier run settled, the slice): the last few are
// kept rather than parsing and formatting the date again.
const recentHorizonEnds: Array<{ today: LocalDate; horizonDays: number; end: LocalDate }> = [];
const RECENT_HORIZON_ENDS = 4;

function horizonEndOf(today: LocalDate, horizonDays: number): LocalDate {
  for (const r of recentHorizonEnds) if (r.today === today && r.horizonDays === horizonDays) return r.end;
  const end = addDays(today, horizonDays);
  if (recentHorizonEnds.length === RECENT_HORIZON_ENDS) recentHorizonEnds.pop();
  recentHorizonEnds.unshift({ today, horizonDays, end });
  return end;
}
