// pages/job.js: #/jobs/ID: one job, live: its status and timing, the workflow's graph with each
// state coloured by its task's status, every task (attempt, reason, exit code, job definition,
// times) and the log of the chosen task; updated through GET /events (or polling, see
// events.js) without reloading. "Cancel job" asks for a reason in a confirmation dialog, then
// DELETE /jobs/{id}.

import {getJSON, deleteJSON} from '../api.js';
import {h, heading, table, facts, jsonBlock, errorNotice, replace, enc} from '../dom.js';
import {time, duration, badge, present, isFinished} from '../format.js';
import {drawGraph} from '../graph.js';
import {fromWorkflow} from '../graph-model.js';
import {watchJob} from '../events.js';
import {confirmAction} from '../dialog.js';
import {createLogView} from '../log-view.js';

const MODES = {
  connecting: 'Connecting…',
  live: 'Live: updated as it changes.',
  polling: 'Updated every second.',
  finished: 'Finished: nothing changes any more.',
};

/** The task to show first: a running one, else a failed one, else the last started, else the first. */
function defaultTask(tasks) {
  return tasks.find(t => t.status === 'RUNNING') || tasks.find(t => t.status === 'FAILED')
    || [...tasks].reverse().find(t => present(t.startedAt)) || tasks[0];
}

