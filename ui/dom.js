// dom.js: small helpers to build DOM nodes without innerHTML (every text goes in as text, so
// nothing the service returns can inject markup), tables that read as cards on a phone, and
// the common bits of pages (headings, notices, key/value lists).

const SVG_NS = 'http://www.w3.org/2000/svg';

function apply(node, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      node.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === 'dataset') {
      Object.assign(node.dataset, value);
    } else if (key === 'class') {
      node.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
    } else if (key in node && !(node instanceof SVGElement) && typeof value !== 'string') {
      node[key] = value; // properties such as value, checked, disabled given as non-strings
    } else {
      node.setAttribute(key, value === true ? '' : String(value));
    }
  }
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** h('a', {href: '#/jobs'}, 'Jobs'): an HTML element with attributes and children. */
export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  apply(node, attrs);
  return append(node, children);
}

/** s('rect', {x: 0}): an SVG element. */
export function s(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  apply(node, attrs);
  return append(node, children);
}

/** Replaces the children of `node`. */
export function replace(node, ...children) {
  node.replaceChildren();
  return append(node, children);
}

/**
 * A table whose cells carry their column's label (data-label) so that CSS shows each row as a
 * card on narrow screens. columns: [{label, cell: row => node|string, className}].
 */
export function table(columns, rows, {caption, rowAttrs} = {}) {
  return h('div', {class: 'table-wrap'},
    h('table', {class: 'cards'},
      caption ? h('caption', {class: 'visually-hidden'}, caption) : null,
      h('thead', null, h('tr', null, columns.map(c => h('th', {scope: 'col'}, c.label)))),
      h('tbody', null, rows.map(row => h('tr', rowAttrs ? rowAttrs(row) : null,
        columns.map(c => h('td', {'data-label': c.label, class: c.className},
          h('div', {class: 'cell'}, c.cell(row)))))))));
}

/** A <dl> of [term, value] pairs (pairs whose value is undefined are left out). */
export function facts(pairs) {
  return h('dl', {class: 'facts'}, pairs.filter(([, v]) => v !== undefined).map(([k, v]) =>
    h('div', null, h('dt', null, k), h('dd', null, v ?? '—'))));
}

/** A message box; kind: 'error' | 'info' | 'warn'. Errors are announced (role=alert). */
export function notice(kind, ...children) {
  return h('div', {class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status'},
    ...children);
}

/** Pretty JSON in a <pre>. */
export function jsonBlock(value, attrs) {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return h('pre', {class: 'json', ...attrs}, text ?? 'null');
}

/** Waits `ms` or until the signal aborts (resolves either way). */
export function sleep(ms, signal) {
  return new Promise(resolve => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, {once: true});
  });
}

/** An error as an alert box: what was being done, the service's message and the HTTP status. */
export function errorNotice(error, doing) {
  const status = error?.status ? ` (HTTP ${error.status}${error.type ? `, ${error.type}` : ''})` : '';
  const hint = error?.status === 401 ? [' Set an API token in ', h('a', {href: '#/settings'}, 'Settings'), '.']
    : error?.status === 403 ? ' The token does not allow this (its scope is too small).' : '';
  return notice('error', doing ? h('strong', null, `${doing}: `) : null,
    `${error?.message || error}${status}.`, hint,
    error?.requestId ? h('small', {class: 'request-id'}, ` Request id ${error.requestId}.`) : null);
}

/** encodeURIComponent, for names and ids in paths. */
export const enc = encodeURIComponent;

/** The page's <h1> (focusable, so that moving to a page moves focus to it); sets the tab title. */
export function heading(text, ...after) {
  document.title = `${text} · workflow-manager`;
  return h('h1', {tabindex: '-1'}, text, ...after);
}
