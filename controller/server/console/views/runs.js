// Runs: the journal (outcome, duration, counts, interrupted/resumed), and for
// a chosen run what it changed, from the change history.
import { getJson } from '../api.js';
import { el, replace } from '../dom.js';
import { duration, utc } from '../time.js';

export const title = 'Runs';

/** Changes of a run shown at a time: a first run creates thousands; the journal stays in sight below them. */
const CHANGES_PAGE = 25;

/** @param {HTMLElement} main @param {URLSearchParams} params @param {import('../app.js').Ctx} ctx */
export async function render(main, params, ctx) {
  const chosen = params.get('run');
  const [list, detail] = await Promise.all([getJson('/api/runs', { limit: 50 }), chosen ? getJson(`/api/runs/${encodeURIComponent(chosen)}`, { limit: CHANGES_PAGE }) : null]);
  if (!ctx.current()) return;
  replace(main, el('h1', null, 'Runs'), detail ? runDetail(detail) : null, runsTable(list.runs ?? [], chosen));
}

/** @param {any} s */
function counts(s) {
  s = s ?? {};
  return `+${s.create ?? 0} ~${s.update ?? 0} −${s.delete ?? 0} ✕${s.cancel ?? 0} archived ${s.seriesDeleted ?? 0}`;
}

/** @param {any[]} runs @param {string | null} chosen */
function runsTable(runs, chosen) {
  if (runs.length === 0) return el('p', { class: 'empty' }, 'No runs yet.');
  return el(
    'table',
    { class: 'runs', id: 'runs-table' },
    el('caption', null, 'The run journal, newest first (times UTC). Counts: + created, ~ updated, − deleted, ✕ cancelled.'),
    el('thead', null, el('tr', null, ['Run', 'Outcome', 'Mode', 'Planned at', 'Duration', 'Changes', 'Notes'].map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      null,
      runs.map((r) =>
        el(
          'tr',
          { class: ['run', `run--${r.status}`, r.id === chosen && 'run--chosen'], dataset: { runId: r.id } },
          el('th', { scope: 'row' }, el('a', { href: `#/runs?run=${encodeURIComponent(r.id)}`, 'aria-current': r.id === chosen ? 'true' : null }, r.id)),
          el('td', null, el('span', { class: `status status--${r.status}` }, r.status)),
          el('td', null, r.mode),
          el('td', null, utc(r.now)),
          el('td', null, r.status === 'interrupted' ? 'interrupted' : duration(r.startedAt, r.finishedAt)),
          el('td', null, counts(r.summary)),
          el('td', null, notes(r)),
        ),
      ),
    ),
  );
}

/** @param {any} r */
function notes(r) {
  const held = r.summary?.awaitingApproval;
  return [
    held ? [`plan held for approval ${held.approvalId ?? ''} `, el('a', { href: '#/approvals' }, 'see Approvals')] : '',
    r.resumedAfter ? `resumes run ${r.resumedAfter}` : '',
    r.error ?? '',
  ]
    .filter((x) => x !== '')
    .flatMap((x, i) => (i === 0 ? [x] : ['; ', x]));
}

/** @param {any} detail */
function runDetail(detail) {
  const r = detail.run;
  const changes = /** @type {any[]} */ (detail.changes ?? []);
  const section = el(
    'section',
    { class: 'run-detail', id: 'run-detail', 'aria-labelledby': 'run-detail-title' },
    el('h2', { id: 'run-detail-title' }, `Run ${r.id}: ${r.status}`),
    el('p', null, `Started ${utc(r.startedAt)}, finished ${utc(r.finishedAt)}, ${counts(r.summary)}.`, r.error ? el('span', { class: 'error' }, ` ${r.error}`) : null),
  );
  const body = el('tbody', null, changes.map(changeRow));
  section.append(
    changes.length === 0
      ? el('p', { class: 'empty' }, 'This run recorded no change.')
      : el('table', { class: 'changes' }, el('thead', null, el('tr', null, ['Change', 'Series', 'Session', 'Reason', 'Before → after'].map((h) => el('th', { scope: 'col' }, h)))), body),
  );
  let cursor = detail.nextCursor;
  if (cursor) {
    const more = el('button', { type: 'button', id: 'run-more' }, 'Show more changes');
    more.addEventListener('click', async () => {
      const next = await getJson(`/api/runs/${encodeURIComponent(r.id)}`, { limit: CHANGES_PAGE, cursor });
      for (const c of next.changes ?? []) body.append(changeRow(c));
      cursor = next.nextCursor;
      if (!cursor) more.remove();
    });
    section.append(more);
  }
  return section;
}

/** @param {any} c */
function changeRow(c) {
  const fields = Object.keys({ ...(c.before ?? {}), ...(c.after ?? {}) });
  const diff =
    c.kind === 'update'
      ? el('ul', { class: 'fields' }, fields.map((f) => el('li', null, el('code', null, f), `: ${show(c.before?.[f])} → ${show(c.after?.[f])}`)))
      : c.bookedCount
        ? `${c.bookedCount} booked`
        : '';
  return el('tr', { class: `change change--${c.kind}` }, el('td', null, el('span', { class: `kind kind--${c.kind}` }, c.kind)), el('td', null, c.seriesId), el('td', null, c.occurrenceKey ?? '—'), el('td', null, c.reason ?? ''), el('td', null, diff));
}

/** @param {unknown} v */
function show(v) {
  return v === null || v === undefined ? 'none' : typeof v === 'object' ? JSON.stringify(v) : String(v);
}
