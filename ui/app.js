// app.js: the entry point. Routes the URL's hash (#/workflows, #/workflows/NAME, #/jobs,
// #/jobs/ID, #/state-machines, #/state-machines/ARN, #/executions/ARN, #/settings; a query after
// "?" holds a page's filters) to its page module, and gives each page an AbortSignal that stops
// its streams and timers when the user goes elsewhere.

import {h, errorNotice, notice} from './dom.js';
import {installTokenPrompt} from './auth.js';
import * as workflows from './pages/workflows.js';
import * as workflow from './pages/workflow.js';
import * as jobs from './pages/jobs.js';
import * as job from './pages/job.js';
import * as stateMachines from './pages/state-machines.js';
import * as stateMachine from './pages/state-machine.js';
import * as execution from './pages/execution.js';
import * as settings from './pages/settings.js';

const routes = [
  [/^\/workflows$/, workflows, 'workflows'],
  [/^\/workflows\/([^/]+)$/, workflow, 'workflows'],
  [/^\/jobs$/, jobs, 'jobs'],
  [/^\/jobs\/([^/]+)$/, job, 'jobs'],
  [/^\/state-machines$/, stateMachines, 'state-machines'],
  [/^\/state-machines\/(.+)$/, stateMachine, 'state-machines'],
  [/^\/executions\/(.+)$/, execution, 'state-machines'],
  [/^\/settings$/, settings, 'settings'],
];

const main = document.getElementById('main');
let controller = null;
let first = true;

async function route() {
  const hash = location.hash;
  if (!hash || hash === '#' || hash === '#/') { location.replace('#/workflows'); return; }
  if (!hash.startsWith('#/')) return;  // an in-page anchor, not a route
  const [path, queryText] = hash.slice(1).split(/\?(.*)/s);
  const query = new URLSearchParams(queryText || '');
  controller?.abort();
  controller = new AbortController();
  const {signal} = controller;
  const root = h('div', {class: 'page'}, h('p', {class: 'loading'}, 'Loading…'));
  main.replaceChildren(root);
  for (const [pattern, page, section] of routes) {
    const match = path.match(pattern);
    if (!match) continue;
    for (const link of document.querySelectorAll('.topbar nav a')) {
      if (link.dataset.section === section) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    let params;
    try {
      params = match.slice(1).map(decodeURIComponent);
    } catch {
      params = match.slice(1);
    }
    try {
      await page.render(root, params, {signal, query, rerender: route});
    } catch (error) {
      if (signal.aborted || error.name === 'AbortError') return;
      root.replaceChildren(h('h1', {tabindex: '-1'}, error.status === 401 ? 'An API token is needed'
        : error.status === 404 ? 'Not found' : 'Something went wrong'), errorNotice(error, 'Loading this page'));
      console.error(error);
    }
    if (!first && !signal.aborted) root.querySelector('h1')?.focus({preventScroll: true});
    first = false;
    return;
  }
  root.replaceChildren(h('h1', {tabindex: '-1'}, 'Not found'),
    notice('info', `No page at ${path}. `, h('a', {href: '#/workflows'}, 'Go to the workflows.')));
}

installTokenPrompt(document.getElementById('banner'), route);
window.addEventListener('hashchange', route);
route();
