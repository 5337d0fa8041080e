// Approvals: plans the controller holds instead of applying them (serve
// --approval removals|always). Approve applies exactly that plan, or the
// server refuses it as stale; Reject drops it. Both need the API token, sent
// as a header only.
import { ApiError, getJson, getToken, postWithToken } from '../api.js';
import { countList, el, errorBox, replace } from '../dom.js';
import { utc } from '../time.js';
import { COUNT_LABELS, shownCounts } from './plan.js';

export const title = 'Approvals';

const POLICY_TEXT = {
  never: 'This server applies every plan as it is planned (serve --approval never): nothing is held here.',
  removals: 'This server holds every plan that deletes, cancels or archives anything until it is approved (serve --approval removals).',
  always: 'This server holds every plan that changes anything until it is approved (serve --approval always).',
};

/** @param {HTMLElement} main @param {URLSearchParams} _params @param {import('../app.js').Ctx} ctx */
export async function render(main, _params, ctx) {
  const [pendingBody, recentBody] = await Promise.all([getJson('/api/approvals', { status: 'pending' }), getJson('/api/approvals', { status: 'all', limit: 20 })]);
  if (!ctx.current()) return;
  const pending = /** @type {any[]} */ (pendingBody.approvals ?? []);
  const decided = /** @type {any[]} */ (recentBody.approvals ?? []).filter((a) => a.status !== 'pending');
  const result = el('div', { id: 'approval-result', role: 'status', 'aria-live': 'polite' });
  replace(
    main,
    el('h1', null, 'Approvals'),
    el('p', { class: 'summary', id: 'approval-policy' }, POLICY_TEXT[/** @type {keyof typeof POLICY_TEXT} */ (pendingBody.policy)] ?? `Approval policy: ${pendingBody.policy}.`),
    el('p', null, 'Approving applies exactly the plan shown. If anything changed since it was held (the data, the configuration, a series), the server refuses it as stale and the next run holds a new plan.'),
    result,
    pending.length === 0
      ? el('p', { class: 'empty', id: 'no-approvals' }, 'No plan is waiting for approval.')
      : el('ul', { class: 'approvals', id: 'pending-approvals' }, pending.map((a) => approvalItem(a, result, ctx))),
    decided.length > 0 ? decidedTable(decided) : null,
  );
}

/** @param {any} a @param {HTMLElement} result @param {import('../app.js').Ctx} ctx */
function approvalItem(a, result, ctx) {
  const id = String(a.id);
  const approve = el('button', { type: 'button', class: 'primary approve', dataset: { approvalId: id } }, `Approve plan ${id}`);
  const reject = el('button', { type: 'button', class: 'reject', dataset: { approvalId: id } }, `Reject plan ${id}`);
  /** @param {'approve' | 'reject'} action */
  const act = async (action) => {
    if (!getToken()) {
      replace(result, el('p', { class: 'error' }, `To ${action} a plan, enter the API token in the “API token” field at the top, then press ${action === 'approve' ? 'Approve' : 'Reject'} again.`));
      ctx.askForToken();
      return;
    }
    approve.setAttribute('disabled', '');
    reject.setAttribute('disabled', '');
    replace(result, el('p', null, action === 'approve' ? `Applying plan ${id}…` : `Rejecting plan ${id}…`));
    try {
      const r = await postWithToken(`/api/approvals/${encodeURIComponent(id)}/${action}`);
      if (action === 'reject') {
        replace(result, el('p', { class: 'ok' }, `Plan ${id} rejected: it will not be applied.`));
      } else {
        const runLink = r.runId ? el('a', { href: `#/runs?run=${encodeURIComponent(String(r.runId))}`, id: 'applied-run' }, `run ${r.runId}`) : 'a run';
        const w = r.written ?? {};
        const ok = r.outcome === undefined || r.outcome === 'succeeded';
        replace(
          result,
          el(
            'p',
            { class: ok ? 'ok' : 'error' },
            `Plan ${id} approved and applied by `,
            runLink,
            ok ? `: ${w.create ?? 0} created, ${w.update ?? 0} updated, ${w.delete ?? 0} deleted, ${w.cancel ?? 0} cancelled, ${w.seriesDeleted ?? 0} series archived.` : ` (${r.outcome}); see the run for why.`,
          ),
        );
      }
      ctx.announce(`Plan ${id} ${action === 'approve' ? 'applied' : 'rejected'}.`);
      const item = approve.closest('li');
      item?.classList.add('approval--decided');
    } catch (err) {
      approve.removeAttribute('disabled');
      reject.removeAttribute('disabled');
      const e = /** @type {ApiError} */ (err);
      if (e instanceof ApiError && e.status === 401) {
        replace(result, el('p', { class: 'error', role: 'alert' }, 'The server did not accept the token: check it and enter it again.'));
        ctx.askForToken();
      } else if (e instanceof ApiError && e.code === 'PLAN_STALE') {
        replace(result, errorBox(e), el('p', null, 'Nothing was written. The data or the configuration changed after this plan was held; the next run holds a new one.'));
      } else {
        replace(result, errorBox(e));
      }
    }
  };
  approve.addEventListener('click', () => void act('approve'));
  reject.addEventListener('click', () => void act('reject'));
  return el(
    'li',
    { class: 'approval', dataset: { approvalId: id } },
    el('h2', null, `Plan ${id}`, el('span', { class: 'muted' }, ` · held because of ${a.reason === 'always' ? 'the approval policy (always)' : 'removals'}`)),
    el('p', null, `Held ${utc(a.createdAt)}${a.heldRunId ? ` by run ${a.heldRunId}` : ''}, planned at ${utc(a.now)}. `, el('a', { href: `#/plan?now=${encodeURIComponent(a.now)}` }, `See the changes of plan ${id}`)),
    countList(shownCounts(a.totals ?? {}), COUNT_LABELS),
    el('div', { class: 'actions' }, approve, ' ', reject),
  );
}

/** @param {any[]} decided */
function decidedTable(decided) {
  return el(
    'section',
    { 'aria-labelledby': 'decided-title' },
    el('h2', { id: 'decided-title' }, 'Recent decisions'),
    el(
      'table',
      { id: 'decided-approvals' },
      el('thead', null, el('tr', null, ['Plan', 'Status', 'Planned at', 'Decided', 'Applied by'].map((h) => el('th', { scope: 'col' }, h)))),
      el(
        'tbody',
        null,
        decided.map((a) =>
          el(
            'tr',
            { dataset: { approvalId: String(a.id) } },
            el('th', { scope: 'row' }, String(a.id)),
            el('td', null, a.status),
            el('td', null, utc(a.now)),
            el('td', null, utc(a.decidedAt ?? null)),
            el('td', null, a.appliedRunId ? el('a', { href: `#/runs?run=${encodeURIComponent(String(a.appliedRunId))}` }, `run ${a.appliedRunId}`) : '—'),
          ),
        ),
      ),
    ),
  );
}
