// pages/settings.js: #/settings: the API token sent as `Authorization: Bearer` to services that
// require one (kept in this browser's localStorage), with a check of what the service says.

import {getToken, setToken, getJSON} from '../api.js';
import {h, heading, notice, errorNotice, replace} from '../dom.js';

export async function render(root) {
  const input = h('input', {id: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false',
    placeholder: 'wfm_…', 'aria-describedby': 'token-help'});
  input.value = getToken();
  const show = h('input', {id: 'token-show', type: 'checkbox', onchange: () => { input.type = show.checked ? 'text' : 'password'; }});
  const result = h('div', {'aria-live': 'polite', id: 'token-result'});
  const check = async () => {
    try {
      await getJSON('/workflows');
      replace(result, notice('info', getToken() ? 'The service accepts this token.' : 'The service answers without a token.'));
    } catch (error) {
      replace(result, errorNotice(error, 'Checking the token'));
    }
  };
  root.replaceChildren(
    heading('Settings'),
    h('form', {class: 'card', 'aria-labelledby': 'token-h', onsubmit: ev => {
      ev.preventDefault();
      setToken(input.value.trim());
      replace(result, notice('info', input.value.trim() ? 'Token saved.' : 'Token removed.'));
      check();
    }},
    h('h2', {id: 'token-h'}, 'API token'),
    h('p', {id: 'token-help'}, 'Services that require authentication (not listening on loopback, or started with ',
      h('code', null, '--auth required'), ') need a token, made with ',
      h('code', null, 'workflow-manager token create --scope write --name ui'),
      ' (scope read to only look). It is kept in this browser\'s local storage and sent to this service only.'),
    h('div', {class: 'field'}, h('label', {for: 'token'}, 'API token'), input),
    h('div', {class: 'field checkbox'}, show, h('label', {for: 'token-show'}, 'Show the token')),
    h('div', {class: 'actions'},
      h('button', {type: 'submit', class: 'primary'}, 'Save'),
      h('button', {type: 'button', class: 'secondary', onclick: () => {
        setToken('');
        input.value = '';
        replace(result, notice('info', 'Token removed.'));
      }}, 'Remove token'),
      h('button', {type: 'button', class: 'secondary', onclick: check}, 'Check')),
    result));
}
