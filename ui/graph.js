// graph.js: lays out and draws a graph of states (a model from graph-model.js: a workflow or a
// state machine) as SVG: a box per state, an arrow per transition, Parallel and Map states as
// boxes holding their branches' graphs. Layout: rows by longest path from the start, states of
// a row side by side; an arrow that would cross boxes goes round them on the left, loops go round
// on the right. Each box can then be coloured by a status (setStatuses), written in the box too.

import {h, s} from './dom.js';
import {statusClass} from './format.js';

const NODE_W = 184;
const GAP_X = 28;
const GAP_Y = 40;
const PAD = 12;
const START_H = 26;
const CHAR_PX = 7.2;  // average width of a 13px character, to cut long names

// ---- layout

function layout(model, withStatus) {
  const nodeH = withStatus ? 60 : 46;
  const header = nodeH;  // a Parallel or Map box: its own lines, then its branches
  const byId = new Map(model.nodes.map(n => [n.id, n]));
  const edges = model.edges.filter(e => byId.has(e.from) && byId.has(e.to));
  const out = new Map(model.nodes.map(n => [n.id, []]));
  edges.forEach(e => out.get(e.from).push(e));

  // Depth-first from the start (then from any state it does not reach): edges back to a state on
  // the current path close a loop; the others form a DAG, layered by longest path.
  const mark = new Map();
  const pre = new Map();
  const post = [];
  const back = new Set();
  const visit = id => {
    mark.set(id, 1);
    pre.set(id, pre.size);
    for (const e of out.get(id)) {
      if (mark.get(e.to) === 1) back.add(e);
      else if (!mark.has(e.to)) visit(e.to);
    }
    mark.set(id, 2);
    post.push(id);
  };
  if (byId.has(model.start)) visit(model.start);
  model.nodes.forEach(n => { if (!mark.has(n.id)) visit(n.id); });
  const layer = new Map(model.nodes.map(n => [n.id, 0]));
  for (const id of post.slice().reverse()) {
    for (const e of out.get(id)) {
      if (!back.has(e)) layer.set(e.to, Math.max(layer.get(e.to), layer.get(id) + 1));
    }
  }
  for (const e of edges) {  // an edge within a layer is drawn as a loop
    if (!back.has(e) && layer.get(e.to) <= layer.get(e.from)) back.add(e);
  }

  // Sizes (containers hold their branches side by side).
  const boxes = new Map();
  for (const n of model.nodes) {
    const inner = (n.children || []).map(child => layout(child, withStatus));
    let w = NODE_W;
    let h = nodeH;
    if (inner.length) {
      w = Math.max(NODE_W, PAD * 2 + inner.reduce((sum, l) => sum + l.w, 0) + GAP_X * (inner.length - 1));
      h = header + Math.max(...inner.map(l => l.h)) + PAD;
      let x = PAD;
      inner.forEach(l => { l.x = x; l.y = header; x += l.w + GAP_X; });
      const extra = (w - (x - GAP_X + PAD)) / 2;  // centre the branches in a wide-enough box
      inner.forEach(l => { l.x += extra; });
    }
    boxes.set(n.id, {node: n, w, h, x: 0, y: 0, inner});
  }

  // Rows: by layer, ordered by where their predecessors are (then by discovery order).
  const rows = [];
  model.nodes.forEach(n => { (rows[layer.get(n.id)] ||= []).push(n.id); });
  const preds = new Map(model.nodes.map(n => [n.id, []]));
  edges.forEach(e => { if (!back.has(e)) preds.get(e.to).push(e.from); });
  let y = START_H;
  rows.forEach((row, r) => {
    if (!row) return;
    const key = id => {
      const ps = preds.get(id);
      if (!r || !ps.length) return [0, pre.get(id)];
      return [ps.reduce((sum, p) => sum + boxes.get(p).x + boxes.get(p).w / 2, 0) / ps.length, pre.get(id)];
    };
    const keys = new Map(row.map(id => [id, key(id)]));
    row.sort((a, b) => keys.get(a)[0] - keys.get(b)[0] || keys.get(a)[1] - keys.get(b)[1]);
    const width = row.reduce((sum, id) => sum + boxes.get(id).w, 0) + GAP_X * (row.length - 1);
    const centre = r && keys.size ? row.reduce((sum, id) => sum + keys.get(id)[0], 0) / row.length : 0;
    let x = centre - width / 2;
    let rowH = 0;
    for (const id of row) {
      const box = boxes.get(id);
      box.x = x; box.y = y;
      x += box.w + GAP_X;
      rowH = Math.max(rowH, box.h);
    }
    y += rowH + GAP_Y;
  });
  const all = [...boxes.values()];
  const minX = Math.min(0, ...all.map(b => b.x));
  all.forEach(b => { b.x -= minX; });
  let w = Math.max(NODE_W, ...all.map(b => b.x + b.w));
  const h = Math.max(y - GAP_Y, START_H + nodeH);

  // Arrows: down from the bottom of a state to the top of the next. An arrow that would cross
  // boxes of the rows in between goes round them on the left; loops go round on the right.
  const between = (top, bottom) => all.filter(b => b.y < bottom && b.y + b.h > top);
  const paths = [];
  let rights = 0;
  let lefts = 0;
  for (const e of edges) {
    const a = boxes.get(e.from);
    const b = boxes.get(e.to);
    let p;
    const x1 = a.x + a.w / 2; const y1 = a.y + a.h;
    const x2 = b.x + b.w / 2; const y2 = b.y;
    const lo = Math.min(x1, x2) - 8;
    const hi = Math.max(x1, x2) + 8;
    const blocked = !back.has(e) && between(y1 + 1, y2 - 1).some(c => c.x < hi && c.x + c.w > lo);
    if (back.has(e)) {
      const ya = a.y + a.h / 2 + 6; const yb = b.y + b.h / 2 - 6;
      const span = between(Math.min(ya, yb), Math.max(ya, yb));
      const cx = Math.max(a.x + a.w, b.x + b.w, ...span.map(c => c.x + c.w)) + 30 + 14 * rights++;
      p = [[a.x + a.w, ya], [cx, ya], [cx, yb], [b.x + b.w, yb]];
    } else if (blocked) {
      const ya = a.y + a.h / 2 + 6; const yb = b.y + b.h / 2 - 6;
      const span = between(Math.min(ya, yb), Math.max(ya, yb));
      const cx = Math.min(a.x, b.x, ...span.map(c => c.x)) - 30 - 14 * lefts++;
      p = [[a.x, ya], [cx, ya], [cx, yb], [b.x, yb]];
    } else {
      const dy = Math.max(18, (y2 - y1) / 2);
      p = [[x1, y1], [x1, y1 + dy], [x2, y2 - dy], [x2, y2]];
    }
    paths.push({edge: e, p});
  }
  // Make room for the arrows that go round.
  const xs = paths.flatMap(({p}) => p.map(([x]) => x));
  const leftmost = Math.min(...xs);
  const shift = lefts && leftmost < 8 ? 8 - leftmost : 0;
  if (shift) {
    all.forEach(box => { box.x += shift; });
    paths.forEach(({p}) => p.forEach(pt => { pt[0] += shift; }));
  }
  w = Math.max(w + shift, ...xs.map(x => x + shift + 8));
  const start = boxes.get(model.start);
  return {w, h, boxes: all, paths, start, nodeH};
}

