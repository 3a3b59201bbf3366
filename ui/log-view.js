// log-view.js: the log of one task of a job (GET /jobs/{id}/tasks/{state}/log, its stdout and
// stderr). While the task runs it is read again every second (following, kept scrolled to the
// end unless the reader scrolled up); when the task's status changes it is read once more.

import {getText} from './api.js';
import {h, sleep, enc} from './dom.js';

export function createLogView(jobId, signal) {
  const title = h('h2', {id: 'log-h'}, 'Log');
  const state = h('span', {class: 'log-state', role: 'status'}, 'Choose a task to see its log.');
  const pre = h('pre', {id: 'log', class: 'log', tabindex: '0', 'aria-labelledby': 'log-h'}, '');
  const element = h('section', {id: 'log-section', 'aria-labelledby': 'log-h'}, title, state, pre);
  let selected = null;  // state name
  let status = null;    // its task's last known status
  let generation = 0;   // a read for an earlier selection is dropped

  async function read() {
    if (!selected) return;
    const mine = ++generation;
    const name = selected;
    try {
      const text = await getText(`/jobs/${enc(jobId)}/tasks/${enc(name)}/log`, {signal});
      if (mine !== generation) return;
      const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
      if (pre.textContent !== text) pre.textContent = text;
      pre.classList.toggle('empty', !text);
      if (!text) pre.textContent = '';
      if (atEnd) pre.scrollTop = pre.scrollHeight;
      pre.dataset.loaded = name;
    } catch (error) {
      if (signal.aborted || mine !== generation) return;
      pre.textContent = '';
      pre.classList.add('empty');
      pre.dataset.loaded = name;
      state.textContent = error.status === 404 ? `No log for ${name} yet.` : `The log could not be read: ${error.message}`;
    }
  }

  function describe() {
    if (!selected) return;
    state.textContent = status === 'RUNNING' ? `Following ${selected} while it runs (read every second).`
      : ['QUEUED', 'WAITING_FOR_DEPS', 'CREATED'].includes(status) ? `${selected} has not started yet.`
        : `${selected} has finished (${status}).`;
    element.dataset.following = String(status === 'RUNNING');
  }

  (async () => {  // the follower
    while (!signal.aborted) {
      await sleep(1000, signal);
      if (status === 'RUNNING') await read();
    }
  })();

  return {
    element,
    get selected() { return selected; },
    /** Shows the log of `task` (a task of the job). */
    show(task) {
      if (selected === task.state) return;
      selected = task.state;
      status = task.status;
      title.textContent = `Log of ${task.state}`;
      pre.textContent = '';
      delete pre.dataset.loaded;
      describe();
      read();
    },
    /** Tells it the job changed: reads once more when the selected task's status changed. */
    update(job) {
      const task = (job.tasks || []).find(t => t.state === selected);
      if (!task || task.status === status) return;
      status = task.status;
      describe();
      read();
    },
  };
}
