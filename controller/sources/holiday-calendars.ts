// spec.holidayCalendars of file documents: each named .ics file (a path
// relative to the config directory, or an https URL fetched and cached by
// remote-calendar.ts) is read and its all-day events become
// closures of the document's scope. The document's own closures win, so a
// document can correct a calendar's reason or keep a date open (null).
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { holidayClosures } from '../core/closures/holiday-calendar.js';
import { calendarCacheDir, readRemoteCalendar } from './remote-calendar.js';
import { joinPointer, type Problem } from '../core/errors.js';
import { scopeLabel } from '../core/config/scope.js';
import type { ConfigDocument } from '../core/types.js';

/** Adds each document's calendars to its closures; problems name the document and `/spec/holidayCalendars/NAME`. */
export async function attachHolidayCalendars(
  documents: ConfigDocument[],
  configDir: string,
  o: { cacheDir: string; nowMs: number } = { cacheDir: calendarCacheDir(), nowMs: Date.now() },
): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const d of documents) {
    if (!d.holidayCalendars) continue;
    const fromCalendars: Record<string, string> = {};
    const sources: NonNullable<ConfigDocument['holidayCalendarSources']> = {};
    const addClosures = (closures: Record<string, string>) => {
      for (const [key, reason] of Object.entries(closures)) {
        fromCalendars[key] = fromCalendars[key] === undefined ? reason : `${fromCalendars[key]}; ${reason}`;
      }
    };
    for (const [name, path] of Object.entries(d.holidayCalendars)) {
      const problem = (message: string): Problem => ({
        code: 'CONFIG_HOLIDAY_CALENDAR',
        scope: scopeLabel(d.scope),
        document: d.name,
        origin: d.origin,
        pointer: `/spec/holidayCalendars${joinPointer(name)}`,
        severity: 'error',
        message: `Holiday calendar "${name}" (${path}): ${message}`,
      });
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
        const remote = await readRemoteCalendar(path, { cacheDir: o.cacheDir, nowMs: o.nowMs });
        if (!remote.ok) {
          problems.push(problem(`${remote.why}. Check the URL, or download the .ics file into the config directory and name it by its path there.`));
          continue;
        }
        const { calendar } = remote;
        sources[name] = { source: path, fetchedAtMs: calendar.fetchedAtMs };
        if (calendar.staleBecause) {
          problems.push({
            ...problem(`could not be refreshed: ${calendar.staleBecause}. The copy fetched ${new Date(calendar.fetchedAtMs).toISOString()} is used until it can be.`),
            severity: 'warning',
          });
        }
        const read = holidayClosures(calendar.text);
        if (!read.ok) {
          problems.push(problem(`the calendar at this URL cannot be used: ${read.why}. Check that the URL serves an iCalendar (.ics) file.`));
          continue;
        }
        addClosures(read.closures);
        continue;
      }
      const full = join(configDir, path);
      const inside = relative(configDir, full);
      if (isAbsolute(path) || inside.startsWith('..') || isAbsolute(inside)) {
        problems.push(problem(`the path leaves the config directory "${configDir}". Put the file in it (a subdirectory is fine) and give its path relative to it.`));
        continue;
      }
      let text: string;
      try {
        if (!(await stat(full)).isFile()) {
          problems.push(problem(`"${full}" is not a regular file. Name the .ics file itself.`));
          continue;
        }
        text = await readFile(full, 'utf8');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? String(err);
        problems.push(problem(`cannot read "${full}" (${code}). Check the path, relative to the config directory "${configDir}".`));
        continue;
      }
      const read = holidayClosures(text);
      if (!read.ok) {
        problems.push(problem(`"${full}" cannot be used: ${read.why}. Export the calendar again as an .ics file (iCalendar).`));
        continue;
      }
      sources[name] = { source: path };
      addClosures(read.closures);
    }
    d.holidayCalendarSources = sources;
    const own = d.settings.closures;
    d.settings.closures = { ...fromCalendars, ...(own !== null && typeof own === 'object' ? (own as Record<string, unknown>) : {}) };
  }
  return problems;
}
