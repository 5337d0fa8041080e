// A holiday calendar (iCalendar text) as closures: each all-day VEVENT closes
// its dates, with its SUMMARY as the reason. Pure: text in, closures out.
//
// An event with DTSTART;VALUE=DATE closes from DTSTART to the day before
// DTEND (DTEND is exclusive; without DTEND or DURATION it is one day). Events
// with a time of day are not holidays and are skipped, as are recurrence rules
// (holiday calendars publish each year's dates as their own events).
import ICAL from 'ical.js';
import type { LocalDate } from '../types.js';
import { addDays } from '../generation/local-date.js';

export type HolidayRead = { ok: true; closures: Record<string, string>; events: number; skipped: number } | { ok: false; why: string };

export function holidayClosures(text: string): HolidayRead {
  let root: InstanceType<typeof ICAL.Component>;
  try {
    root = new ICAL.Component(ICAL.parse(text));
  } catch (err) {
    return { ok: false, why: `it is not iCalendar text (${err instanceof Error ? err.message : String(err)})` };
  }
  if (root.name !== 'vcalendar') return { ok: false, why: `it holds a ${root.name.toUpperCase()}, not a VCALENDAR` };
  const closures: Record<string, string> = {};
  let events = 0;
  let skipped = 0;
  for (const vevent of root.getAllSubcomponents('vevent')) {
    const event = new ICAL.Event(vevent);
    const start = event.startDate;
    if (!start || !start.isDate || vevent.hasProperty('rrule')) {
      skipped++;
      continue;
    }
    const from: LocalDate = start.toString();
    const end = event.endDate;
    // DTEND is exclusive; an event without one (or ending on its start day) is that day.
    const lastExclusive = end && end.isDate ? end.toString() : addDays(from, 1);
    const to = lastExclusive > from ? addDays(lastExclusive, -1) : from;
    const key = from === to ? from : `${from}/${to}`;
    const summary = (event.summary ?? '').trim() || 'Holiday';
    closures[key] = closures[key] === undefined ? summary : `${closures[key]}; ${summary}`;
    events++;
  }
  return { ok: true, closures, events, skipped };
}
