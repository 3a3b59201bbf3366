// unit_test.mjs: the UI's pure parts, run by Node without a browser: the Server-Sent Events
// parser (events.js: events split anywhere across chunks, CRLF, comments, multi-line data), how
// an execution's stream is opened again after it broke (events.js, over a fetch() of the test's
// own), the graphs made of definitions (graph-model.js) and what each state of an execution did,
// read from its history (history.js).
//
//   node tests/ui/unit_test.mjs

import {ok, check, equal, checks, CheckError} from './check.mjs';
import {readEvents, watchExecution} from '../../ui/events.js';
import {fromWorkflow, fromStateMachine, describeRule} from '../../ui/graph-model.js';
import {statesFromHistory} from '../../ui/history.js';

/** A ReadableStream giving `text` in chunks of `size` bytes. */
function streamOf(text, size) {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) { controller.close(); return; }
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

async function parse(text, size) {
  const events = [];
  await readEvents(streamOf(text, size), ev => events.push(ev));
  return events;
}

async function sse() {
  const job = {id: 'j1', status: 'RUNNING', statusReason: 'naïve ✓'};
  const text = `: keep-alive\n\nevent: job\ndata: ${JSON.stringify(job)}\n\n` +
    ': keep-alive\r\n\r\nevent: job\r\ndata: {"id":"j1",\r\ndata: "status":"SUCCEEDED"}\r\nid: 7\r\n\r\n' +
    'data: no event name\n\nevent: job\ndata: {"unterminated": true}\n';
  for (const size of [1, 2, 3, 7, 64, 100000]) {
    const events = await parse(text, size);
    equal(events.map(e => e.event), ['job', 'job', 'message'], `event names (chunks of ${size})`);
    equal(JSON.parse(events[0].data), job, `first event's data (chunks of ${size})`);
    equal(events[1].data, '{"id":"j1",\n"status":"SUCCEEDED"}', `multi-line data (chunks of ${size})`);
    equal(events[1].id, '7', 'id field');
    equal(events[2].data, 'no event name', 'an event without a name');
  }
  ok('SSE parser: events, CRLF, comments, multi-line data, UTF-8, in chunks of 1 byte to all at once; an unterminated event is not delivered');
}

async function executionStream() {
  const change = (id, status) => `event: execution\nid: ${id}\ndata: ${JSON.stringify({execution: {status}, events: [{id}]})}\n\n`;
  // The first connection breaks after event 2; the second brings event 3, where it has ended.
  const bodies = [change(2, 'RUNNING'), `: keep-alive\n\n${change(3, 'SUCCEEDED')}`];
  const requests = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (url, init) => {
    requests.push({url: String(url), lastEventId: init.headers['Last-Event-ID']});
    return new Response(bodies[requests.length - 1], {headers: {'Content-Type': 'text/event-stream'}});
  };
  const changes = [];
  const modes = [];
  try {
    await watchExecution('arn:e', {lastEventId: 1, onChange: c => changes.push(c), onMode: m => modes.push(m),
      poll: () => { throw new Error('polled while the stream works'); }});
  } finally {
    globalThis.fetch = realFetch;
  }
  equal(requests.map(r => r.url), ['/events?execution=arn%3Ae', '/events?execution=arn%3Ae'], 'the stream, opened twice');
  equal(requests.map(r => r.lastEventId), ['1', '2'], 'Last-Event-ID: the page\'s last event, then the last one received');
  equal(changes.map(c => [c.events[0].id, c.execution.status]), [[2, 'RUNNING'], [3, 'SUCCEEDED']], 'changes delivered');
  equal(modes, ['live', 'live', 'finished'], 'modes');
  ok('an execution\'s stream that breaks is opened again after the last event received (Last-Event-ID), until it has finished');
}

