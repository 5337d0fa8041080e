// Approvals: plans the controller holds instead of applying them (serve
// --approval removals|always). Approve applies exactly that plan, or the
// server refuses it as stale; it needs the API token, sent as a header.
import { ApiError, getJson, getToken, postWithToken } from '../api.js';
import { countList, el, errorBox, replace } from '../dom.js';
import { utc } from '../time.js';
import { COUNT_LABELS, shownCounts } from './plan.js';

export const title = 'Approvals';

/** @param {HTMLElement} main @param {URLSearchParams} _params @param {import('../app.js').Ctx} ctx */
export async function render(main, _params, ctx) {
  const body = await getJson('/api/approvals', { status: 'pending' });
  if (!ctx.current()) return;
  const pending = /** @type {any[]} */ (body.approvals ?? []);
  const result = el('div', { id: 'approval-result', role: 'status', 'aria-live': 'polite' });
  replace(
    main,
    el('h1', null, 'Approvals'),
    el('p', { class: 'summary' }, 'Plans held for approval. Approving applies exactly the plan shown; if anything changed since, the server refuses it as stale and the next run plans again.'),
    result,
    pending.length === 0
      ? el('p', { class: 'empty', id: 'no-approvals' }, 'No plan is waiting for approval.')
      : el('ul', { class: 'approvals' }, pending.map((a) => approvalItem(a, result, ctx))),
  );
}

/** @param {any} a @param {HTMLElement} result @param {import('../app.js').Ctx} ctx */
function approvalItem(a, result, ctx) {
  const button = el('button', { type: 'button', class: 'primary approve', dataset: { approvalId: String(a.id) } }, `Approve plan ${a.id}`);
  button.addEventListener('click', async () => {
    if (!getToken()) {
      replace(result, el('p', { class: 'error' }, 'Approving needs the API token: enter it in the “API token” field at the top, then press Approve again.'));
      ctx.askForToken();
      return;
    }
    button.setAttribute('disabled', '');
    replace(result, el('p', null, `Applying plan ${a.id}…`));
    try {
      const r = await postWithToken(`/api/approvals/${encodeURIComponent(String(a.id))}/approve`);
      const runId = r?.runId ?? r?.run?.id;
      replace(result, el('p', { class: 'ok' }, `Plan ${a.id} approved and applied`, runId ? [' by run ', el('a', { href: `#/runs?run=${encodeURIComponent(String(runId))}` }, String(runId))] : null, '.'));
      ctx.announce(`Plan ${a.id} applied.`);
    } catch (err) {
      button.removeAttribute('disabled');
      const e = /** @type {ApiError} */ (err);
      if (e instanceof ApiError && e.status === 401) {
        replace(result, el('p', { class: 'error', role: 'alert' }, 'The server did not accept the token: check it and enter it again.'));
        ctx.askForToken();
      } else if (e instanceof ApiError && e.code === 'PLAN_STALE') {
        replace(result, errorBox(e), el('p', null, 'The data or the configuration changed after this plan was made; the next run makes a new one to approve.'));
      } else {
        replace(result, errorBox(e));
      }
    }
  });
  return el(
    'li',
    { class: 'approval', dataset: { approvalId: String(a.id) } },
    el('h2', null, `Plan ${a.id}`, el('span', { class: 'muted' }, ` · needs approval because of ${a.reason === 'always' ? 'the approval policy (always)' : 'removals'}`)),
    el('p', null, `Held ${utc(a.createdAt)}, planned at ${utc(a.now)}. `, el('a', { href: `#/plan?now=${encodeURIComponent(a.now)}` }, 'See the changes')),
    countList(shownCounts(a.totals ?? {}), COUNT_LABELS),
    button,
  );
}
