// pages/jobs.js: #/jobs?workflow=&status=&since=&until=&limit=&page=&prev=: the jobs, newest
// first, filtered by workflow, status and creation time (since inclusive, until exclusive),
// paged with the service's X-Next-Page-Token (`prev` keeps the tokens of the pages before, for
// "Previous page"). Services that list jobs only per workflow (400 without workflowName) get a
// prompt to choose one. Filters are also applied here, in case a service ignores one.

import {requestJSON, getJSON} from '../api.js';
import {h, heading, table, notice, errorNotice, enc} from '../dom.js';
import {time, duration, badge, present, toDate, JOB_STATUSES} from '../format.js';

const pad = n => String(n).padStart(2, '0');

/** RFC 3339 (UTC) -> the value of a datetime-local input (local time). */
function toLocalInput(iso) {
  const d = toDate(iso);
  if (!d) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value (local time) -> RFC 3339 in UTC. */
function fromLocalInput(value) {
  if (!value) return '';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

function hashFor(filters) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (present(v)) params.set(k, v);
  const qs = params.toString();
  return `#/jobs${qs ? `?${qs}` : ''}`;
}

function filterForm(filters, workflows) {
  const workflowSelect = h('select', {id: 'f-workflow', name: 'workflow'},
    h('option', {value: ''}, 'All workflows'),
    workflows.map(n => h('option', {value: n, selected: n === filters.workflow}, n)));
  if (filters.workflow && !workflows.includes(filters.workflow)) {
    workflowSelect.append(h('option', {value: filters.workflow, selected: true}, filters.workflow));
  }
  const statusSelect = h('select', {id: 'f-status', name: 'status'},
    h('option', {value: ''}, 'Any status'),
    JOB_STATUSES.map(st => h('option', {value: st, selected: st === filters.status}, st)));
  const since = h('input', {id: 'f-since', name: 'since', type: 'datetime-local', value: toLocalInput(filters.since)});
  const until = h('input', {id: 'f-until', name: 'until', type: 'datetime-local', value: toLocalInput(filters.until)});
  const limit = h('select', {id: 'f-limit', name: 'limit'},
    ['10', '20', '50', '100'].map(n => h('option', {value: n, selected: n === filters.limit}, n)));
  return h('form', {class: 'filters', role: 'search', 'aria-label': 'Filter jobs', onsubmit: ev => {
    ev.preventDefault();
    location.hash = hashFor({workflow: workflowSelect.value, status: statusSelect.value,
      since: fromLocalInput(since.value), until: fromLocalInput(until.value), limit: limit.value});
  }},
  h('div', {class: 'field'}, h('label', {for: 'f-workflow'}, 'Workflow'), workflowSelect),
  h('div', {class: 'field'}, h('label', {for: 'f-status'}, 'Status'), statusSelect),
  h('div', {class: 'field'}, h('label', {for: 'f-since'}, 'Created since'), since),
  h('div', {class: 'field'}, h('label', {for: 'f-until'}, 'Created before'), until),
  h('div', {class: 'field'}, h('label', {for: 'f-limit'}, 'Per page'), limit),
  h('div', {class: 'actions'},
    h('button', {type: 'submit', class: 'primary'}, 'Apply filters'),
    h('a', {class: 'button secondary', href: '#/jobs'}, 'Clear')));
}

/** Keeps what matches the filters (the service filters already; this guards older ones). */
function matches(job, filters) {
  if (filters.workflow && job.workflow?.name !== filters.workflow) return false;
  if (filters.status && job.status !== filters.status) return false;
  const created = toDate(job.createdAt);
  if (filters.since && created && created < toDate(filters.since)) return false;
  if (filters.until && created && created >= toDate(filters.until)) return false;
  return true;
}

export async function render(root, _params, {signal, query}) {
  const filters = {
    workflow: query.get('workflow') || '', status: query.get('status') || '',
    since: query.get('since') || '', until: query.get('until') || '',
    limit: query.get('limit') || '20',
  };
  const page = query.get('page') || '';
  let prev = [];
  try { prev = JSON.parse(query.get('prev') || '[]'); } catch { prev = []; }

  const workflows = await getJSON('/workflows', {signal}).then(list => list.map(w => w.name).sort())
    .catch(error => { if (error.name === 'AbortError') throw error; return []; });
  const results = h('section', {id: 'jobs-results', 'aria-live': 'polite', 'aria-busy': 'true'},
    h('p', {class: 'loading'}, 'Loading…'));
  root.replaceChildren(heading('Jobs'),
    h('p', {class: 'lead'}, 'Jobs of workflows, newest first. The executions of state machines are listed on each ',
      h('a', {href: '#/state-machines'}, 'state machine'), '\'s page.'),
    filterForm(filters, workflows), results);

  let data;
  let next;
  try {
    const answer = await requestJSON('GET', '/jobs', {signal, query: {
      workflowName: filters.workflow, status: filters.status, since: filters.since,
      until: filters.until, limit: filters.limit, pageToken: page}});
    data = answer.data || [];
    next = answer.headers.get('X-Next-Page-Token');
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    results.setAttribute('aria-busy', 'false');
    if (error.status === 400 && !filters.workflow && /workflowName/.test(error.message)) {
      results.replaceChildren(notice('info', h('strong', null, 'Choose a workflow. '),
        'This service lists jobs one workflow at a time: pick one in the Workflow filter above.'));
    } else {
      results.replaceChildren(errorNotice(error, 'Listing the jobs'));
    }
    return;
  }
  const rows = data.filter(job => matches(job, filters))
    .sort((a, b) => (toDate(b.createdAt) || 0) - (toDate(a.createdAt) || 0));
  const pageNumber = prev.length + 1;
  const nav = h('nav', {class: 'pager', 'aria-label': 'Pages'},
    prev.length ? h('a', {class: 'button secondary', rel: 'prev',
      href: hashFor({...filters, page: prev[prev.length - 1], prev: prev.length > 1 ? JSON.stringify(prev.slice(0, -1)) : ''})},
    'Previous page') : null,
    h('span', null, `Page ${pageNumber}`),
    next ? h('a', {class: 'button secondary', rel: 'next',
      href: hashFor({...filters, page: next, prev: JSON.stringify([...prev, page])})}, 'Next page') : null);
  results.setAttribute('aria-busy', 'false');
  results.replaceChildren(
    rows.length === 0 ? notice('info', 'No job matches these filters.')
      : table([
        {label: 'Job', cell: j => h('a', {href: `#/jobs/${enc(j.id)}`, title: j.id, class: 'mono'}, j.id.slice(0, 8))},
        {label: 'Workflow', cell: j => j.workflow ? h('a', {href: `#/workflows/${enc(j.workflow.name)}?revision=${j.workflow.revision}`},
          `${j.workflow.name} r${j.workflow.revision}`) : '—'},
        {label: 'Status', cell: j => badge(j.status)},
        {label: 'Created', cell: j => time(j.createdAt)},
        {label: 'Started', cell: j => time(j.startedAt)},
        {label: 'Duration', cell: j => present(j.startedAt) ? duration(j.startedAt, j.stoppedAt) : '—'},
        {label: 'Reason', cell: j => present(j.statusReason) ? j.statusReason : '—'},
      ], rows, {caption: 'Jobs', rowAttrs: j => ({'data-job-id': j.id, 'data-status': j.status})}),
    (prev.length || next) ? nav : null);
}
