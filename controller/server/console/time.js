// Dates and times for display. Local dates are plain "YYYY-MM-DD" strings and
// are stepped with UTC arithmetic (no zone involved); an instant is shown in
// a named zone (the branch's) through Intl, never in the browser's own zone.

/** @param {string} date "YYYY-MM-DD" @param {number} days @returns {string} */
export function addDays(date, days) {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The Monday on or before date. @param {string} date @returns {string} */
export function mondayOf(date) {
  const [y, m, d] = date.split('-').map(Number);
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay(); // 0 = Sunday
  return addDays(date, -((weekday + 6) % 7));
}

/** Today's date in a zone. @param {string} timeZone @param {number} [nowMs] */
export function todayIn(timeZone, nowMs = Date.now()) {
  return localParts(new Date(nowMs).toISOString(), timeZone).date;
}

/** @type {Map<string, Intl.DateTimeFormat>} */
const formats = new Map();

/** An instant's wall-clock date and time in a zone. @param {string} iso @param {string} timeZone @returns {{date: string, time: string}} */
export function localParts(iso, timeZone) {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

/** "2026-11-23 07:00" in the zone. @param {string | null} iso @param {string} timeZone */
export function localDateTime(iso, timeZone) {
  if (!iso) return '—';
  const p = localParts(iso, timeZone);
  return `${p.date} ${p.time}`;
}

const DAY_LABEL = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' });
/** @type {Map<string, string>} */
const dayLabels = new Map();

/** "Mon 23 Nov" (cached: a week asks for the same seven dates hundreds of times). @param {string} date */
export function dayLabel(date) {
  let label = dayLabels.get(date);
  if (label === undefined) {
    const [y, m, d] = date.split('-').map(Number);
    label = DAY_LABEL.format(new Date(Date.UTC(y, m - 1, d)));
    dayLabels.set(date, label);
  }
  return label;
}

/** Minutes after midnight of "HH:MM". @param {string} hhmm */
export function minutesOf(hhmm) {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/** An instant as UTC, for journals: "2026-11-25 15:00:03Z". @param {string | null} iso */
export function utc(iso) {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z` : '—';
}

/** @param {string | null} startIso @param {string | null} endIso */
export function duration(startIso, endIso) {
  if (!startIso || !endIso) return '—';
  const ms = Math.max(0, Date.parse(endIso) - Date.parse(startIso));
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
