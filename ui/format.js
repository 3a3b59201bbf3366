// format.js: how values are shown: times (RFC 3339 strings of the v1 API and epoch seconds of
// the Step Functions API), durations, statuses as text badges with a colour class, and the
// service's two spellings of "no value" ("" from older binaries, null from newer ones).

import {h} from './dom.js';

/** "" and null and undefined all mean "no value". */
export function present(value) {
  return value !== undefined && value !== null && value !== '';
}

/** A Date from an RFC 3339 string or from epoch seconds (Step Functions), else null. */
export function toDate(value) {
  if (!present(value)) return null;
  const date = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

const pad = n => String(n).padStart(2, '0');

/** Local time as YYYY-MM-DD HH:MM:SS in a <time> element (UTC ISO in its datetime/title). */
export function time(value) {
  const date = toDate(value);
  if (!date) return '—';
  const text = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return h('time', {datetime: date.toISOString(), title: date.toISOString()}, text);
}

/** "1.234 s", "2 min 5 s", "3 h 2 min". */
export function formatDuration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  if (ms < 0) ms = 0;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.floor(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Duration between two times; a missing end counts until now (for what still runs). */
export function duration(start, stop) {
  const from = toDate(start);
  if (!from) return '—';
  const to = toDate(stop) || new Date();
  return formatDuration(to - from);
}

const STATUS_CLASS = {
  SUCCEEDED: 'ok',
  FAILED: 'fail', TIMED_OUT: 'fail',
  RUNNING: 'run',
  CREATED: 'wait', QUEUED: 'wait', WAITING_FOR_DEPS: 'wait', PENDING_REDRIVE: 'wait',
  CANCELLED: 'abort', ABORTED: 'abort', ABORTED_BY_USER: 'abort', ABORTED_DEPS_FAILED: 'abort',
  CAUGHT: 'caught',
};

/** The colour class of a job, task, execution or state status ("none" when unknown/absent). */
export function statusClass(status) {
  return STATUS_CLASS[status] || 'none';
}

/** The status as a badge: the text is the status itself, the colour only repeats it. */
export function badge(status) {
  const text = present(status) ? String(status) : 'NOT STARTED';
  return h('span', {class: `badge st-${statusClass(status)}`, 'data-status': status || ''}, text);
}

export const JOB_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];
export const EXECUTION_STATUSES =
  ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];
const FINISHED = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT', 'ABORTED']);

/** A job or execution status after which nothing changes (until a redrive). */
export function isFinished(status) {
  return FINISHED.has(status);
}

/** Parses JSON text, returning the text itself when it is not JSON. */
export function parseMaybeJSON(text) {
  if (typeof text !== 'string') return text;
  try { return JSON.parse(text); } catch { return text; }
}

/** The last part of an ARN or resource, for labels ("...:function:identity" -> "identity"). */
export function shortResource(resource) {
  if (!present(resource)) return '';
  const text = String(resource);
  const fn = text.match(/:function:([^:]+)/);
  if (fn) return fn[1];
  if (text.startsWith('arn:aws:states:::')) return text.slice('arn:aws:states:::'.length);
  return text.length > 40 ? text.slice(text.lastIndexOf(':') + 1) : text;
}

/** The name at the end of a state machine or execution ARN. */
export function arnName(arn) {
  const parts = String(arn || '').split(':');
  return parts[parts.length - 1] || String(arn || '');
}
