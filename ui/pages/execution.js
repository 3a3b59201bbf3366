// pages/execution.js: #/executions/ARN: one Step Functions execution (DescribeExecution and
// GetExecutionHistory, then followed while it runs through GET /events?execution=ARN, which
// brings its status and each new history event; or read again every second without it, see
// events.js): its status and timing, input and output, the state machine's graph with each state
// coloured by what it did, each state's input and output (from its StateEntered/StateExited
// events), and the whole history. "Stop" and "Redrive" go through a confirmation dialog
// (StopExecution, RedriveExecution).

import {sfn, sfnAll} from '../api.js';
import {h, heading, table, facts, jsonBlock, notice, errorNotice, replace, enc} from '../dom.js';
import {time, duration, badge, present, parseMaybeJSON, isFinished, arnName} from '../format.js';
import {drawGraph} from '../graph.js';
import {fromStateMachine} from '../graph-model.js';
import {statesFromHistory, eventSummary, eventDetails} from '../history.js';
import {confirmAction} from '../dialog.js';
import {watchExecution} from '../events.js';

const MODES = {
  connecting: 'Connecting…',
  live: 'Live: updated as it changes.',
  polling: 'Running: read again every second.',
  finished: 'Finished.',
};

// The fields of DescribeExecution that an `event: execution` brings up to date; the output and
// the redrive status are read again once it has finished.
const STREAMED = ['status', 'startDate', 'stopDate', 'error', 'cause', 'redriveCount'];

async function definitionOf(execution, signal) {
  try {
    return (await sfn('DescribeStateMachineForExecution', {executionArn: execution.executionArn}, {signal})).definition;
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    return (await sfn('DescribeStateMachine', {stateMachineArn: execution.stateMachineArn}, {signal})).definition;
  }
}

function io(value) {
  return value === undefined ? h('span', {class: 'muted'}, '—') : jsonBlock(parseMaybeJSON(value));
}

