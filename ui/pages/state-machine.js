// pages/state-machine.js: #/state-machines/ARN[?status=&page=&prev=]: one state machine
// (DescribeStateMachine): its graph and definition, a form to start an execution
// (StartExecution), and its executions (ListExecutions), newest first, filtered by status and
// paged with nextToken.

import {sfn} from '../api.js';
import {h, heading, table, facts, jsonBlock, notice, errorNotice, replace, enc} from '../dom.js';
import {time, duration, badge, present, parseMaybeJSON, EXECUTION_STATUSES} from '../format.js';
import {drawGraph} from '../graph.js';
import {fromStateMachine} from '../graph-model.js';

function hashFor(arn, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (present(v)) q.set(k, v);
  const qs = q.toString();
  return `#/state-machines/${enc(arn)}${qs ? `?${qs}` : ''}`;
}

export async function render(root, [arn], {signal, query}) {
  const machine = await sfn('DescribeStateMachine', {stateMachineArn: arn}, {signal});
  let graph;
  try {
    graph = drawGraph(fromStateMachine(machine.definition), {label: `Graph of ${machine.name}`}).element;
  } catch (error) {
    graph = notice('error', `The definition could not be drawn: ${error.message}`);
  }
  const executions = h('div', {id: 'executions', 'aria-live': 'polite'}, h('p', {class: 'loading'}, 'Loading…'));
  root.replaceChildren(
    h('nav', {class: 'crumbs', 'aria-label': 'Breadcrumb'}, h('a', {href: '#/state-machines'}, 'State machines'), ' / ', machine.name),
    heading(`State machine ${machine.name}`),
    facts([
      ['Status', machine.status || '—'],
      ['Type', machine.type || 'STANDARD'],
      ['Created', time(machine.creationDate)],
      ['Role', present(machine.roleArn) ? h('code', {class: 'small'}, machine.roleArn) : '—'],
      ['ARN', h('code', {class: 'small'}, machine.stateMachineArn)],
      ['Description', present(machine.description) ? machine.description : undefined],
    ]),
    h('section', {'aria-labelledby': 'graph-h'}, h('h2', {id: 'graph-h'}, 'Graph'), graph),
    startForm(arn),
    h('section', {'aria-labelledby': 'exec-h'}, h('h2', {id: 'exec-h'}, 'Executions'),
      statusFilter(arn, query.get('status') || ''), executions),
    h('details', null, h('summary', null, 'Definition (JSON)'), jsonBlock(parseMaybeJSON(machine.definition))));
  await listExecutions(executions, arn, query, signal);
}

function statusFilter(arn, current) {
  const select = h('select', {id: 'exec-status'},
    h('option', {value: ''}, 'Any status'),
    EXECUTION_STATUSES.map(st => h('option', {value: st, selected: st === current}, st)));
  return h('form', {class: 'filters', role: 'search', 'aria-label': 'Filter executions', onsubmit: ev => {
    ev.preventDefault();
    location.hash = hashFor(arn, {status: select.value});
  }},
  h('div', {class: 'field'}, h('label', {for: 'exec-status'}, 'Status'), select),
  h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, 'Apply filter')));
}

async function listExecutions(slot, arn, query, signal) {
  const status = query.get('status') || '';
  const page = query.get('page') || '';
  let prev = [];
  try { prev = JSON.parse(query.get('prev') || '[]'); } catch { prev = []; }
  let answer;
  try {
    answer = await sfn('ListExecutions', {stateMachineArn: arn, maxResults: 20,
      ...(status ? {statusFilter: status} : {}), ...(page ? {nextToken: page} : {})}, {signal});
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    replace(slot, errorNotice(error, 'Listing the executions'));
    return;
  }
  const rows = (answer.executions || []).filter(e => !status || e.status === status)
    .sort((a, b) => (b.startDate || 0) - (a.startDate || 0));
  const next = answer.nextToken;
  replace(slot,
    rows.length === 0 ? notice('info', 'No execution matches.') : table([
      {label: 'Name', cell: e => h('a', {href: `#/executions/${enc(e.executionArn)}`}, e.name)},
      {label: 'Status', cell: e => badge(e.status)},
      {label: 'Started', cell: e => time(e.startDate)},
      {label: 'Stopped', cell: e => time(e.stopDate)},
      {label: 'Duration', cell: e => duration(e.startDate, e.stopDate)},
      {label: 'Redriven', cell: e => String(e.redriveCount ?? 0)},
    ], rows, {caption: 'Executions', rowAttrs: e => ({'data-execution': e.name, 'data-status': e.status})}),
    (prev.length || next) ? h('nav', {class: 'pager', 'aria-label': 'Pages'},
      prev.length ? h('a', {class: 'button secondary', rel: 'prev', href: hashFor(arn, {status,
        page: prev[prev.length - 1], prev: prev.length > 1 ? JSON.stringify(prev.slice(0, -1)) : ''})}, 'Previous page') : null,
      h('span', null, `Page ${prev.length + 1}`),
      next ? h('a', {class: 'button secondary', rel: 'next', href: hashFor(arn, {status, page: next,
        prev: JSON.stringify([...prev, page])})}, 'Next page') : null) : null);
}

function startForm(arn) {
  const name = h('input', {id: 'exec-name', type: 'text', autocomplete: 'off', placeholder: 'generated when empty'});
  const input = h('textarea', {id: 'exec-input', rows: 3, spellcheck: 'false'});
  input.value = '{}';
  const result = h('div', {'aria-live': 'polite'});
  const button = h('button', {type: 'submit', class: 'primary'}, 'Start execution');
  const form = h('form', {class: 'card', 'aria-labelledby': 'start-h', onsubmit: async ev => {
    ev.preventDefault();
    try {
      JSON.parse(input.value || '{}');
    } catch (error) {
      replace(result, notice('error', `The input is not JSON: ${error.message}`));
      return;
    }
    button.disabled = true;
    try {
      const started = await sfn('StartExecution', {stateMachineArn: arn, input: input.value || '{}',
        ...(name.value.trim() ? {name: name.value.trim()} : {})});
      location.hash = `#/executions/${enc(started.executionArn)}`;
    } catch (error) {
      replace(result, errorNotice(error, 'Starting the execution'));
    } finally {
      button.disabled = false;
    }
  }},
  h('h2', {id: 'start-h'}, 'Start an execution'),
  h('div', {class: 'field'}, h('label', {for: 'exec-name'}, 'Name (optional)'), name),
  h('div', {class: 'field'}, h('label', {for: 'exec-input'}, 'Input (JSON)'), input),
  h('div', {class: 'actions'}, button), result);
  return form;
}
