// events.js: follows a job or a Step Functions execution live. Reads GET /events?job=ID or
// ?execution=ARN (Server-Sent Events) with fetch() and a ReadableStream, so that the
// Authorization header can be sent (EventSource can't), and parses its `event:`/`data:`/`id:`
// lines. A stream that ends before its subject has finished is opened again (an execution's
// resumed after the last history event received, by Last-Event-ID); when the service has no
// /events (or it never delivers), the subject is read again every second instead.

import {openStream, getJSON} from './api.js';
import {isFinished} from './format.js';
import {sleep} from './dom.js';

/**
 * Calls onEvent({event, data, id}) for each event of a text/event-stream body, until it ends
 * or the signal aborts. Comment lines (": keep-alive") are skipped.
 */
export async function readEvents(body, onEvent, signal) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let event = {event: 'message', data: [], id: undefined};
  const abort = () => reader.cancel().catch(() => {});
  signal?.addEventListener('abort', abort, {once: true});
  try {
    for (;;) {
      const {value, done} = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, {stream: true});
      let newline;
      while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
        if (buffer[newline] === '\r' && newline === buffer.length - 1) break;  // CR, LF may follow
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          if (event.data.length) {
            onEvent({event: event.event, data: event.data.join('\n'), id: event.id});
          }
          event = {event: 'message', data: [], id: undefined};
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'event') event.event = value;
        else if (field === 'data') event.data.push(value);
        else if (field === 'id') event.id = value;
      }
    }
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}

/**
 * Follows one subject of GET /events (`query`: {job: ID} or {execution: ARN}) until it has
 * finished or `signal` aborts. Each `name` event's data goes to deliver(data, id), which answers
 * whether the subject has finished. A stream that ends before then is opened again, with the
 * Last-Event-ID header when its events carry ids (starting from `lastEventId` when given); when
 * the service has no /events (or it never delivers), poll() is called every second instead
 * (it delivers what it read and answers whether the subject has finished). onMode('live' |
 * 'polling' | 'finished') says how; onError(error) on a failed read (a 404 of the polling ends
 * the watch, other errors are retried).
 */
async function watch({query, name, lastEventId, signal, deliver, poll, onMode, onError}) {
  let finished = false;
  let lastId = lastEventId;
  for (;;) {  // the stream; opened again when it breaks after it has worked
    let streamed = false;
    try {
      const headers = lastId === undefined ? {} : {'Last-Event-ID': String(lastId)};
      const response = await openStream('/events', {query, signal, headers});
      if ((response.headers.get('Content-Type') || '').includes('text/event-stream')) {
        onMode('live');
        await readEvents(response.body, ev => {
          if (ev.event !== name) return;
          streamed = true;
          if (ev.id !== undefined) lastId = ev.id;
          if (deliver(JSON.parse(ev.data), ev.id)) finished = true;
        }, signal);
      } else {
        await response.body?.cancel();
      }
    } catch (error) {
      if (signal?.aborted) return;
      // 404 (no /events route, or no such subject: the polling below tells which), network, ...
      if (error.status === 401 || error.status === 403) { onError(error); return; }
    }
    if (signal?.aborted) return;
    if (finished) { onMode('finished'); return; }
    if (!streamed) break;
    await sleep(1000, signal);
  }
  onMode('polling');
  while (!signal?.aborted) {
    try {
      if (await poll()) { onMode('finished'); return; }
    } catch (error) {
      if (signal?.aborted) return;
      onError(error);
      if (error.status === 404 || error.status === 401 || error.status === 403) return;
    }
    await sleep(1000, signal);
  }
}

/**
 * Follows job `id` until it has finished or `signal` aborts: onJob(job) at once and after each
 * change (`event: job`, else GET /jobs/{id} every second); onMode and onError as watch() says.
 */
export async function watchJob(id, {signal, onJob, onMode = () => {}, onError = () => {}}) {
  const deliver = job => {
    onJob(job);
    return isFinished(job.status);
  };
  await watch({query: {job: id}, name: 'job', signal, deliver, onMode, onError,
    poll: async () => deliver(await getJSON(`/jobs/${encodeURIComponent(id)}`, {signal}))});
}

/**
 * Follows Step Functions execution `arn` after its history event `lastEventId` until it has
 * finished or `signal` aborts: onChange({execution, events}) with its status and timing and the
 * history events stored since (`event: execution`); onMode and onError as watch() says. Without
 * the stream, poll() (the page's own full read, answering whether the execution has finished)
 * is called every second.
 */
export async function watchExecution(arn, {signal, lastEventId, onChange, poll, onMode = () => {},
  onError = () => {}}) {
  const deliver = change => {
    onChange(change);
    return isFinished(change.execution.status);
  };
  await watch({query: {execution: arn}, name: 'execution', lastEventId, signal, deliver, poll,
    onMode, onError});
}