// ---- drawing

function fit(text, width) {
  const max = Math.max(4, Math.floor(width / CHAR_PX));
  const str = String(text ?? '');
  return str.length > max ? `${str.slice(0, max - 1)}…` : str;
}

let uid = 0;

function drawLayout(l, markerId, withStatus, onSelect) {
  const g = s('g', {class: 'graph-layout'});
  if (l.start) {
    const cx = l.start.x + l.start.w / 2;
    g.append(s('circle', {class: 'start-dot', cx, cy: 7, r: 6}, s('title', null, 'start')),
      s('path', {class: 'edge', d: `M${cx},13 L${cx},${l.start.y}`, 'marker-end': `url(#${markerId})`}));
  }
  for (const {edge, p} of l.paths) {
    const [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = p;
    g.append(s('path', {class: `edge edge-${edge.kind}`, 'data-from': edge.from, 'data-to': edge.to,
      d: `M${x0},${y0} C${x1},${y1} ${x2},${y2} ${x3},${y3}`, 'marker-end': `url(#${markerId})`}));
    if (edge.label) {
      const mx = (x0 + 3 * x1 + 3 * x2 + x3) / 8;
      const my = (y0 + 3 * y1 + 3 * y2 + y3) / 8;
      g.append(s('text', {class: 'edge-label', x: mx + 4, y: my, 'text-anchor': 'start'},
        fit(edge.label, 150), s('title', null, edge.label)));
    }
  }
  for (const box of l.boxes) {
    const n = box.node;
    const container = box.inner.length > 0;
    const node = s('g', {class: ['node', 'st-none', container && 'container'], transform: `translate(${box.x},${box.y})`,
      'data-state': n.id, 'data-status': '', 'aria-label': `${n.id} (${n.type})`});
    node.append(s('title', null, `${n.id} (${n.type})${n.detail ? `: ${n.detail}` : ''}`),
      s('rect', {class: 'box', width: box.w, height: box.h, rx: 7}));
    const line2 = [n.type, n.detail].filter(Boolean).join(' · ');
    const width = box.w - 16;
    node.append(s('text', {class: 'name', x: 9, y: 19}, fit(n.id, width)),
      s('text', {class: 'detail', x: 9, y: 35}, fit(line2, width * 1.12)));
    if (withStatus) {
      node.append(s('text', {class: 'status-text', x: 9, y: 52}, 'not started'));
    }
    for (const inner of box.inner) {
      const sub = drawLayout(inner, markerId, withStatus, onSelect);
      sub.setAttribute('transform', `translate(${inner.x},${inner.y})`);
      node.append(s('rect', {class: 'branch', x: inner.x - 6, y: inner.y - 4, width: inner.w + 12,
        height: inner.h + 8, rx: 5}), sub);
    }
    if (onSelect) {
      node.setAttribute('tabindex', '0');
      node.setAttribute('role', 'button');
      const select = ev => { ev.stopPropagation(); onSelect(n.id); };
      node.addEventListener('click', select);
      node.addEventListener('keydown', ev => {
        if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); select(ev); }
      });
    }
    g.append(node);
  }
  return g;
}

