// events.js: follows a job live. Reads GET /events?job=ID (Server-Sent Events) with fetch() and a
// ReadableStream, so that the Authorization header can be sent (EventSource can't), and parses
// its `event:`/`data:` lines. A stream that ends before the job has finished is opened again;
// when the service has no /events (or it never delivers), it polls GET /jobs/{id} every second.

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
 * Follows job `id` until it has finished or `signal` aborts: onJob(job) at once and after each
 * change; onMode('live' | 'polling' | 'finished') says how; onError(error) on a failed read
 * (a 404 ends the watch, other errors are retried by the polling).
 */
export async function watchJob(id, {signal, onJob, onMode = () => {}, onError = () => {}}) {
  let finished = false;
  const deliver = job => {
    onJob(job);
    if (isFinished(job.status)) finished = true;
  };
  for (;;) {  // the stream; opened again when it breaks after it has worked
    let streamed = false;
    try {
      const response = await openStream('/events', {query: {job: id}, signal});
      if ((response.headers.get('Content-Type') || '').includes('text/event-stream')) {
        onMode('live');
        await readEvents(response.body, ev => {
          if (ev.event !== 'job') return;
          streamed = true;
          deliver(JSON.parse(ev.data));
        }, signal);
      } else {
        await response.body?.cancel();
      }
    } catch (error) {
      if (signal?.aborted) return;
      // 404 (no /events route, or no such job: the polling below tells which), network, ...
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
      deliver(await getJSON(`/jobs/${encodeURIComponent(id)}`, {signal}));
      if (finished) { onMode('finished'); return; }
    } catch (error) {
      if (signal?.aborted) return;
      onError(error);
      if (error.status === 404 || error.status === 401 || error.status === 403) return;
    }
    await sleep(1000, signal);
  }
}
