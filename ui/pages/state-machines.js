// pages/state-machines.js: #/state-machines: the Step Functions state machines (ListStateMachines,
// every page), with links to each one's page.

import {sfnAll} from '../api.js';
import {h, heading, table, notice, enc} from '../dom.js';
import {time} from '../format.js';

export async function render(root, _params, {signal}) {
  const machines = await sfnAll('ListStateMachines', {maxResults: 1000}, 'stateMachines', {signal});
  machines.sort((a, b) => String(a.name).localeCompare(String(b.name)));
  root.replaceChildren(
    heading('State machines'),
    h('p', {class: 'lead'}, 'State machines in the Amazon States Language, run by the Step Functions API of this service.'),
    machines.length === 0
      ? notice('info', 'No state machine yet. Create one with the AWS CLI or an SDK (',
        h('code', null, 'aws stepfunctions create-state-machine --endpoint-url …'), ').')
      : table([
        {label: 'Name', cell: m => h('a', {href: `#/state-machines/${enc(m.stateMachineArn)}`}, m.name)},
        {label: 'Type', cell: m => m.type || 'STANDARD'},
        {label: 'Created', cell: m => time(m.creationDate)},
        {label: 'ARN', cell: m => h('code', {class: 'small'}, m.stateMachineArn)},
      ], machines, {caption: 'State machines', rowAttrs: m => ({'data-arn': m.stateMachineArn})}));
}
