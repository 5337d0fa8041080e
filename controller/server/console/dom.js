// A few lines instead of a framework: el() builds an element from a tag,
// attributes and children; text is always set as text, never parsed as HTML,
// so a series title can never become markup.

/**
 * @param {string} tag e.g. 'div', 'button'
 * @param {Record<string, unknown> | null} [attrs] `class`, `on: {event: fn}`, `dataset`, `vars` (CSS custom properties), booleans as presence, other values as attributes
 * @param {...unknown} children strings, numbers, nodes, arrays, null/undefined/false (skipped)
 * @returns {HTMLElement}
 */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'on') {
      for (const [event, fn] of Object.entries(/** @type {Record<string, EventListener>} */ (value))) node.addEventListener(event, fn);
    } else if (key === 'dataset') {
      Object.assign(node.dataset, value);
    } else if (key === 'vars') {
      // Set through the CSS object model: the Content-Security-Policy forbids style attributes, not this.
      for (const [name, v] of Object.entries(/** @type {Record<string, string>} */ (value))) node.style.setProperty(name, v);
    } else if (key === 'class') {
      node.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : String(value);
    } else if (value === true) {
      node.setAttribute(key, '');
    } else {
      node.setAttribute(key, String(value));
    }
  }
  append(node, children);
  return node;
}

/** @param {Node} node @param {unknown[]} children */
export function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else if (child instanceof Node) node.appendChild(child);
    else node.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces the children of node. @param {Node} node @param {...unknown} children */
export function replace(node, ...children) {
  while (node.firstChild) node.removeChild(node.firstChild);
  append(node, children);
}

/** A labelled <select>. @param {{id: string, label: string, value: string, options: Array<[string, string]>, onChange: (v: string) => void}} o */
export function selectField(o) {
  const select = el(
    'select',
    { id: o.id, name: o.id, on: { change: (e) => o.onChange(/** @type {HTMLSelectElement} */ (e.target).value) } },
    o.options.map(([value, text]) => el('option', { value, selected: value === o.value }, text)),
  );
  return el('div', { class: 'field' }, el('label', { for: o.id }, o.label), select);
}

/** An error shown in the view, with what to do. @param {unknown} err */
export function errorBox(err) {
  const e = /** @type {{message?: string, code?: string, status?: number}} */ (err);
  return el('div', { class: 'error', role: 'alert' }, e.code ? `${e.code}: ` : '', e.message ?? String(err));
}

/** Counts as a definition list, zero counts dimmed. @param {Record<string, number>} counts @param {Record<string, string>} [labels] */
export function countList(counts, labels = {}) {
  return el(
    'dl',
    { class: 'counts' },
    Object.entries(counts).map(([k, v]) => el('div', { class: ['count', v === 0 && 'count--zero', `count--${k}`] }, el('dt', null, labels[k] ?? k), el('dd', null, String(v)))),
  );
}
