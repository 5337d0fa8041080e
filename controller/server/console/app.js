// The console's shell: hash routing (#/view?query: bookmarkable, and never
// carries the token), the API token form, and the view in <main>. Each view
// is a module with render(main, params, ctx) that draws itself from the API.
import { getToken, setToken } from './api.js';
import { el, errorBox, replace } from './dom.js';
import * as approvals from './views/approvals.js';
import * as plan from './views/plan.js';
import * as runs from './views/runs.js';
import * as schedule from './views/schedule.js';
import * as series from './views/series.js';

/** @type {Record<string, {title: string, render: (main: HTMLElement, params: URLSearchParams, ctx: Ctx) => Promise<void>}>} */
const VIEWS = { schedule, plan, approvals, runs, series };

/**
 * @typedef {object} Ctx
 * @property {(view: string, params?: Record<string, unknown>) => void} go Shows a view with these parameters (a new history entry).
 * @property {(message: string) => void} announce Says something to screen readers.
 * @property {() => void} askForToken Points the user at the token field.
 * @property {() => boolean} current Whether this render is still the one on screen (a later navigation makes it stale).
 */

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const announcer = /** @type {HTMLElement} */ (document.getElementById('announce'));
let generation = 0;

/** @param {string} view @param {Record<string, unknown>} [params] */
function hashFor(view, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    for (const item of Array.isArray(v) ? v : [v]) if (item !== undefined && item !== null && item !== '') q.append(k, String(item));
  }
  const s = q.toString();
  return `#/${view}${s ? `?${s}` : ''}`;
}

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = raw.split('?');
  return { view: Object.hasOwn(VIEWS, path) ? path : 'schedule', params: new URLSearchParams(query) };
}

async function show() {
  const { view, params } = parseHash();
  const mine = ++generation;
  for (const a of document.querySelectorAll('#nav a')) {
    if (/** @type {HTMLElement} */ (a).dataset.view === view) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.title = `${VIEWS[view].title} · classctl console`;
  /** @type {Ctx} */
  const ctx = {
    go: (v, p) => {
      location.hash = hashFor(v, p);
    },
    announce: (message) => {
      announcer.textContent = message;
    },
    askForToken,
    current: () => mine === generation,
  };
  // A redraw replaces the view's controls: the one that had focus (the room
  // picker, Next week) gets it back, so a keyboard user stays where they were.
  const focusedId = main.contains(document.activeElement) ? document.activeElement?.id : undefined;
  main.setAttribute('aria-busy', 'true');
  try {
    await VIEWS[view].render(main, params, ctx);
    if (focusedId && ctx.current()) document.getElementById(focusedId)?.focus();
  } catch (err) {
    if (ctx.current()) replace(main, el('h1', null, VIEWS[view].title), errorBox(err));
  } finally {
    if (ctx.current()) {
      main.removeAttribute('aria-busy');
      // What is on screen, for scripts and tests that wait for a view to be drawn.
      main.dataset.rendered = location.hash || '#/schedule';
    }
  }
}

// ---- the token: typed once per tab, kept in sessionStorage, sent as a header only
const tokenForm = /** @type {HTMLFormElement} */ (document.getElementById('token-form'));
const tokenInput = /** @type {HTMLInputElement} */ (document.getElementById('token-input'));
const tokenForget = /** @type {HTMLButtonElement} */ (document.getElementById('token-forget'));
const tokenState = /** @type {HTMLElement} */ (document.getElementById('token-state'));

function showTokenState() {
  const has = Boolean(getToken());
  tokenForget.hidden = !has;
  tokenState.textContent = has ? 'Token set for this tab.' : 'Read-only: no token.';
  tokenForm.classList.toggle('token--set', has);
}

function askForToken() {
  tokenForm.classList.add('token--wanted');
  tokenState.textContent = 'Enter the API token to do this.';
  tokenInput.focus();
}

tokenForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const value = tokenInput.value.trim();
  if (!value) return askForToken();
  setToken(value);
  tokenInput.value = '';
  tokenForm.classList.remove('token--wanted');
  showTokenState();
});
tokenForget.addEventListener('click', () => {
  setToken(null);
  showTokenState();
  tokenInput.focus();
});

showTokenState();
window.addEventListener('hashchange', () => void show());
void show();
