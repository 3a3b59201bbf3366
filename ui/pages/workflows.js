// pages/workflows.js: #/workflows, every workflow (its latest revision) with links to its page
// and to its jobs.

import {getJSON} from '../api.js';
import {h, heading, table, notice, enc} from '../dom.js';
import {time, present} from '../format.js';

export async function render(root, _params, {signal}) {
  const list = await getJSON('/workflows', {signal});
  list.sort((a, b) => String(a.name).localeCompare(String(b.name)));
  root.replaceChildren(
    heading('Workflows'),
    h('p', {class: 'lead'}, 'Workflows are chains of states, each running a job definition. ',
      'Open one to see its revisions and graph, or to start a job.'),
    list.length === 0
      ? notice('info', 'No workflow yet. Create one with ', h('code', null, 'POST /workflows'),
        ' (see the README\'s walk-through).')
      : table([
        {label: 'Name', cell: w => h('a', {href: `#/workflows/${enc(w.name)}`}, w.name)},
        {label: 'Latest revision', cell: w => String(w.revision)},
        {label: 'States', cell: w => String((w.states || []).length)},
        {label: 'Description', cell: w => present(w.description) ? w.description : '—'},
        {label: 'Created', cell: w => time(w.createdAt)},
        {label: 'Jobs', cell: w => h('a', {href: `#/jobs?workflow=${enc(w.name)}`,
          'aria-label': `Jobs of ${w.name}`}, 'Jobs')},
      ], list, {caption: 'Workflows', rowAttrs: w => ({'data-workflow': w.name})}));
}
