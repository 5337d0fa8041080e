// Plan: what the next run would do, as the server plans it now (or at the
// `now` of a held plan), grouped by branch and series, with the fields of an
// update before → after. Read-only: nothing here writes.
import { getJson } from '../api.js';
import { countList, el, replace, selectField } from '../dom.js';
import { localDateTime } from '../time.js';
import { branches } from './branches.js';

export const title = 'Plan';

/** The kinds of change the filter offers, as the API names them. */
const KINDS = /** @type {Array<[string, string]>} */ ([
  ['', 'All changes'],
  ['create', 'Creates'],
  ['update', 'Updates'],
  ['delete', 'Deletes'],
  ['cancel', 'Cancels'],
  ['archive', 'Series archived'],
  ['booked', 'Changes to booked sessions'],
]);

/** Headings of the counts the API returns. */
export const COUNT_LABELS = {
  create: 'creates',
  update: 'updates',
  delete: 'deletes',
  cancel: 'cancels',
  archive: 'series archived',
  skipped: 'skipped',
  errors: 'errors',
  bookingsAffected: 'bookings affected',
  skippedByDst: 'skipped by a DST rule',
  warnings: 'warnings',
};

/** The order counts are shown in, whatever order the API gives them. */
const COUNT_ORDER = ['create', 'update', 'delete', 'cancel', 'archive', 'bookingsAffected', 'skippedByDst', 'warnings', 'skipped', 'errors'];

/**
 * The counts to show, in a fixed order: `seriesDeleted` is the same number as
 * `archive`, under the journal's name, so it is shown once.
 * @param {Record<string, number>} counts
 */
export function shownCounts(counts) {
  const { seriesDeleted, ...rest } = counts;
  /** @type {Record<string, number>} */
  const all = 'archive' in rest || seriesDeleted === undefined ? rest : { ...rest, archive: seriesDeleted };
  const rank = (/** @type {string} */ k) => (COUNT_ORDER.indexOf(k) === -1 ? COUNT_ORDER.length : COUNT_ORDER.indexOf(k));
  return Object.fromEntries(Object.entries(all).sort(([a], [b]) => rank(a) - rank(b)));
}

/** @param {HTMLElement} main @param {URLSearchParams} params @param {import('../app.js').Ctx} ctx */
export async function render(main, params, ctx) {
  const all = await branches();
  const branch = params.get('branch') ?? '';
  const kind = params.get('kind') ?? '';
  const now = params.get('now') ?? '';
  const state = { branch, kind, now };
  /** @param {Partial<typeof state>} change */
  const go = (change) => ctx.go('plan', { ...state, ...change });
  const body = await getJson('/api/plan/summary', { branch, kind, now });
  if (!ctx.current()) return;
  const zones = new Map(all.map((b) => [b.id, b.timeZone]));

  const controls = el(
    'div',
    { class: 'controls', role: 'group', 'aria-label': 'Plan filters' },
    selectField({ id: 'plan-branch', label: 'Branch', value: branch, options: [['', 'All branches'], ...all.map((b) => /** @type {[string, string]} */ ([b.id, b.name]))], onChange: (v) => go({ branch: v }) }),
    selectField({ id: 'plan-kind', label: 'Kind of change', value: kind, options: KINDS, onChange: (v) => go({ kind: v }) }),
    now ? el('p', { class: 'field' }, `Planned at ${now}, not at the current time. `, el('a', { href: '#/plan' }, 'Plan at the current time')) : null,
  );

  const groups = /** @type {any[]} */ (body.branches ?? []);
  replace(
    main,
    el('h1', null, 'Plan'),
    el('p', { class: 'summary' }, `What the next run would do, planned at ${body.now}. Nothing is written from this page.`),
    controls,
    el('section', { 'aria-labelledby': 'plan-totals' }, el('h2', { id: 'plan-totals' }, 'Totals'), el('div', { id: 'plan-totals-list' }, countList(shownCounts(body.totals ?? {}), COUNT_LABELS))),
    warnings(body.warnings ?? []),
    skippedByDst(body.skippedByDst ?? []),
    (body.errors ?? []).length > 0
      ? el('section', { class: 'warnings' }, el('h2', null, 'Errors'), el('ul', null, body.errors.map((/** @type {any} */ e) => el('li', { class: 'error' }, `${e.code} ${e.document ?? ''} ${e.pointer ?? ''}: ${e.message}`))))
      : null,
    body.truncated ? el('p', { class: 'note' }, 'Only the first changes are listed; the totals count them all. Filter by branch or kind to see others.') : null,
    groups.length === 0 ? el('p', { class: 'empty' }, 'No changes.') : groups.map((g) => branchSection(g, zones.get(g.branchId) ?? 'UTC', kind)),
  );
  ctx.announce('Plan loaded.');
}

