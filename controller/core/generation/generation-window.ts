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
  const horizonEnd = addDays(today, horizonDays);
  const from = series.startDate > today ? series.startDate : today;
  const endDate = series.endDate ?? null; // absent in a hand-written input means open-ended, like null
  const to = endDate !== null && endDate < horizonEnd ? endDate : horizonEnd;
  return from <= to ? { from, to } : null;
}
