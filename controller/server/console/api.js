// Calls to this server's /api. The API token lives in sessionStorage (this
// tab only, gone when it closes) and leaves the page only as an
// `Authorization: Bearer` header: never in a URL, a query or the hash.

const TOKEN_KEY = 'classctl.apiToken';

export class ApiError extends Error {
  /** @param {number} status @param {string} code @param {string} message @param {unknown} body */
  constructor(status, code, message, body) {
    super(message);
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

/** @returns {string | null} */
export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** @param {string | null} token */
export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/**
 * `/api/x?a=1&b=2&b=3`: array values repeat the parameter; empty values are left out.
 * @param {string} path @param {Record<string, unknown>} [params]
 */
export function apiUrl(path, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    for (const item of Array.isArray(v) ? v : [v]) if (item !== undefined && item !== null && item !== '') q.append(k, String(item));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** @param {Response} res */
async function parse(res) {
  const text = await res.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { message: text };
  }
  if (!res.ok) throw new ApiError(res.status, body?.code ?? `HTTP_${res.status}`, body?.message ?? res.statusText, body);
  return body;
}

/** GET, JSON. @param {string} path @param {Record<string, unknown>} [params] */
export async function getJson(path, params) {
  return parse(await fetch(apiUrl(path, params), { headers: { accept: 'application/json' }, credentials: 'same-origin' }));
}

/** POST with the token. Without one it does not call the server. @param {string} path */
export async function postWithToken(path) {
  const token = getToken();
  if (!token) throw new ApiError(401, 'TOKEN_REQUIRED', 'Enter the API token (CLASSCTL_API_TOKEN) in the field at the top first.', null);
  return parse(await fetch(path, { method: 'POST', headers: { accept: 'application/json', authorization: `Bearer ${token}` }, credentials: 'same-origin' }));
}