export async function render(root, [arn], {signal}) {
  let execution = await sfn('DescribeExecution', {executionArn: arn}, {signal});
  let events = await sfnAll('GetExecutionHistory', {executionArn: arn, maxResults: 1000}, 'events', {signal});
  let states = statesFromHistory(events);
  let selected = null;

  let graph = null;
  let graphSlot;
  try {
    const definition = await definitionOf(execution, signal);
    graph = drawGraph(fromStateMachine(definition), {withStatus: true,
      label: `States of execution ${execution.name}, coloured by status`, onSelect: name => select(name, true)});
    graphSlot = graph.element;
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    graphSlot = errorNotice(error, 'Reading the state machine\'s definition');
  }

  const mode = h('p', {class: 'live', role: 'status', id: 'live-mode'});
  const setMode = m => { mode.textContent = MODES[m]; mode.dataset.mode = m; };
  const statusSlot = h('span', {id: 'execution-status'});
  const summary = h('div');
  const actionResult = h('div', {'aria-live': 'polite'});
  const stateDetail = h('div', {id: 'state-detail'});
  const statesSlot = h('div', {id: 'states-slot'});
  const historySlot = h('div', {id: 'history-slot'});
  const historyHeading = h('h2', {id: 'history-h'});
  const machineName = arnName(execution.stateMachineArn);

  const stop = h('button', {type: 'button', class: 'danger', id: 'stop-execution', onclick: async () => {
    const answer = await confirmAction({
      title: 'Stop this execution?',
      message: `Execution ${execution.name} of ${machineName} ends ABORTED; its running tasks are stopped.`,
      confirmLabel: 'Stop execution', dismissLabel: 'Keep it running', danger: true,
      fields: [{name: 'error', label: 'Error (optional)', placeholder: 'an error code'},
        {name: 'cause', label: 'Cause (optional)', multiline: true, placeholder: 'why stop it'}],
    });
    if (!answer) return;
    await act('Stopping the execution', () => sfn('StopExecution', {executionArn: arn,
      ...(answer.error ? {error: answer.error} : {}), ...(answer.cause ? {cause: answer.cause} : {})}));
  }}, 'Stop execution…');
  const redrive = h('button', {type: 'button', class: 'secondary', id: 'redrive-execution', onclick: async () => {
    const answer = await confirmAction({
      title: 'Redrive this execution?',
      message: `Execution ${execution.name} restarts from the states that did not succeed; those that succeeded are not run again.`,
      confirmLabel: 'Redrive', dismissLabel: 'Cancel'});
    if (!answer) return;
    await act('Redriving the execution', () => sfn('RedriveExecution', {executionArn: arn}));
  }}, 'Redrive…');

  async function act(doing, call) {
    stop.disabled = true;
    redrive.disabled = true;
    try {
      await call();
      replace(actionResult);
      await refresh();
      follow();
    } catch (error) {
      replace(actionResult, errorNotice(error, doing));
      update();
    }
  }

  function select(name, scroll) {
    selected = name;
    shown = '';
    graph?.setSelected(name);
    renderDetail();
    for (const b of statesSlot.querySelectorAll('button[data-state]')) {
      b.setAttribute('aria-pressed', String(b.dataset.state === name));
    }
    if (scroll) stateDetail.scrollIntoView({block: 'nearest', behavior: 'smooth'});
  }

  function renderDetail() {
    const st = states.get(selected);
    if (!selected) { replace(stateDetail); return; }
    replace(stateDetail, h('section', {class: 'card', 'aria-labelledby': 'detail-h', 'data-state': selected},
      h('h2', {id: 'detail-h'}, `State ${selected} `, badge(st?.status)),
      st ? facts([
        ['Type', st.type || '—'],
        ['Entered', time(st.enteredAt)],
        ['Exited', time(st.exitedAt)],
        ['Attempts', st.attempts ? String(st.attempts) : undefined],
        ['Times entered', st.entries > 1 ? String(st.entries) : undefined],
        ['Error', present(st.error) ? st.error : undefined],
        ['Cause', present(st.cause) ? st.cause : undefined],
      ]) : h('p', null, 'This state has not been entered.'),
      st ? h('div', {class: 'io'},
        h('div', null, h('h3', null, 'Input'), io(st.input)),
        h('div', null, h('h3', null, 'Output'), io(st.output))) : null));
  }

  let shown = '';
  function update() {
    const running = execution.status === 'RUNNING';
    stop.disabled = !running;
    redrive.disabled = running || execution.status === 'SUCCEEDED' || execution.redriveStatus === 'NOT_REDRIVABLE';
    redrive.title = present(execution.redriveStatusReason) ? execution.redriveStatusReason : '';
    replace(statusSlot, badge(execution.status));
    replace(summary, facts([
      ['Status', badge(execution.status)],
      ['State machine', h('a', {href: `#/state-machines/${enc(execution.stateMachineArn)}`}, machineName)],
      ['Started', time(execution.startDate)],
      ['Stopped', time(execution.stopDate)],
      ['Duration', duration(execution.startDate, execution.stopDate)],
      ['Error', present(execution.error) ? execution.error : undefined],
      ['Cause', present(execution.cause) ? execution.cause : undefined],
      ['Redriven', String(execution.redriveCount ?? 0)],
      ['Redrive', present(execution.redriveStatus) ? `${execution.redriveStatus}${present(execution.redriveStatusReason) ? `: ${execution.redriveStatusReason}` : ''}` : undefined],
      ['ARN', h('code', {class: 'small'}, execution.executionArn)],
    ]), h('div', {class: 'io'},
      h('div', null, h('h3', null, 'Input'), io(execution.input)),
      h('div', null, h('h3', null, 'Output'), io(execution.output))));
    graph?.setStatuses(new Map([...states.values()].map(st => [st.name, st.status])));
    const list = [...states.values()];
    const key = JSON.stringify([selected, list.map(st => [st.name, st.status, st.exitedAt, st.attempts, st.entries]),
      events.length, execution.status]);
    if (key === shown) return;  // nothing new: keep what the reader opened
    shown = key;
    replace(statesSlot, list.length === 0 ? notice('info', 'No state entered yet.') : table([
      {label: 'State', cell: st => h('button', {type: 'button', class: 'link', 'data-state': st.name,
        'aria-pressed': String(st.name === selected), onclick: () => select(st.name, true)}, st.name)},
      {label: 'Type', cell: st => st.type || '—'},
      {label: 'Status', cell: st => badge(st.status)},
      {label: 'Entered', cell: st => time(st.enteredAt)},
      {label: 'Duration', cell: st => duration(st.enteredAt, st.exitedAt ?? (running ? null : execution.stopDate))},
      {label: 'Attempts', cell: st => st.attempts ? String(st.attempts) : '—'},
      {label: 'Error', cell: st => present(st.error) ? st.error : '—'},
    ], list, {caption: 'States', rowAttrs: st => ({'data-state': st.name, 'data-status': st.status || ''})}));
    historyHeading.textContent = `History (${events.length} events)`;
    replace(historySlot, table([
      {label: 'Id', cell: e => String(e.id)},
      {label: 'Type', cell: e => e.type},
      {label: 'Time', cell: e => time(e.timestamp)},
      {label: 'Details', cell: e => {
        const d = eventDetails(e);
        const text = eventSummary(e);
        return Object.keys(d).length ? h('details', null, h('summary', null, text || 'details'), jsonBlock(d)) : (text || '—');
      }},
    ], events, {caption: 'History', rowAttrs: e => ({'data-event-type': e.type})}));
    if (!selected && list.length) {
      const pick = list.find(st => st.status === 'FAILED') || list.find(st => st.status === 'RUNNING') || list[list.length - 1];
      select(pick.name, false);
    } else {
      renderDetail();
    }
  }

  async function refresh() {
    execution = await sfn('DescribeExecution', {executionArn: arn}, {signal});
    events = await sfnAll('GetExecutionHistory', {executionArn: arn, maxResults: 1000}, 'events', {signal});
    states = statesFromHistory(events);
    update();
  }

  /** An `event: execution`: its status and timing, and the history events not yet shown. */
  function applyChange(change) {
    const status = change.execution;
    // The redrive status is DescribeExecution's alone: unknown once the status has changed.
    if (status.status !== execution.status) {
      delete execution.redriveStatus;
      delete execution.redriveStatusReason;
    }
    for (const key of STREAMED) execution[key] = status[key] ?? undefined;
    const last = events.length ? events[events.length - 1].id : 0;
    events.push(...change.events.filter(e => e.id > last));
    states = statesFromHistory(events);
    update();
  }

  let following = false;
  /** Follows the execution until it has finished (again after a redrive). */
  async function follow() {
    if (following || isFinished(execution.status)) return;
    following = true;
    let redriven = false;
    try {
      setMode('connecting');
      await watchExecution(arn, {
        signal,
        lastEventId: events.length ? events[events.length - 1].id : 0,
        onChange: applyChange,
        poll: async () => { await refresh(); return isFinished(execution.status); },
        onMode: setMode,
        onError: error => { if (!signal.aborted) replace(actionResult, errorNotice(error, 'Reading the execution')); },
      });
      if (!signal.aborted && isFinished(execution.status)) {  // its output and redrive status
        execution = await sfn('DescribeExecution', {executionArn: arn}, {signal});
        update();
        redriven = !isFinished(execution.status);  // meanwhile, by someone else
      }
    } catch (error) {
      if (!signal.aborted) replace(actionResult, errorNotice(error, 'Reading the execution'));
    } finally {
      following = false;
    }
    if (redriven && !signal.aborted) follow();
  }

  root.replaceChildren(
    h('nav', {class: 'crumbs', 'aria-label': 'Breadcrumb'}, h('a', {href: '#/state-machines'}, 'State machines'), ' / ',
      h('a', {href: `#/state-machines/${enc(execution.stateMachineArn)}`}, machineName), ' / ', execution.name),
    heading(`Execution ${execution.name}`, ' ', statusSlot),
    mode, h('div', {class: 'toolbar'}, stop, redrive), actionResult, summary,
    h('section', {'aria-labelledby': 'graph-h'}, h('h2', {id: 'graph-h'}, 'States'),
      h('p', {class: 'hint'}, 'Choose a state to see its input and output.'), graphSlot),
    stateDetail,
    h('section', {'aria-labelledby': 'states-h'}, h('h2', {id: 'states-h'}, 'What each state did'), statesSlot),
    h('section', {'aria-labelledby': 'history-h'}, historyHeading, historySlot));
  setMode(isFinished(execution.status) ? 'finished' : 'connecting');
  update();
  follow();
}
