// Schedule: one branch's week as a calendar in the branch's time zone. The
// server gives each session's local date and "HH:MM" in that zone, so the
// grid never converts an instant with the browser's zone.
import { getJson } from '../api.js';
import { el, replace, selectField } from '../dom.js';
import { addDays, dayLabel, localParts, mondayOf, todayIn } from '../time.js';
import { layoutWeek } from '../week-layout.js';
import { branches } from './branches.js';

export const title = 'Schedule';

/** Pixels per minute of the grid: 72 px an hour, so a 30-minute class shows its time, title and room. */
const PX_PER_MIN = 1.2;

/**
 * @typedef {{kind: 'room' | 'instructor', sessionId: string, seriesId: string}} Conflict
 * @typedef {{id: string, seriesId: string, title: string, start: string, end: string, localDate: string, localStart: string, localEnd: string,
 *   room: string | null, instructor: string | null, capacity: number | null, booked: number, status: string, detached: boolean, conflicts: Conflict[]}} Session
 * @typedef {{date: string, dstChange: null | {offsetBefore: string, offsetAfter: string}, closures: Array<{reason: string | null, allDay: boolean, start: string | null, end: string | null}>}} Day
 */

/** @param {HTMLElement} main @param {URLSearchParams} params @param {import('../app.js').Ctx} ctx */
export async function render(main, params, ctx) {
  const started = performance.now();
  const all = await branches();
  if (all.length === 0) {
    replace(main, el('h1', null, title), el('p', null, 'No branches yet: load some with `classctl load FILE --apply`.'));
    return;
  }
  const branch = all.find((b) => b.id === params.get('branch')) ?? all[0];
  const room = params.get('room') ?? '';
  const instructor = params.get('instructor') ?? '';
  const requested = /^\d{4}-\d{2}-\d{2}$/.test(params.get('week') ?? '') ? /** @type {string} */ (params.get('week')) : todayIn(branch.timeZone);
  const from = mondayOf(requested);
  const state = { branch: branch.id, week: from, room, instructor };
  /** @param {Partial<typeof state>} change */
  const go = (change) => ctx.go('schedule', { ...state, ...change });

  const body = await getJson('/api/schedule', { branch: branch.id, from, days: 7, room, instructor });
  if (!ctx.current()) return;
  const fetched = performance.now();

  const controls = el(
    'div',
    { class: 'controls', role: 'group', 'aria-label': 'Schedule filters' },
    selectField({ id: 'branch', label: 'Branch', value: branch.id, options: all.map((b) => [b.id, `${b.name} (${b.timeZone})`]), onChange: (v) => go({ branch: v, room: '', instructor: '' }) }),
    selectField({ id: 'room', label: 'Room', value: room, options: [['', 'All rooms'], ...choices(branch.rooms, room)], onChange: (v) => go({ room: v }) }),
    selectField({ id: 'instructor', label: 'Instructor', value: instructor, options: [['', 'All instructors'], ...choices(branch.instructors, instructor)], onChange: (v) => go({ instructor: v }) }),
    el(
      'div',
      { class: 'field week-nav' },
      el('button', { type: 'button', id: 'week-prev', on: { click: () => go({ week: addDays(from, -7) }) } }, '← Previous week'),
      el('label', { for: 'week-date' }, 'Week of'),
      el('input', { type: 'date', id: 'week-date', value: from, on: { change: (e) => { const v = /** @type {HTMLInputElement} */ (e.target).value; if (v) go({ week: mondayOf(v) }); } } }),
      el('button', { type: 'button', id: 'week-today', on: { click: () => go({ week: mondayOf(todayIn(branch.timeZone)) }) } }, 'This week'),
      el('button', { type: 'button', id: 'week-next', on: { click: () => go({ week: addDays(from, 7) }) } }, 'Next week →'),
    ),
  );

  /** @type {Session[]} */
  const sessions = body.sessions;
  const conflicted = sessions.filter((s) => s.conflicts.length > 0).length;
  const summary = el(
    'p',
    { class: 'summary', id: 'schedule-summary' },
    `${sessions.length} sessions from ${body.from} to ${addDays(body.to, -1)}, times in ${body.branch.timeZone}.`,
    conflicted ? el('strong', { class: 'conflict-note' }, ` ${conflicted} in a double booking.`) : null,
    body.truncated ? el('strong', null, ` Only the first ${body.limit} are shown: filter by room or instructor.`) : null,
    body.closuresKnown === false ? el('strong', null, " Closures are not shown: the branch's configuration does not resolve (see Series).") : null,
  );

  replace(main, el('h1', null, `Schedule · ${branch.name}`), controls, legend(), summary, weekGrid(body.days, sessions, body.branch.timeZone, branch.id));
  ctx.announce(`${sessions.length} sessions in the week of ${from}.`);
  // Reading a layout property makes the browser lay the week out now, so the
  // measure covers drawing it (docs/console.md quotes these figures).
  void main.offsetHeight;
  performance.measure('classctl:schedule', { start: started, end: performance.now(), detail: { sessions: sessions.length, fetchMs: fetched - started } });
}

/**
 * The options of a filter; a value from the address that the branch does not
 * list (a bookmark from before a change) stays selectable, so the picker shows
 * the filter that is applied.
 * @param {string[]} values @param {string} current @returns {Array<[string, string]>}
 */
function choices(values, current) {
  const all = current && !values.includes(current) ? [...values, current] : values;
  return all.map((v) => [v, v]);
}