/**
 * Draws `model` (fromWorkflow / fromStateMachine). Options: withStatus (room for a status line in
 * each box), onSelect(stateName) (boxes become buttons), label (the accessible name).
 * Returns {element, setStatuses(map name -> status), setSelected(name)}.
 */
export function drawGraph(model, {withStatus = false, onSelect, label = 'Graph of the states'} = {}) {
  const l = layout(model, withStatus);
  const markerId = `arrow-${++uid}`;
  const svg = s('svg', {class: 'graph', viewBox: `-4 -2 ${l.w + 8} ${l.h + 6}`, width: l.w + 8,
    height: l.h + 6, role: 'group', 'aria-label': label},
  s('defs', null, s('marker', {id: markerId, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7,
    markerHeight: 7, orient: 'auto-start-reverse'}, s('path', {class: 'arrow-head', d: 'M0,0 L10,5 L0,10 z'}))),
  drawLayout(l, markerId, withStatus, onSelect));
  // Narrower screens: shrink to fit, down to 60 % (CSS max-width), then scroll in the box.
  svg.style.minWidth = `${Math.round((l.w + 8) * 0.6)}px`;
  const element = h('div', {class: 'graph-wrap'});
  element.append(svg);
  const nodes = () => svg.querySelectorAll('g.node');
  return {
    element,
    setStatuses(statuses) {
      for (const node of nodes()) {
        const name = node.getAttribute('data-state');
        const status = statuses.get(name) || '';
        if (node.getAttribute('data-status') === status) continue;
        const container = node.classList.contains('container');
        const selected = node.classList.contains('selected');
        node.setAttribute('class', ['node', `st-${statusClass(status)}`, container && 'container',
          selected && 'selected'].filter(Boolean).join(' '));
        node.setAttribute('data-status', status);
        node.setAttribute('aria-label', `${name}: ${status || 'not started'}`);
        const text = node.querySelector(':scope > .status-text');
        if (text) text.textContent = status || 'not started';
      }
    },
    setSelected(name) {
      for (const node of nodes()) {
        node.classList.toggle('selected', node.getAttribute('data-state') === name);
        if (node.getAttribute('role') === 'button') {
          node.setAttribute('aria-pressed', String(node.getAttribute('data-state') === name));
        }
      }
    },
  };
}