function graphs() {
  const workflow = {startAt: 'a', states: [
    {name: 'a', type: 'Task', resource: 'echo:1', next: 'b', end: false},
    {name: 'b', type: 'Task', resource: 'echo', next: '', end: true},   // older services: ""
    {name: 'c', type: 'Task', resource: 'echo', next: null, end: true}]};  // newer: null
  const model = fromWorkflow(workflow);
  equal(model.start, 'a', 'start');
  equal(model.nodes.map(n => n.id), ['a', 'b', 'c'], 'nodes');
  equal(model.edges.map(e => `${e.from}->${e.to}`), ['a->b'], 'edges of a chain (no edge for "" or null)');

  const machine = fromStateMachine(JSON.stringify({StartAt: 'C', States: {
    C: {Type: 'Choice', Choices: [{Variable: '$.x', NumericGreaterThan: 1, Next: 'P'}], Default: 'F'},
    P: {Type: 'Parallel', Branches: [{StartAt: 'A', States: {A: {Type: 'Pass', End: true}}}],
      Catch: [{ErrorEquals: ['States.ALL'], Next: 'F'}], Next: 'M'},
    M: {Type: 'Map', ItemProcessor: {StartAt: 'I', States: {I: {Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:1:function:fn', End: true}}}, End: true},
    F: {Type: 'Fail', Error: 'E'}}}));
  equal(machine.edges.map(e => `${e.from}->${e.to}:${e.kind}:${e.label || ''}`),
    ['C->P:choice:$.x > 1', 'C->F:choice:default', 'P->M:next:', 'P->F:catch:catch States.ALL'], 'edges of a state machine');
  equal(machine.nodes.find(n => n.id === 'P').children[0].nodes.map(n => n.id), ['A'], 'a Parallel holds its branch');
  equal(machine.nodes.find(n => n.id === 'M').children[0].nodes[0].detail, 'fn', 'a Map holds its processor; a Lambda task shows its function');
  equal(describeRule({And: [{Variable: '$.a', IsPresent: true}, {Variable: '$.a', BooleanEquals: true}]}), 'and(2)', 'And rule');
  equal(describeRule({Variable: '$.s', StringEqualsPath: '$.t'}), '$.s == $.t', 'a ...Path rule');
  ok('graph models: a v1 chain ("" and null as no next), Choice/Default/Catch edges, Parallel and Map inner graphs');
}

const ev = (id, previousEventId, type, extra = {}) => ({id, previousEventId, type, timestamp: id, ...extra});
const entered = (id, prev, type, name, input = '{}') => ev(id, prev, `${type}StateEntered`, {stateEnteredEventDetails: {name, input}});
const exited = (id, prev, type, name, output = '{}') => ev(id, prev, `${type}StateExited`, {stateExitedEventDetails: {name, output}});

function history() {
  // Choice, Parallel with a retried task (fails once), then a task.
  let states = statesFromHistory([
    ev(1, 0, 'ExecutionStarted'), entered(2, 0, 'Choice', 'Size', '{"size":7}'), exited(3, 2, 'Choice', 'Size', '{"size":7}'),
    entered(4, 3, 'Parallel', 'Both'), ev(5, 4, 'ParallelStateStarted'),
    entered(6, 5, 'Task', 'Flaky'), ev(7, 6, 'LambdaFunctionScheduled'), ev(8, 7, 'LambdaFunctionStarted'),
    ev(9, 8, 'LambdaFunctionFailed', {lambdaFunctionFailedEventDetails: {error: 'Flaky.NotYet', cause: 'first try'}}),
  ]);
  equal([states.get('Size').status, states.get('Both').status, states.get('Flaky').status], ['SUCCEEDED', 'RUNNING', 'FAILED'], 'while a retry waits');
  equal(states.get('Flaky').error, 'Flaky.NotYet', 'the error of the failed attempt');
  equal(states.get('Size').input, '{"size":7}', 'input from StateEntered');
  states = statesFromHistory([
    ev(1, 0, 'ExecutionStarted'), entered(2, 0, 'Parallel', 'Both'), ev(3, 2, 'ParallelStateStarted'),
    entered(4, 3, 'Task', 'Flaky'), ev(5, 4, 'LambdaFunctionScheduled'), ev(6, 5, 'LambdaFunctionStarted'),
    ev(7, 6, 'LambdaFunctionFailed', {lambdaFunctionFailedEventDetails: {error: 'Flaky.NotYet'}}),
    ev(8, 7, 'LambdaFunctionScheduled'), ev(9, 8, 'LambdaFunctionStarted'), ev(10, 9, 'LambdaFunctionSucceeded'),
    exited(11, 10, 'Task', 'Flaky', '{"ok":1}'), ev(12, 3, 'ParallelStateSucceeded'), exited(13, 12, 'Parallel', 'Both'),
    ev(14, 13, 'ExecutionSucceeded')]);
  equal([states.get('Flaky').status, states.get('Flaky').attempts, states.get('Flaky').error, states.get('Flaky').output],
    ['SUCCEEDED', 2, null, '{"ok":1}'], 'a retried task that succeeded');
  equal(states.get('Both').status, 'SUCCEEDED', 'the Parallel');

  // A caught failure, then the execution fails in a Map; a sibling branch still running is aborted.
  states = statesFromHistory([
    ev(1, 0, 'ExecutionStarted'), entered(2, 0, 'Task', 'T'), ev(3, 2, 'LambdaFunctionScheduled'),
    ev(4, 3, 'LambdaFunctionFailed', {lambdaFunctionFailedEventDetails: {error: 'States.TaskFailed'}}),
    exited(5, 4, 'Task', 'T'), entered(6, 5, 'Map', 'M'),
    ev(7, 6, 'ExecutionFailed', {executionFailedEventDetails: {error: 'States.Runtime', cause: 'bad path'}})]);
  equal([states.get('T').status, states.get('M').status, states.get('M').error], ['CAUGHT', 'FAILED', 'States.Runtime'], 'caught, then failed');
  states = statesFromHistory([
    ev(1, 0, 'ExecutionStarted'), entered(2, 0, 'Parallel', 'P'), ev(3, 2, 'ParallelStateStarted'),
    entered(4, 3, 'Task', 'A'), ev(5, 4, 'LambdaFunctionScheduled'), entered(6, 3, 'Wait', 'S'),
    ev(7, 5, 'LambdaFunctionFailed', {lambdaFunctionFailedEventDetails: {error: 'X'}}),
    ev(8, 3, 'ParallelStateFailed'), ev(9, 8, 'ExecutionFailed', {executionFailedEventDetails: {error: 'X'}})]);
  equal([states.get('P').status, states.get('A').status, states.get('S').status], ['FAILED', 'FAILED', 'ABORTED'], 'a failed branch');
  states = statesFromHistory([ev(1, 0, 'ExecutionStarted'), entered(2, 0, 'Wait', 'W'), ev(3, 2, 'ExecutionAborted')]);
  equal(states.get('W').status, 'ABORTED', 'a stopped execution');
  ok('execution history: retried, caught, failed and aborted states, attempts, errors, input and output');
}

try {
  await sse();
  await executionStream();
  graphs();
  history();
  check(checks() === 4, 'every group ran');
  console.log(`passed: ${checks()} groups of unit checks`);
} catch (error) {
  console.error(`FAIL: ${error instanceof CheckError ? error.message : error.stack || error}`);
  process.exit(1);
}