/** @param {any[]} list */
function warnings(list) {
  if (list.length === 0) return null;
  return el(
    'section',
    { 'aria-labelledby': 'plan-warnings', class: 'warnings' },
    el('h2', { id: 'plan-warnings' }, `Warnings (${list.length})`),
    el('ul', null, list.map((w) => el('li', null, w.code ? el('code', null, w.code) : null, ' ', w.message ?? JSON.stringify(w)))),
  );
}

/** @param {any[]} list */
function skippedByDst(list) {
  if (list.length === 0) return null;
  return el(
    'section',
    { 'aria-labelledby': 'plan-dst', class: 'warnings' },
    el('h2', { id: 'plan-dst' }, `Sessions skipped by a DST rule (${list.length})`),
    el('ul', null, list.map((x) => el('li', null, `${x.seriesId} on ${x.occurrenceKey}: ${x.localTime} does not exist in ${x.timezone} that day (${x.rule})`))),
  );
}

/** @param {any} g @param {string} timeZone @param {string} kind */
function branchSection(g, timeZone, kind) {
  const series = (g.series ?? []).filter((/** @type {any} */ s) => !kind || (s.changes ?? []).length > 0);
  return el(
    'section',
    { class: 'plan-branch', dataset: { branchId: g.branchId } },
    el('h2', null, `Branch ${g.branchId}`),
    countList(shownCounts(g.counts ?? {}), COUNT_LABELS),
    (g.skippedSeries ?? []).length > 0 ? el('p', { class: 'note' }, 'Left out of the plan: ', g.skippedSeries.map((/** @type {any} */ x) => `${x.seriesId} (${x.reason})`).join('; ')) : null,
    series.length === 0 ? el('p', { class: 'empty' }, kind ? 'No change of this kind.' : 'Nothing to change.') : null,
    series.map((/** @type {any} */ s) =>
      el(
        'details',
        { class: 'plan-series', open: series.length <= 5, dataset: { seriesId: s.seriesId } },
        el('summary', null, el('span', { class: 'series-id' }, s.seriesId), ' ', countInline(s.counts ?? {})),
        changesTable(s.changes ?? [], timeZone),
      ),
    ),
  );
}

/** @param {Record<string, number>} counts */
function countInline(counts) {
  return Object.entries(counts)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${v} ${COUNT_LABELS[/** @type {keyof typeof COUNT_LABELS} */ (k)] ?? k}`)
    .join(', ');
}

/** @param {any[]} changes @param {string} timeZone */
function changesTable(changes, timeZone) {
  if (changes.length === 0) return el('p', { class: 'empty' }, 'Not listed: past the number of changes shown. The counts include them.');
  return el(
    'table',
    { class: 'changes' },
    el('thead', null, el('tr', null, el('th', { scope: 'col' }, 'Change'), el('th', { scope: 'col' }, 'Session'), el('th', { scope: 'col' }, 'Details'))),
    el(
      'tbody',
      null,
      changes.map((c) => {
        const zone = c.after?.timezone ?? c.before?.timezone ?? timeZone;
        return el(
          'tr',
          { class: `change change--${c.action}` },
          el('td', null, el('span', { class: `kind kind--${c.action}` }, c.action === 'delete-series' ? 'archive series' : c.action)),
          el('td', null, c.occurrenceKey ?? '—', c.after ?? c.before ? el('div', { class: 'muted' }, localDateTime((c.after ?? c.before).startsAt, zone)) : null),
          el('td', null, changeDetails(c, zone)),
        );
      }),
    ),
  );
}

/** @param {any} c @param {string} zone */
function changeDetails(c, zone) {
  const parts = [];
  if (c.action === 'update' && c.before && c.after) {
    const fields = c.fields ?? Object.keys(c.after).filter((f) => JSON.stringify(c.before[f]) !== JSON.stringify(c.after[f]));
    parts.push(el('ul', { class: 'fields' }, fields.map((/** @type {string} */ f) => el('li', null, el('code', null, f), ': ', fmt(f, c.before[f], zone), ' → ', fmt(f, c.after[f], zone)))));
  } else if (c.action === 'create' && c.after) {
    parts.push(`${c.after.title} · ${[c.after.roomId, c.after.instructorId].filter(Boolean).join(' · ') || 'no room or instructor'}`);
  } else if (c.before) {
    parts.push(`${c.before.title}`);
  }
  if (c.bookedCount) parts.push(el('strong', { class: 'booked-note' }, ` ${c.bookedCount} booked`));
  if (c.reason) parts.push(el('div', { class: 'muted' }, `reason: ${c.reason}`));
  return parts;
}

/** @param {string} field @param {unknown} v @param {string} zone */
function fmt(field, v, zone) {
  if (v === null || v === undefined) return 'none';
  if ((field === 'startsAt' || field === 'endsAt') && typeof v === 'string') return localDateTime(v, zone);
  return String(v);
}
