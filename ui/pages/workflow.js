// pages/workflow.js: #/workflows/NAME[?revision=N]: one workflow: its revisions (GET
// /workflows/{name}/revisions when the service has it, else the latest and GET
// /workflows/{name}/{n} for the one chosen), the graph of the chosen revision, its states, its
// definition, and a form to start a job of it.

import {getJSON, postJSON} from '../api.js';
import {h, heading, table, facts, jsonBlock, errorNotice, notice, replace, enc} from '../dom.js';
import {time, present} from '../format.js';
import {drawGraph} from '../graph.js';
import {fromWorkflow} from '../graph-model.js';

async function loadRevisions(name, signal) {
  try {
    const list = await getJSON(`/workflows/${enc(name)}/revisions`, {signal});
    if (Array.isArray(list) && list.length) return list;
  } catch (error) {
    if (error.name === 'AbortError' || [0, 401, 403].includes(error.status)) throw error;
    // older services: "revisions" is read as a revision number (400) or not found (404)
  }
  return null;
}

export async function render(root, [name], {signal, query}) {
  const revisions = await loadRevisions(name, signal);
  const latest = revisions ? revisions.reduce((a, b) => (b.revision > a.revision ? b : a))
    : await getJSON(`/workflows/${enc(name)}`, {signal});
  const wanted = query.has('revision') ? Number(query.get('revision')) : latest.revision;
  const workflow = revisions?.find(r => r.revision === wanted)
    ?? (wanted === latest.revision ? latest : await getJSON(`/workflows/${enc(name)}/${wanted}`, {signal}));

  const numbers = revisions ? revisions.map(r => r.revision).sort((a, b) => b - a)
    : Array.from({length: latest.revision + 1}, (_, i) => latest.revision - i);
  const select = h('select', {id: 'revision', onchange: () => {
    location.hash = `#/workflows/${enc(name)}?revision=${select.value}`;
  }}, numbers.map(n => {
    const r = revisions?.find(x => x.revision === n);
    return h('option', {value: String(n), selected: n === workflow.revision},
      `revision ${n}${n === latest.revision ? ' (latest)' : ''}${r?.createdAt ? ` · ${String(r.createdAt).slice(0, 10)}` : ''}`);
  }));

  const graph = drawGraph(fromWorkflow(workflow), {label: `Graph of ${name}, revision ${workflow.revision}`});

  root.replaceChildren(
    h('nav', {class: 'crumbs', 'aria-label': 'Breadcrumb'}, h('a', {href: '#/workflows'}, 'Workflows'), ' / ', name),
    heading(`Workflow ${name}`),
    h('div', {class: 'toolbar'},
      h('div', {class: 'field inline'}, h('label', {for: 'revision'}, 'Revision'), select),
      h('a', {class: 'button secondary', href: `#/jobs?workflow=${enc(name)}`}, 'Jobs of this workflow')),
    facts([
      ['Revision', `${workflow.revision}${workflow.revision === latest.revision ? ' (latest)' : ''}`],
      ['Description', present(workflow.description) ? workflow.description : '—'],
      ['Start state', workflow.startAt],
      ['States', String((workflow.states || []).length)],
      ['Created', time(workflow.createdAt)],
      ['Id', present(workflow.id) ? h('code', null, workflow.id) : '—'],
    ]),
    h('section', {'aria-labelledby': 'graph-h'}, h('h2', {id: 'graph-h'}, 'Graph'), graph.element),
    h('section', {'aria-labelledby': 'states-h'}, h('h2', {id: 'states-h'}, 'States'),
      table([
        {label: 'Name', cell: st => st.name},
        {label: 'Type', cell: st => st.type || 'Task'},
        {label: 'Resource', cell: st => present(st.resource) ? h('code', null, st.resource) : '—'},
        {label: 'Next', cell: st => st.end ? 'end' : (present(st.next) ? st.next : '—')},
        {label: 'Comment', cell: st => present(st.comment) ? st.comment : '—'},
      ], workflow.states || [], {caption: 'States'})),
    startJobForm(name, workflow.revision),
    h('details', null, h('summary', null, 'Definition (JSON)'), jsonBlock(workflow)));
}

function startJobForm(name, revision) {
  const data = h('textarea', {id: 'job-data', rows: 3, spellcheck: 'false',
    'aria-describedby': 'job-data-help'});
  data.value = '[]';
  const result = h('div', {'aria-live': 'polite'});
  const button = h('button', {type: 'submit', class: 'primary'}, 'Start job');
  const form = h('form', {class: 'card', onsubmit: async ev => {
    ev.preventDefault();
    let parsed;
    try {
      parsed = JSON.parse(data.value || '[]');
    } catch (error) {
      replace(result, notice('error', `The data is not JSON: ${error.message}`));
      return;
    }
    button.disabled = true;
    try {
      const job = await postJSON('/jobs', {workflow: {name, revision}, data: parsed});
      location.hash = `#/jobs/${enc(job.id)}`;
    } catch (error) {
      replace(result, errorNotice(error, 'Starting the job'));
    } finally {
      button.disabled = false;
    }
  }},
  h('h2', {id: 'start-h'}, `Start a job of revision ${revision}`),
  h('div', {class: 'field'}, h('label', {for: 'job-data'}, 'Job data (JSON, usually an array)'), data,
    h('small', {id: 'job-data-help'}, 'Given to the tasks as _BATCH_START.')),
  h('div', {class: 'actions'}, button), result);
  form.setAttribute('aria-labelledby', 'start-h');
  return form;
}
