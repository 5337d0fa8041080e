// Series: the class series of a branch, one series' resolved settings with
// the document that set each field (explain), and the configuration's
// problems.
import { getJson } from '../api.js';
import { el, replace, selectField } from '../dom.js';
import { branches } from './branches.js';

export const title = 'Series';

/** @param {HTMLElement} main @param {URLSearchParams} params @param {import('../app.js').Ctx} ctx */
export async function render(main, params, ctx) {
  const all = await branches();
  const branch = params.get('branch') ?? all[0]?.id ?? '';
  const id = params.get('id');
  const [problems, list, explain] = await Promise.all([
    getJson('/api/problems'),
    branch ? getJson('/api/series', { branch, status: 'all', limit: 1000 }) : { series: [], nextCursor: null },
    id ? getJson(`/api/series/${encodeURIComponent(id)}/explain`) : null,
  ]);
  if (!ctx.current()) return;
  replace(
    main,
    el('h1', null, 'Series'),
    problemsSection([...(problems.errors ?? []), ...(problems.warnings ?? [])], problems.documents ?? []),
    el(
      'div',
      { class: 'controls' },
      selectField({ id: 'series-branch', label: 'Branch', value: branch, options: all.map((b) => /** @type {[string, string]} */ ([b.id, b.name])), onChange: (v) => ctx.go('series', { branch: v }) }),
    ),
    el('div', { class: 'split' }, seriesList(list.series ?? [], branch, id), explain ? explainSection(explain) : el('p', { class: 'muted' }, 'Choose a series to see its settings and where each comes from.')),
  );
}

/** @param {any[]} problems @param {any[]} [documents] */
function problemsSection(problems, documents = []) {
  return el(
    'section',
    { class: ['problems', problems.length > 0 && 'problems--some'], id: 'problems', 'aria-labelledby': 'problems-title' },
    el('h2', { id: 'problems-title' }, problems.length === 0 ? 'Configuration: no problems' : `Configuration problems (${problems.length})`),
    problems.length === 0
      ? null
      : el(
          'ul',
          null,
          problems.map((p) =>
            el('li', { class: `problem problem--${p.severity ?? 'error'}` }, el('strong', null, `${p.severity ?? 'error'} ${p.code ?? ''}`), ` ${p.document ?? ''}${p.origin ? ` (${p.origin})` : ''}${p.pointer ? ` ${p.pointer}` : ''}: ${p.message}`),
          ),
        ),
    documents.length > 0
      ? el('details', null, el('summary', null, `${documents.length} configuration documents`), el('ul', null, documents.map((d) => el('li', null, `${d.name} — ${d.scope} (${d.origin})`))))
      : null,
  );
}

/** @param {any[]} series @param {string} branch @param {string | null} chosen */
function seriesList(series, branch, chosen) {
  if (series.length === 0) return el('p', { class: 'empty' }, 'No series in this branch.');
  return el(
    'ul',
    { class: 'series-list', id: 'series-list', 'aria-label': 'Series of the branch' },
    series.map((s) =>
      el(
        'li',
        { class: s.archived || s.status === 'archived' ? 'archived' : null },
        // An archived series has no settings any more (explain answers 404): listed, not linked.
        s.status === 'archived' ? el('span', null, s.title ?? s.id) : el('a', { href: `#/series?branch=${encodeURIComponent(branch)}&id=${encodeURIComponent(s.id)}`, 'aria-current': s.id === chosen ? 'true' : null }, s.title ?? s.id),
        el('span', { class: 'muted' }, ` ${s.id}${s.roomId ? ` · ${s.roomId}` : ''}${s.instructorId ? ` · ${s.instructorId}` : ''}${s.status === 'archived' ? ' · archived' : ''}`),
      ),
    ),
  );
}

/** @param {any} x */
function explainSection(x) {
  const head = el('h2', { id: 'explain-title' }, `Settings of ${x.series ?? x.branch}`);
  if (!x.valid) {
    return el('section', { id: 'explain', 'aria-labelledby': 'explain-title' }, head, el('p', { class: 'error' }, 'The configuration of this series is invalid; its sessions are left as they are until it is fixed.'), problemsSection(x.problems ?? []));
  }
  return el(
    'section',
    { id: 'explain', 'aria-labelledby': 'explain-title' },
    head,
    el('p', null, 'Layers, lowest first: ', (x.layers ?? []).map((/** @type {any} */ l) => `${l.document} (${l.origin})`).join(' ⊕ ')),
    el(
      'table',
      { class: 'explain' },
      el('caption', null, 'Each resolved setting and the document that set it'),
      el('thead', null, el('tr', null, ['Setting', 'Value', 'Set by'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', null, (x.fields ?? []).map((/** @type {any} */ f) => el('tr', null, el('th', { scope: 'row' }, el('code', null, f.pointer)), el('td', null, JSON.stringify(f.value)), el('td', null, `${f.document} (${f.origin})`)))),
    ),
    x.sessionFields
      ? el(
          'table',
          { class: 'explain' },
          el('caption', null, 'What each session of the series gets'),
          el('thead', null, el('tr', null, ['Field', 'Value', 'From'].map((h) => el('th', { scope: 'col' }, h)))),
          el('tbody', null, x.sessionFields.map((/** @type {any} */ f) => el('tr', null, el('th', { scope: 'row' }, f.field), el('td', null, f.value === null ? 'none' : JSON.stringify(f.value)), el('td', null, `${typeof f.source === 'string' ? f.source : JSON.stringify(f.source)}${f.note ? `; ${f.note}` : ''}`)))),
        )
      : null,
  );
}