function legend() {
  return el(
    'ul',
    { class: 'legend', 'aria-label': 'Legend' },
    el('li', null, el('span', { class: 'swatch session--booked' }), 'booked'),
    el('li', null, el('span', { class: 'swatch session--cancelled' }), 'cancelled'),
    el('li', null, el('span', { class: 'swatch session--detached' }), 'edited by a person (detached)'),
    el('li', null, el('span', { class: 'swatch session--conflict' }), 'double booking'),
    el('li', null, el('span', { class: 'swatch day--dst' }), 'DST change'),
    el('li', null, el('span', { class: 'swatch day--closure' }), 'closure'),
  );
}

/** @param {Day[]} days @param {Session[]} sessions @param {string} timeZone @param {string} branchId */
function weekGrid(days, sessions, timeZone, branchId) {
  const { byDate, firstMin, lastMin } = layoutWeek(
    days.map((d) => d.date),
    sessions,
  );
  const height = (lastMin - firstMin) * PX_PER_MIN;
  const hours = [];
  for (let m = firstMin; m < lastMin; m += 60) hours.push(el('div', { class: 'hour', 'aria-hidden': 'true', vars: { '--top': `${(m - firstMin) * PX_PER_MIN}px` } }, `${String(m / 60).padStart(2, '0')}:00`));
  return el(
    'div',
    { class: 'week', id: 'week', vars: { '--grid-height': `${height}px`, '--hour': `${60 * PX_PER_MIN}px` } },
    el('div', { class: 'hours', 'aria-hidden': 'true' }, el('div', { class: 'day-head' }), el('div', { class: 'day-body' }, hours)),
    days.map((day) => {
      const placed = byDate.get(day.date) ?? [];
      const marks = dayMarks(day, timeZone);
      return el(
        'section',
        { class: ['day', day.dstChange && 'day--dst', day.closures.length > 0 && 'day--closure'], 'aria-label': `${dayLabel(day.date)} ${day.date}`, dataset: { date: day.date } },
        el('div', { class: 'day-head' }, el('h2', null, dayLabel(day.date)), marks),
        el(
          'ol',
          { class: 'day-body' },
          placed.length === 0 ? el('li', { class: 'empty' }, 'No sessions') : null,
          placed.map((p) =>
            el(
              'li',
              {
                class: 'slot',
                vars: {
                  '--top': `${(p.startMin - firstMin) * PX_PER_MIN}px`,
                  '--height': `${Math.max(18, (p.endMin - p.startMin) * PX_PER_MIN)}px`,
                  '--lane': String(p.lane),
                  '--lanes': String(p.lanes),
                },
              },
              sessionCard(/** @type {Session} */ (p.session), branchId),
            ),
          ),
        ),
      );
    }),
  );
}

/** @param {Day} day @param {string} timeZone */
function dayMarks(day, timeZone) {
  const marks = [];
  if (day.dstChange) marks.push(el('p', { class: 'mark mark--dst' }, `DST change: ${day.dstChange.offsetBefore} → ${day.dstChange.offsetAfter}`));
  for (const c of day.closures) {
    const when = c.allDay || !c.start || !c.end ? 'all day' : `${localParts(c.start, timeZone).time}–${localParts(c.end, timeZone).time}`;
    marks.push(el('p', { class: 'mark mark--closure' }, `Closed ${when}${c.reason ? `: ${c.reason}` : ''}`));
  }
  return marks;
}

/** @param {Session} s @param {string} branchId */
function sessionCard(s, branchId) {
  const cancelled = s.status === 'cancelled';
  const booked = s.booked > 0;
  const conflictKinds = [...new Set(s.conflicts.map((c) => c.kind))];
  const states = [cancelled && 'cancelled', s.detached && 'edited by a person (detached)', booked && `${s.booked} booked`, ...conflictKinds.map((k) => `double booking: ${k}`)].filter(Boolean);
  const label =
    `${s.title}, ${dayLabel(s.localDate)} ${s.localStart}–${s.localEnd}` +
    `${s.room ? `, room ${s.room}` : ''}${s.instructor ? `, instructor ${s.instructor}` : ''}` +
    `, ${s.booked} of ${s.capacity ?? 'unlimited'} booked${states.length ? `; ${states.join('; ')}` : ''}`;
  // A link to its series' settings (Series view): focusable, and Enter opens where its values come from.
  return el(
    'a',
    {
      class: ['session', cancelled && 'session--cancelled', s.detached && 'session--detached', booked && 'session--booked', conflictKinds.length > 0 && 'session--conflict'],
      href: `#/series?branch=${encodeURIComponent(branchId)}&id=${encodeURIComponent(s.seriesId)}`,
      'aria-label': label,
      title: label,
      dataset: { sessionId: s.id, seriesId: s.seriesId, start: s.start, localDate: s.localDate, localStart: s.localStart },
    },
    el('p', { class: 'session-time' }, `${s.localStart}–${s.localEnd}`),
    el('p', { class: 'session-title' }, s.title),
    // First after the title: a short session's box shows only its first lines.
    conflictKinds.length > 0 ? el('p', { class: 'badges' }, conflictKinds.map((k) => el('span', { class: 'badge badge--conflict' }, `double booking: ${k}`))) : null,
    el('p', { class: 'session-where' }, [s.room, s.instructor].filter(Boolean).join(' · ') || '—'),
    el('p', { class: 'session-seats' }, `${s.booked}/${s.capacity ?? '∞'} booked`),
    cancelled || s.detached
      ? el('p', { class: 'badges' }, cancelled ? el('span', { class: 'badge badge--cancelled' }, 'cancelled') : null, s.detached ? el('span', { class: 'badge badge--detached' }, 'edited') : null)
      : null,
  );
}
