// graph-model.js: turns definitions into the graph that graph.js draws: a v1 workflow (states
// chained from startAt via next, and dependencies if a state has them) or an Amazon States
// Language definition (Next, Choices[].Next, Default, Catch[].Next; Parallel branches and a Map's
// ItemProcessor as inner graphs of their state). Pure: no DOM.
//
// A model: {start, nodes: [{id, type, detail, end, children: [model]}],
//           edges: [{from, to, kind: 'next' | 'choice' | 'catch', label}]}

import {present, shortResource} from './format.js';

/** The graph of a v1 workflow: states chained from startAt via next (and dependencies, if any). */
export function fromWorkflow(workflow) {
  const states = workflow?.states || [];
  const edges = [];
  for (const state of states) {
    if (present(state.next) && !state.end) edges.push({from: state.name, to: state.next, kind: 'next'});
    for (const dep of state.dependencies || []) edges.push({from: dep, to: state.name, kind: 'next'});
  }
  return {
    start: workflow?.startAt,
    nodes: states.map(state => ({id: state.name, type: state.type || 'Task',
      detail: shortResource(state.resource), end: !!state.end})),
    edges,
  };
}

const OPS = {
  StringEquals: '==', NumericEquals: '==', BooleanEquals: '==', TimestampEquals: '==',
  StringLessThan: '<', NumericLessThan: '<', TimestampLessThan: '<',
  StringGreaterThan: '>', NumericGreaterThan: '>', TimestampGreaterThan: '>',
  StringLessThanEquals: '<=', NumericLessThanEquals: '<=', TimestampLessThanEquals: '<=',
  StringGreaterThanEquals: '>=', NumericGreaterThanEquals: '>=',
  TimestampGreaterThanEquals: '>=', StringMatches: '~', IsPresent: 'present', IsNull: 'null',
};

/** A short text for a Choice rule, e.g. "$.size > 100". */
export function describeRule(rule) {
  if (!rule || typeof rule !== 'object') return '';
  if (rule.And) return `and(${rule.And.length})`;
  if (rule.Or) return `or(${rule.Or.length})`;
  if (rule.Not) return `not ${describeRule(rule.Not)}`;
  if (rule.Condition) return String(rule.Condition);
  for (const [key, value] of Object.entries(rule)) {
    const op = key.replace(/Path$/, '');
    if (OPS[op]) return `${rule.Variable ?? ''} ${OPS[op]} ${key.endsWith('Path') ? value : JSON.stringify(value)}`;
    if (key.startsWith('Is')) return `${rule.Variable ?? ''} ${key}`;
  }
  return '';
}

function stateDetail(state) {
  switch (state.Type) {
    case 'Task': return shortResource(state.Parameters?.FunctionName || state.Resource);
    case 'Wait': return state.Seconds !== undefined ? `${state.Seconds} s`
      : state.SecondsPath || state.Timestamp || state.TimestampPath || '';
    case 'Fail': return state.Error || state.ErrorPath || '';
    case 'Choice': return `${(state.Choices || []).length} rule(s)`;
    case 'Map': return state.ItemsPath || state.Items || '';
    default: return '';
  }
}

/** The graph of an Amazon States Language definition (object or JSON text). */
export function fromStateMachine(definition) {
  const def = typeof definition === 'string' ? JSON.parse(definition) : (definition || {});
  const nodes = [];
  const edges = [];
  for (const [name, state] of Object.entries(def.States || {})) {
    const node = {id: name, type: state.Type || '?', detail: stateDetail(state),
      end: !!state.End || state.Type === 'Succeed' || state.Type === 'Fail'};
    if (state.Type === 'Parallel') node.children = (state.Branches || []).map(fromStateMachine);
    if (state.Type === 'Map') {
      const inner = state.ItemProcessor || state.Iterator;
      node.children = inner ? [fromStateMachine(inner)] : [];
    }
    nodes.push(node);
    if (state.Next) edges.push({from: name, to: state.Next, kind: 'next'});
    (state.Choices || []).forEach((rule, i) => {
      if (rule.Next) edges.push({from: name, to: rule.Next, kind: 'choice',
        label: describeRule(rule) || `rule ${i + 1}`});
    });
    if (state.Default) edges.push({from: name, to: state.Default, kind: 'choice', label: 'default'});
    (state.Catch || []).forEach(c => {
      if (c.Next) edges.push({from: name, to: c.Next, kind: 'catch',
        label: `catch ${(c.ErrorEquals || []).join(', ')}`});
    });
  }
  return {start: def.StartAt, nodes, edges};
}