export async function render(root, [id], {signal}) {
  let job = await getJSON(`/jobs/${enc(id)}`, {signal});
  const log = createLogView(id, signal);
  const mode = h('p', {class: 'live', role: 'status', id: 'live-mode'}, MODES.connecting);
  const statusSlot = h('span', {id: 'job-status'});
  const summary = h('div');
  const actions = h('div', {class: 'toolbar'});
  const actionResult = h('div', {'aria-live': 'polite'});
  const tasksSlot = h('div', {id: 'tasks-slot'});
  const graph = drawGraph(fromWorkflow(job.workflow), {withStatus: true,
    label: `States of job ${id}, coloured by status`,
    onSelect: name => select(name, true)});

  const cancel = h('button', {type: 'button', class: 'danger', id: 'cancel-job', onclick: async () => {
    const answer = await confirmAction({
      title: 'Cancel this job?',
      message: `Job ${id} (${job.workflow?.name}): its running task is stopped, the tasks not yet run are aborted. A cancelled job stays cancelled.`,
      confirmLabel: 'Cancel job', dismissLabel: 'Keep it running', danger: true,
      fields: [{name: 'reason', label: 'Reason', required: true, placeholder: 'why cancel this job'}],
    });
    if (!answer) return;
    cancel.disabled = true;
    try {
      update(await deleteJSON(`/jobs/${enc(id)}`, {reason: answer.reason}));
      replace(actionResult);
    } catch (error) {
      replace(actionResult, errorNotice(error, 'Cancelling the job'));
      update(job);
    }
  }}, 'Cancel job…');

  function select(name, scroll) {
    const task = (job.tasks || []).find(t => t.state === name);
    if (!task) return;
    log.show(task);
    graph.setSelected(name);
    for (const b of tasksSlot.querySelectorAll('button[data-state]')) {
      b.setAttribute('aria-pressed', String(b.dataset.state === name));
    }
    if (scroll) log.element.scrollIntoView({block: 'nearest', behavior: 'smooth'});
  }

  function jobDuration() {
    if (!present(job.startedAt)) return '—';
    return duration(job.startedAt, job.stoppedAt) + (present(job.stoppedAt) ? '' : ' so far');
  }

  function update(next) {
    job = next;
    const focused = document.activeElement?.closest?.('#tasks-slot button[data-state]')?.dataset.state;
    const wf = job.workflow || {};
    replace(statusSlot, badge(job.status));
    replace(summary, facts([
      ['Status', badge(job.status)],
      ['Reason', present(job.statusReason) ? job.statusReason : '—'],
      ['Workflow', h('a', {href: `#/workflows/${enc(wf.name)}?revision=${wf.revision}`}, `${wf.name} revision ${wf.revision}`)],
      ['Created', time(job.createdAt)],
      ['Started', time(job.startedAt)],
      ['Stopped', time(job.stoppedAt)],
      ['Duration', h('span', {id: 'job-duration'}, jobDuration())],
    ]));
    cancel.disabled = isFinished(job.status);
    graph.setStatuses(new Map((job.tasks || []).map(t => [t.state, t.status])));
    const resources = new Map((wf.states || []).map(st => [st.name, st.resource]));
    replace(tasksSlot, table([
      {label: 'State', cell: t => t.state},
      {label: 'Status', cell: t => badge(t.status)},
      {label: 'Attempt', cell: t => String(t.attempt ?? '—')},
      {label: 'Exit code', cell: t => present(t.exitCode) ? String(t.exitCode) : '—'},
      {label: 'Reason', cell: t => present(t.statusReason) ? t.statusReason : '—'},
      {label: 'Job definition', cell: t => present(t.jobDefinition) ? h('code', null, t.jobDefinition)
        : present(resources.get(t.state)) ? h('span', {title: 'the state\'s resource; the task has not been submitted'},
          h('code', null, resources.get(t.state)), ' (resource)') : '—'},
      {label: 'Started', cell: t => time(t.startedAt)},
      {label: 'Duration', cell: t => present(t.startedAt) ? duration(t.startedAt, t.stoppedAt) : '—'},
      {label: 'Task', cell: t => [present(t.id) ? h('code', {class: 'small'}, t.id) : '—',
        present(t.container) ? h('span', {class: 'small'}, ` ${t.container}`) : null]},
      {label: 'Log', cell: t => h('button', {type: 'button', class: 'secondary small', 'data-state': t.state,
        'aria-pressed': String(log.selected === t.state), onclick: () => select(t.state, true)},
      'Show log', h('span', {class: 'visually-hidden'}, ` of ${t.state}`))},
    ], job.tasks || [], {caption: 'Tasks', rowAttrs: t => ({'data-state': t.state, 'data-status': t.status})}));
    if (focused) tasksSlot.querySelector(`button[data-state="${CSS.escape(focused)}"]`)?.focus();
    log.update(job);
    if (!log.selected && job.tasks?.length) select(defaultTask(job.tasks).state, false);
  }

  actions.append(cancel);
  root.replaceChildren(
    h('nav', {class: 'crumbs', 'aria-label': 'Breadcrumb'}, h('a', {href: '#/jobs'}, 'Jobs'), ' / ',
      h('a', {href: `#/jobs?workflow=${enc(job.workflow?.name || '')}`}, job.workflow?.name || ''), ' / ', id.slice(0, 8)),
    heading(`Job ${id}`, ' ', statusSlot),
    mode, actions, actionResult, summary,
    h('section', {'aria-labelledby': 'graph-h'}, h('h2', {id: 'graph-h'}, 'States'),
      h('p', {class: 'hint'}, 'Choose a state to see its log.'), graph.element),
    h('section', {'aria-labelledby': 'tasks-h'}, h('h2', {id: 'tasks-h'}, 'Tasks'), tasksSlot),
    log.element,
    h('details', null, h('summary', null, 'Job data (JSON)'), jsonBlock(job.data ?? null)));
  update(job);

  const ticker = setInterval(() => {  // the running time, between two changes
    const slot = root.querySelector('#job-duration');
    if (slot && !isFinished(job.status)) slot.textContent = jobDuration();
  }, 1000);
  signal.addEventListener('abort', () => clearInterval(ticker), {once: true});
  watchJob(id, {
    signal,
    onJob: update,
    onMode: m => { mode.textContent = MODES[m]; mode.dataset.mode = m; },
    onError: error => { if (!signal.aborted) replace(actionResult, errorNotice(error, 'Following the job')); },
  });
}
