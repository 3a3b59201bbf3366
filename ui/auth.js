// auth.js: when the service answers 401 (it requires an API token and none, or a wrong one, was
// sent), shows a banner at the top of every page asking for a token, with a field to paste it;
// saving it stores it (localStorage, as in Settings) and reloads the current page.

import {h, replace} from './dom.js';
import {setToken, getToken} from './api.js';

export function installTokenPrompt(banner, rerender) {
  window.addEventListener('wfm:unauthorized', ev => {
    if (!banner.hidden && banner.dataset.kind === 'token') return;
    const input = h('input', {id: 'banner-token', type: 'password', autocomplete: 'off',
      spellcheck: 'false', placeholder: 'wfm_…'});
    const form = h('form', {class: 'inline-form', onsubmit: e => {
      e.preventDefault();
      setToken(input.value.trim());
      banner.hidden = true;
      rerender();
    }},
    h('label', {for: 'banner-token'}, 'API token'), input,
    h('button', {type: 'submit', class: 'primary'}, 'Save token and retry'),
    h('button', {type: 'button', class: 'secondary', onclick: () => { banner.hidden = true; }},
      'Dismiss'));
    replace(banner,
      h('p', null, h('strong', null, 'This service requires an API token. '),
        getToken() ? 'The token stored in this browser was refused' : 'No token is set',
        ` (401: ${ev.detail?.message || 'unauthorized'}). Create one with `,
        h('code', null, 'workflow-manager token create --scope write --name ui'),
        ' and paste it here; it is kept in this browser only (see Settings).'),
      form);
    banner.dataset.kind = 'token';
    banner.hidden = false;
    input.focus();
  });
}
