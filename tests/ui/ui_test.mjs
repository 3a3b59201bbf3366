// ui_test.mjs: browser test of the web UI served at /ui/.
//
//   node tests/ui/ui_test.mjs SERVICE_BINARY SCREENSHOT_DIR [--ui-dir DIR]
//
// Starts the real service (the given binary, on a free loopback port, in a temporary data
// directory; with --ui-dir (or WFM_UI_DIR) the UI files come from that directory, else the files
// embedded in the binary are tested), drives the Debian Chromium (/usr/bin/chromium, headless)
// with playwright-core, and checks, through the pages as a user sees them: the served files,
// the workflow list and page (revisions, graph), a job whose boxes change colour live and whose
// log is followed, cancelling a job through the confirmation dialog, a job changed by someone
// else updated without reload, the job list's filters and pages, a state machine and its
// executions (followed live through /events without reading the history again, or read every
// second without /events; states, input and output, history, stop and redrive through dialogs),
// the API token prompt on 401 and Settings, and the layout at 1280x800 and 390x844 (screenshots
// in SCREENSHOT_DIR). Prints "ok: ..." per check; on the first failure prints "FAIL: ..." with the
// end of the service's log and exits 1. The service (and what the test started in it) is
// stopped at the end whatever happens. Helpers: check.mjs (reporting), service.mjs (the service),
// browser.mjs (pages, waits, the graph's boxes).

import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {chromium} from 'playwright-core';
import {CheckError, ok, check, equal, checks} from './check.mjs';
import {Service} from './service.mjs';
import {TIMEOUT, env, newPage, waitFor, fresh, go, applyFilters, boxStatuses, boxStroke, COLOUR,
  recordStatuses, markNoReload, checkNoReload, shot, noHorizontalOverflow, accessibleBasics} from './browser.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');

// ---- arguments

const args = process.argv.slice(2);
let uiDir = process.env.WFM_UI_DIR || '';
const positional = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--ui-dir') uiDir = args[++i];
  else if (args[i].startsWith('--ui-dir=')) uiDir = args[i].slice('--ui-dir='.length);
  else positional.push(args[i]);
}
if (positional.length !== 2) {
  console.error('usage: node tests/ui/ui_test.mjs SERVICE_BINARY SCREENSHOT_DIR [--ui-dir DIR]');
  process.exit(2);
}
const BINARY = path.resolve(positional[0]);
const SHOTS = path.resolve(positional[1]);
if (uiDir) uiDir = path.resolve(uiDir);
const UI_SRC = uiDir || path.join(REPO, 'ui');  // the files the pages must be
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wfm-ui-test.'));
let service = null;

// ---- the test

async function main() {
  fs.mkdirSync(SHOTS, {recursive: true});
  check(fs.existsSync(BINARY), `no service binary at ${BINARY}`);
  check(fs.existsSync('/usr/bin/chromium'), 'no /usr/bin/chromium (apt-get install chromium)');
  // The shipped job definitions (sleep, echo, ...) and one that prints a line a second.
  const defs = JSON.parse(fs.readFileSync(path.join(REPO, 'data/job-definitions.json'), 'utf8'));
  defs.jobDefinitions.push({jobDefinitionName: 'ticker', revision: 1, type: 'container',
    containerProperties: {command: ['sh', '-c', 'for i in 1 2 3 4 5 6; do echo "tick $i"; sleep 1; done']}});
  fs.writeFileSync(path.join(work, 'job-definitions.json'), JSON.stringify(defs));
  service = new Service({binary: BINARY, work, repo: REPO, uiDir,
    jobDefinitions: path.join(work, 'job-definitions.json')});
  await service.start(TIMEOUT);
  env.base = service.base;
  env.shots = SHOTS;
  const base = service.base;
  const api = service.api.bind(service);
  const sfn = service.sfn.bind(service);
  const startedJobs = service.startedJobs;
  const startedExecutions = service.startedExecutions;
  ok(`service started at ${base} (${uiDir ? `UI from ${uiDir}` : 'embedded UI'})`);

  // -- The files are served as they are in ui/, with their content types.
  {
    const index = await fetch(`${base}/ui/`);
    equal(index.status, 200, 'GET /ui/');
    check((index.headers.get('content-type') || '').startsWith('text/html'), `GET /ui/ content type: ${index.headers.get('content-type')}`);
    const types = {'.html': /^text\/html/, '.js': /^(text|application)\/javascript/, '.css': /^text\/css/,
      '.svg': /^image\/svg\+xml/, '.json': /^application\/json/, '.png': /^image\/png/};
    const files = [];
    const walk = dir => fs.readdirSync(dir, {withFileTypes: true}).forEach(e => {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full); else files.push(path.relative(UI_SRC, full));
    });
    walk(UI_SRC);
    for (const file of files) {
      const response = await fetch(`${base}/ui/${file.split(path.sep).join('/')}`);
      const body = Buffer.from(await response.arrayBuffer());
      equal(response.status, 200, `GET /ui/${file}`);
      const type = response.headers.get('content-type') || '';
      const want = types[path.extname(file)];
      check(!want || want.test(type), `GET /ui/${file}: content type ${type}`);
      check(body.equals(fs.readFileSync(path.join(UI_SRC, file))),
        `GET /ui/${file} differs from ${path.join(UI_SRC, file)}${uiDir ? '' : ' (the binary embeds an older copy: rebuild it)'}`);
    }
    ok(`the ${files.length} files of ${uiDir || 'ui/'} are served at /ui/ as they are, with their content types`);
  }

  // -- Workflows to look at.
  const hello = JSON.parse(fs.readFileSync(path.join(REPO, 'data/hello-workflow.post.json'), 'utf8'));
  const sleepy = {...hello, name: 'sleepy', description: 'its first state sleeps 300 s',
    states: hello.states.map((st, i) => (i === 0 ? {...st, resource: 'sleep'} : st))};
  const ticking = {name: 'ticking', description: 'prints a line a second for 6 s, then echoes',
    startAt: 'tick', states: [
      {name: 'tick', type: 'Task', resource: 'ticker', next: 'after'},
      {name: 'after', type: 'Task', resource: 'echo', end: true}]};
  for (const wf of [hello, sleepy, ticking]) {
    const answer = await api('POST', '/workflows', wf);
    equal(answer.status, 201, `POST /workflows ${wf.name}`);
  }
  const revision1 = await api('PUT', '/workflows/hello-workflow', {...hello, description: 'revision one'});
  equal(revision1.status, 201, 'PUT /workflows/hello-workflow (revision 1)');
  ok('created workflows hello-workflow (revisions 0 and 1), sleepy and ticking');

  env.browser = await chromium.launch({executablePath: '/usr/bin/chromium', args: ['--no-sandbox'], headless: true});
  const page = await newPage({width: 1280, height: 800});

  // -- The workflow list.
  await page.goto(`${base}/ui/`);
  await waitFor(page, 'the workflow list at /ui/', () => document.querySelectorAll('tr[data-workflow]').length >= 3);
  check(page.url().endsWith('#/workflows'), `/ui/ should open #/workflows, is at ${page.url()}`);
  equal(await page.$$eval('tr[data-workflow]', rows => rows.map(r => r.dataset.workflow)),
    ['hello-workflow', 'sleepy', 'ticking'], 'workflows listed');
  equal(await page.$eval('nav a[aria-current="page"]', a => a.textContent), 'Workflows', 'current section');
  await accessibleBasics(page, 'workflow list');
  await shot(page, 'laptop-workflows');
  ok('the workflow list shows the three workflows, linked');

  // -- A workflow: its revisions and its graph.
  await page.click('a[href="#/workflows/hello-workflow"]');
  await waitFor(page, 'the graph of hello-workflow', () => document.querySelectorAll('svg.graph g.node').length === 3);
  equal(Object.keys(await boxStatuses(page)), ['start-state', 'second-state', 'end-state'], 'boxes of hello-workflow');
  equal(await page.$$eval('svg.graph path.edge[data-from]', ps => ps.map(p => `${p.dataset.from}->${p.dataset.to}`)),
    ['start-state->second-state', 'second-state->end-state'], 'arrows of hello-workflow');
  equal(await page.$$eval('#revision option', os => os.map(o => o.value)), ['1', '0'], 'revisions offered');
  equal(await page.$eval('#revision', s => s.value), '1', 'the latest revision is shown first');
  check((await page.textContent('.facts')).includes('revision one'), 'revision 1\'s description is shown');
  await page.selectOption('#revision', '0');
  await waitFor(page, 'revision 0 shown', () => location.hash.endsWith('?revision=0')
    && document.querySelector('.facts')?.textContent.includes('Three echo steps'));
  await accessibleBasics(page, 'workflow page');
  await shot(page, 'laptop-workflow');
  ok('the workflow page lists revisions 1 and 0, shows the chosen one and its graph: 3 boxes, 2 arrows');

  // -- A job started from the UI: its boxes change colour live, its log is followed.
  await go(page, '#/workflows/ticking');
  await fresh(page, 'the job page after "Start job"', () => page.click('form.card button[type=submit]'));
  check(/#\/jobs\/[0-9a-f-]{36}$/.test(page.url()), `"Start job" leads to the job's page, not ${page.url()}`);
  await waitFor(page, 'the boxes of the job', () => document.querySelector('#job-status')
    && document.querySelectorAll('svg.graph g.node').length === 2);
  const tickJob = decodeURIComponent(page.url().split('#/jobs/')[1]);
  startedJobs.push(tickJob);
  await markNoReload(page);
  await recordStatuses(page);
  await waitFor(page, 'tick RUNNING', () => document.querySelector('g.node[data-state="tick"]')?.dataset.status === 'RUNNING');
  const afterWhileTicking = (await boxStatuses(page)).after;
  check(['WAITING_FOR_DEPS', 'QUEUED', 'CREATED'].includes(afterWhileTicking), `"after" should wait while tick runs, is ${afterWhileTicking}`);
  equal(await boxStroke(page, 'tick'), COLOUR.blue, 'a RUNNING box is blue');
  equal(await page.$eval('g.node[data-state="tick"] > rect.box', r => getComputedStyle(r).animationName), 'box-running', 'a RUNNING box is animated');
  equal(await boxStroke(page, 'after'), COLOUR.grey, 'a waiting box is grey');
  // Live through /events when the service has it (text/event-stream), else by polling.
  const probe = new AbortController();
  const events = await fetch(`${base}/events?job=${tickJob}`, {signal: probe.signal});
  const hasEvents = events.ok && (events.headers.get('content-type') || '').startsWith('text/event-stream');
  probe.abort();
  const expectedMode = hasEvents ? 'live' : 'polling';
  await waitFor(page, `the job followed ${expectedMode}`, mode => document.querySelector('#live-mode')?.dataset.mode === mode
    || document.querySelector('#live-mode')?.dataset.mode === 'finished', expectedMode);
  const modeWhileRunning = await page.$eval('#live-mode', p => p.dataset.mode);
  check(modeWhileRunning === expectedMode || (await boxStatuses(page)).tick !== 'RUNNING',
    `the job page should follow the job ${expectedMode}, is ${modeWhileRunning}`);
  await shot(page, 'laptop-job-running');
  ok(`job ${tickJob.slice(0, 8)} started from the UI: tick RUNNING (blue, animated), after ${afterWhileTicking} (grey)`);

  // The log: the running task's is shown and grows while it runs.
  await waitFor(page, 'the log of tick selected', () => document.querySelector('#log-section h2')?.textContent === 'Log of tick');
  await waitFor(page, 'a first line in the log', () => document.querySelector('#log').textContent.includes('tick 1'));
  const followingWhileRunning = await page.$eval('#log-section', s => s.dataset.following);
  // "tick 3" is printed 2 s after "tick 1" and 3 s before the task ends: it must show while the
  // task still runs (the log is read again every second, not only when the task ends).
  await waitFor(page, 'a later line in the log while the task runs', () =>
    document.querySelector('#log').textContent.includes('tick 3')
    && document.querySelector('g.node[data-state="tick"]')?.dataset.status === 'RUNNING');
  equal(followingWhileRunning, 'true', 'the log says it is following the running task');
  ok('the log of the running task is followed: "tick 1", then "tick 3" appear while it runs');

  await waitFor(page, 'the job SUCCEEDED', () => document.querySelector('#job-status .badge')?.dataset.status === 'SUCCEEDED');
  equal(await boxStatuses(page), {tick: 'SUCCEEDED', after: 'SUCCEEDED'}, 'boxes at the end');
  equal(await boxStroke(page, 'tick'), COLOUR.green, 'a SUCCEEDED box is green');
  await waitFor(page, 'the whole log once tick finished', () => document.querySelector('#log').textContent.includes('tick 6')
    && document.querySelector('#log-section').dataset.following === 'false');
  const log = await page.evaluate(() => window.__statusLog);
  for (const step of ['tick=RUNNING', 'tick=SUCCEEDED', `after=${afterWhileTicking}`, 'after=SUCCEEDED']) {
    check(log.includes(step), `the box changes seen live should include ${step}: ${log.join(', ')}`);
  }
  check(log.indexOf('tick=RUNNING') < log.indexOf('tick=SUCCEEDED'), `tick went RUNNING then SUCCEEDED: ${log.join(', ')}`);
  await checkNoReload(page, 'job page');
  const rows = await page.$$eval('#tasks-slot tr[data-state]', trs => trs.map(tr => [tr.dataset.state, tr.dataset.status]));
  equal(rows, [['tick', 'SUCCEEDED'], ['after', 'SUCCEEDED']], 'the task table');
  equal(await page.textContent('#tasks-slot tr[data-state="tick"] td[data-label="Exit code"]'), '0', 'tick\'s exit code');
  equal(await page.textContent('#tasks-slot tr[data-state="tick"] td[data-label="Attempt"]'), '1', 'tick\'s attempt');
  check((await page.textContent('#tasks-slot tr[data-state="tick"] td[data-label="Job definition"]')).includes('ticker'),
    'tick\'s job definition');
  await page.click('#tasks-slot button[data-state="after"]');
  await waitFor(page, 'the log of "after"', () => document.querySelector('#log-section h2')?.textContent === 'Log of after'
    && document.querySelector('#log').dataset.loaded === 'after');
  await accessibleBasics(page, 'job page');
  await shot(page, 'laptop-job-succeeded');
  ok(`the boxes changed colour without a reload (${log.join(' → ')}; ${modeWhileRunning === 'live' ? 'through /events' : 'by polling'}); the whole log is shown once finished; another task's log is one click away`);

  // -- Cancel a job through the confirmation dialog.
  const sleepyJob = (await api('POST', '/jobs', {workflow: {name: 'sleepy'}, data: ['cancel me']})).data.id;
  startedJobs.push(sleepyJob);
  await go(page, `#/jobs/${sleepyJob}`);
  await waitFor(page, 'the sleeping task RUNNING', () => document.querySelector('g.node[data-state="start-state"]')?.dataset.status === 'RUNNING');
  await page.click('#cancel-job');
  await page.waitForSelector('dialog[open]');
  await accessibleBasics(page, 'cancel dialog');
  await page.click('dialog[open] button:has-text("Keep it running")');
  await waitFor(page, 'the dialog closed', () => !document.querySelector('dialog[open]'));
  equal((await api('GET', `/jobs/${sleepyJob}`)).data.status, 'RUNNING', 'dismissing the dialog cancels nothing');
  await page.click('#cancel-job');
  await page.waitForSelector('dialog[open] #dlg-reason');
  await page.click('dialog[open] button[type=submit]');  // no reason yet: the form refuses
  check(await page.$('dialog[open]'), 'the dialog should not close without a reason');
  equal((await api('GET', `/jobs/${sleepyJob}`)).data.status, 'RUNNING', 'no cancel without a reason');
  await page.fill('dialog[open] #dlg-reason', 'cancelled by the ui test');
  await shot(page, 'laptop-cancel-dialog');
  await page.click('dialog[open] button[type=submit]');
  await waitFor(page, 'the job CANCELLED', () => document.querySelector('#job-status .badge')?.textContent === 'CANCELLED');
  const afterCancel = await boxStatuses(page);
  equal(afterCancel['start-state'], 'ABORTED_BY_USER', 'the sleeping state after the cancel');
  equal(await boxStroke(page, 'start-state'), COLOUR.darkGrey, 'an aborted box is dark grey');
  check(await page.$eval('#cancel-job', b => b.disabled), 'the Cancel button is disabled once cancelled');
  const stored = (await api('GET', `/jobs/${sleepyJob}`)).data;
  equal(stored.status, 'CANCELLED', 'the stored job');
  check(JSON.stringify(stored).includes('cancelled by the ui test'), `the reason is stored: ${JSON.stringify(stored).slice(0, 300)}`);
  check((await page.textContent('main')).includes('cancelled by the ui test'), 'the page shows the reason');
  await shot(page, 'laptop-job-cancelled');
  ok('cancel: the dialog can be dismissed, needs a reason, then the job is CANCELLED with it (boxes dark grey)');

  // -- A job changed by someone else is updated without reload, by polling when the service has
  // no /events (here it answers 404 as older services do).
  const otherJob = (await api('POST', '/jobs', {workflow: {name: 'sleepy'}})).data.id;
  startedJobs.push(otherJob);
  await page.route('**/events?*', route => route.fulfill({status: 404, contentType: 'application/json',
    body: '{"message":"no such path: /events"}'}));
  await go(page, `#/jobs/${otherJob}`);
  await markNoReload(page);
  await waitFor(page, 'the other job RUNNING', () => document.querySelector('#job-status .badge')?.textContent === 'RUNNING');
  await waitFor(page, 'polling without /events', () => document.querySelector('#live-mode')?.dataset.mode === 'polling');
  const cancelled = await api('DELETE', `/jobs/${otherJob}`, {reason: 'cancelled through the API'});
  equal(cancelled.status, 200, 'DELETE /jobs/{id}');
  await waitFor(page, 'the page to show CANCELLED', () => document.querySelector('#job-status .badge')?.textContent === 'CANCELLED'
    && document.querySelector('g.node[data-state="start-state"]')?.dataset.status === 'ABORTED_BY_USER');
  await checkNoReload(page, 'job page (cancel through the API)');
  await page.unroute('**/events?*');
  ok('without /events the job page polls: a cancel made through the API shows up without reload');

  // -- The job list: filters and pages.
  const helloJobs = [];
  for (let i = 0; i < 12; i++) {
    const answer = await api('POST', '/jobs', {workflow: {name: 'hello-workflow'}, data: [`job ${i}`]});
    equal(answer.status, 200, 'POST /jobs');
    helloJobs.push(answer.data.id);
  }
  for (const id of helloJobs) {
    for (let tries = 0; ; tries++) {
      const status = (await api('GET', `/jobs/${id}`)).data.status;
      if (status === 'SUCCEEDED') break;
      check(!['FAILED', 'CANCELLED'].includes(status) && tries < 600, `hello job ${id} ended ${status}`);
      await new Promise(r => setTimeout(r, 50));
    }
  }
  await go(page, '#/jobs');
  await waitFor(page, 'the job list', () => document.querySelector('#jobs-results')?.getAttribute('aria-busy') === 'false');
  const allRows = await page.$$eval('#jobs-results tr[data-job-id]', trs => trs.length);
  const choose = await page.$('#jobs-results .notice-info');
  if (allRows) {
    equal(allRows, 15, 'all the jobs of all workflows on one page of 20');
    ok(`#/jobs lists the jobs of every workflow (${allRows})`);
  } else {
    check(choose && (await choose.textContent()).includes('Choose a workflow'), 'without a workflow: rows or the prompt to choose one');
    ok('#/jobs asks to choose a workflow (this service lists jobs per workflow)');
  }
  await page.selectOption('#f-workflow', 'sleepy');
  await applyFilters(page);
  await waitFor(page, 'the sleepy jobs', () => location.hash.includes('workflow=sleepy')
    && document.querySelectorAll('#jobs-results tr[data-job-id]').length === 2);
  equal(await page.$$eval('#jobs-results tr[data-job-id]', trs => trs.map(tr => tr.dataset.jobId)),
    [otherJob, sleepyJob], 'the sleepy jobs, newest first');
  equal(await page.$$eval('#jobs-results tr[data-job-id]', trs => trs.map(tr => tr.dataset.status)),
    ['CANCELLED', 'CANCELLED'], 'their statuses');
  await page.selectOption('#f-workflow', 'hello-workflow');
  await page.selectOption('#f-limit', '10');
  await applyFilters(page);
  await waitFor(page, 'a first page of 10 hello jobs', () => location.hash.includes('workflow=hello-workflow')
    && document.querySelectorAll('#jobs-results tr[data-job-id]').length === 10);
  const newest = helloJobs.slice().reverse();
  equal(await page.$$eval('#jobs-results tr[data-job-id]', trs => trs.map(tr => tr.dataset.jobId)), newest.slice(0, 10), 'page 1, newest first');
  await shot(page, 'laptop-jobs');
  await fresh(page, 'the next page', () => page.click('a[rel=next]'));
  await waitFor(page, 'page 2', () => document.querySelectorAll('#jobs-results tr[data-job-id]').length === 2);
  equal(await page.$$eval('#jobs-results tr[data-job-id]', trs => trs.map(tr => tr.dataset.jobId)), newest.slice(10), 'page 2');
  check(!(await page.$('a[rel=next]')), 'no next page after the last');
  await fresh(page, 'the previous page', () => page.click('a[rel=prev]'));
  await waitFor(page, 'back to page 1', () => document.querySelectorAll('#jobs-results tr[data-job-id]').length === 10);
  ok('filter by workflow (2 sleepy jobs), pages of 10 through X-Next-Page-Token: 10 then 2 hello jobs, newest first, and back');

  await page.selectOption('#f-status', 'CANCELLED');
  await applyFilters(page);
  await waitFor(page, 'no CANCELLED hello job', () => location.hash.includes('status=CANCELLED')
    && document.querySelector('#jobs-results')?.getAttribute('aria-busy') === 'false'
    && document.querySelector('#jobs-results')?.textContent.includes('No job matches'));
  await page.selectOption('#f-workflow', 'sleepy');
  await applyFilters(page);
  await waitFor(page, '2 CANCELLED sleepy jobs', () => location.hash.includes('workflow=sleepy')
    && document.querySelectorAll('#jobs-results tr[data-status="CANCELLED"]').length === 2);
  await page.selectOption('#f-status', 'SUCCEEDED');
  await applyFilters(page);
  await waitFor(page, 'no SUCCEEDED sleepy job', () => location.hash.includes('status=SUCCEEDED')
    && document.querySelector('#jobs-results')?.getAttribute('aria-busy') === 'false'
    && document.querySelector('#jobs-results')?.textContent.includes('No job matches'));
  ok('filter by status: CANCELLED hello jobs none, CANCELLED sleepy jobs 2, SUCCEEDED sleepy jobs none');

  const local = d => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}T${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  await page.selectOption('#f-status', '');
  await page.fill('#f-since', local(new Date(Date.now() + 24 * 3600e3)));
  await applyFilters(page);
  await waitFor(page, 'no job created since tomorrow', () => location.hash.includes('since=')
    && document.querySelector('#jobs-results')?.getAttribute('aria-busy') === 'false'
    && document.querySelector('#jobs-results')?.textContent.includes('No job matches'));
  await page.fill('#f-since', local(new Date(Date.now() - 3600e3)));
  await applyFilters(page);
  await waitFor(page, 'both sleepy jobs since an hour ago', () =>
    document.querySelectorAll('#jobs-results tr[data-job-id]').length === 2);
  await page.fill('#f-since', '');
  await page.fill('#f-until', local(new Date(Date.now() - 3600e3)));
  await applyFilters(page);
  await waitFor(page, 'no job created before an hour ago', () => location.hash.includes('until=')
    && !location.hash.includes('since=')
    && document.querySelector('#jobs-results')?.getAttribute('aria-busy') === 'false'
    && document.querySelector('#jobs-results')?.textContent.includes('No job matches'));
  await accessibleBasics(page, 'job list');
  ok('filter by time: none since tomorrow, both since an hour ago, none before an hour ago');

  // -- A state machine and its executions.
  const definition = {
    Comment: 'ui test: Pass, Wait (seconds from the input), Choice, Parallel, Succeed or Fail',
    StartAt: 'Prepare',
    States: {
      Prepare: {Type: 'Pass', Result: {greeting: 'hello'}, ResultPath: '$.prepared', Next: 'Pause'},
      Pause: {Type: 'Wait', SecondsPath: '$.wait', Next: 'Decide'},
      Decide: {Type: 'Choice', Choices: [{And: [{Variable: '$.fail', IsPresent: true},
        {Variable: '$.fail', BooleanEquals: true}], Next: 'Broken'}], Default: 'Both'},
      Both: {Type: 'Parallel', Next: 'Done', ResultPath: '$.both', Branches: [
        {StartAt: 'Left', States: {Left: {Type: 'Pass', End: true}}},
        {StartAt: 'Right', States: {Right: {Type: 'Pass', Result: 'right', End: true}}}]},
      Broken: {Type: 'Fail', Error: 'Ui.Broken', Cause: 'asked to fail'},
      Done: {Type: 'Succeed'},
    },
  };
  const created = await sfn('CreateStateMachine', {name: 'ui-machine', definition: JSON.stringify(definition),
    roleArn: 'arn:aws:iam::123456789012:role/x'});
  equal(created.status, 200, `CreateStateMachine: ${JSON.stringify(created.data)}`);
  const machineArn = created.data.stateMachineArn;
  await go(page, '#/state-machines');
  await waitFor(page, 'the state machine listed', () => document.querySelector('tr[data-arn] a')?.textContent === 'ui-machine');
  await fresh(page, 'the state machine page', () => page.click('tr[data-arn] a'));
  await waitFor(page, 'the state machine page', () => document.querySelectorAll('svg.graph g.node').length === 8);
  equal(Object.keys(await boxStatuses(page)).sort(), ['Both', 'Broken', 'Decide', 'Done', 'Left', 'Pause', 'Prepare', 'Right'], 'boxes of ui-machine');
  const edges = await page.$$eval('svg.graph path.edge[data-from]', ps => ps.map(p => `${p.dataset.from}->${p.dataset.to}`).sort());
  equal(edges, ['Both->Done', 'Decide->Both', 'Decide->Broken', 'Pause->Decide', 'Prepare->Pause'], 'arrows of ui-machine');
  check(await page.$('g.node[data-state="Both"] g.node[data-state="Left"]'), 'the Parallel box holds its branches');
  await shot(page, 'laptop-state-machine');
  ok('the state machine page draws 8 boxes (the Parallel holding its two branches) and the 5 arrows');

  await page.fill('#exec-name', 'ui-run-1');
  await page.fill('#exec-input', JSON.stringify({wait: 5}));
  // What the page asks of the service while the execution runs: its stream, not its history again.
  const reads = [];
  const noteRead = request => {
    const operation = (request.headers()['x-amz-target'] || '').split('.').pop();
    if (operation === 'GetExecutionHistory' || operation === 'DescribeExecution') reads.push({operation});
    if (request.url().includes('/events?execution=')) {
      reads.push({operation: 'events', lastEventId: request.headers()['last-event-id']});
    }
  };
  page.on('request', noteRead);
  await fresh(page, 'the execution page', () => page.click('form.card button[type=submit]'));
  await waitFor(page, 'the boxes of the execution', () => location.hash.startsWith('#/executions/')
    && document.querySelector('#execution-status') && document.querySelectorAll('svg.graph g.node').length === 8);
  const readsBeforeShown = reads.filter(r => r.operation !== 'events').length;
  startedExecutions.push(decodeURIComponent(page.url().split('#/executions/')[1]));
  await markNoReload(page);
  await recordStatuses(page);
  await waitFor(page, 'Pause RUNNING', () => document.querySelector('g.node[data-state="Pause"]')?.dataset.status === 'RUNNING');
  equal(await boxStroke(page, 'Pause'), COLOUR.blue, 'the waiting Wait state is blue');
  equal((await boxStatuses(page)).Prepare, 'SUCCEEDED', 'Prepare while Pause waits');
  await waitFor(page, 'the execution followed live while Pause waits', () =>
    document.querySelector('#live-mode')?.dataset.mode === 'live'
    && document.querySelector('g.node[data-state="Pause"]')?.dataset.status === 'RUNNING');
  await waitFor(page, 'the execution SUCCEEDED', () => document.querySelector('#execution-status .badge')?.textContent === 'SUCCEEDED');
  await waitFor(page, 'the execution page finished', () => document.querySelector('#live-mode')?.dataset.mode === 'finished');
  page.off('request', noteRead);
  const streams = reads.filter(r => r.operation === 'events');
  const readsWhileShown = reads.filter(r => r.operation !== 'events').slice(readsBeforeShown).map(r => r.operation);
  equal(streams.length, 1, 'GET /events?execution= opened once');
  const resumedAfter = Number(streams[0].lastEventId);
  check(Number.isInteger(resumedAfter) && resumedAfter >= 1,
    `the stream resumes after the history the page read first (Last-Event-ID ${streams[0].lastEventId})`);
  equal(readsWhileShown, ['DescribeExecution'], 'while shown, the page read only the final DescribeExecution (no history polling)');
  const ids = await page.$$eval('#history-slot tr[data-event-type] td[data-label="Id"]', tds => tds.map(td => Number(td.textContent)));
  equal(ids, ids.map((_, i) => i + 1), 'the history shows each event once, none missing');
  const final = await boxStatuses(page);
  equal([final.Prepare, final.Pause, final.Decide, final.Both, final.Left, final.Right, final.Done, final.Broken],
    ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', ''], 'states at the end');
  equal(await boxStroke(page, 'Left'), COLOUR.green, 'a succeeded state is green');
  check((await page.evaluate(() => window.__statusLog)).includes('Pause=SUCCEEDED'), 'Pause turned SUCCEEDED live');
  await checkNoReload(page, 'execution page');
  await page.click('#states-slot button[data-state="Prepare"]');
  await waitFor(page, 'the input and output of Prepare', () => document.querySelector('#state-detail [data-state="Prepare"]'));
  const detail = await page.textContent('#state-detail');
  check(detail.includes('"wait": 5') && detail.includes('"greeting": "hello"'), `Prepare's input and output: ${detail}`);
  const history = await page.$$eval('#history-slot tr[data-event-type]', trs => trs.map(tr => tr.dataset.eventType));
  for (const type of ['ExecutionStarted', 'PassStateEntered', 'WaitStateEntered', 'WaitStateExited', 'ParallelStateEntered', 'ExecutionSucceeded']) {
    check(history.includes(type), `the history shows ${type}: ${history.join(', ')}`);
  }
  await accessibleBasics(page, 'execution page');
  await shot(page, 'laptop-execution');
  ok(`an execution started from the UI, followed through /events (after event ${resumedAfter}, no history read again): Pause blue while it waits, then every state green; Prepare's input and output; the history`);

  // Without /events (older services answer 404) the execution page reads it every second instead.
  const polled = await sfn('StartExecution', {stateMachineArn: machineArn, name: 'ui-run-polled',
    input: JSON.stringify({wait: 3, fail: true})});
  equal(polled.status, 200, `StartExecution: ${JSON.stringify(polled.data)}`);
  startedExecutions.push(polled.data.executionArn);
  await page.route('**/events?*', route => route.fulfill({status: 404, contentType: 'application/json',
    body: '{"message":"no such path: /events"}'}));
  await go(page, `#/executions/${encodeURIComponent(polled.data.executionArn)}`);
  await waitFor(page, 'the execution polled without /events', () => document.querySelector('#live-mode')?.dataset.mode === 'polling');
  await waitFor(page, 'the polled execution FAILED in Broken', () => document.querySelector('#execution-status .badge')?.textContent === 'FAILED'
    && document.querySelector('g.node[data-state="Broken"]')?.dataset.status === 'FAILED');
  await page.unroute('**/events?*');
  ok('without /events the execution page reads the execution every second: it shows it FAILED in Broken');

  // Stop through the dialog, then redrive.
  await go(page, `#/state-machines/${encodeURIComponent(machineArn)}`);
  await page.fill('#exec-name', 'ui-run-2');
  await page.fill('#exec-input', JSON.stringify({wait: 600}));
  await fresh(page, 'the page of ui-run-2', () => page.click('form.card button[type=submit]'));
  await waitFor(page, 'Pause of ui-run-2 RUNNING', () => location.hash.includes('ui-run-2') && document.querySelector('#execution-status')
    && document.querySelector('g.node[data-state="Pause"]')?.dataset.status === 'RUNNING');
  const run2 = decodeURIComponent(page.url().split('#/executions/')[1]);
  startedExecutions.push(run2);
  await page.click('#stop-execution');
  await page.waitForSelector('dialog[open] #dlg-cause');
  await page.fill('dialog[open] #dlg-cause', 'stopped by the ui test');
  await page.click('dialog[open] button[type=submit]');
  await waitFor(page, 'ui-run-2 ABORTED', () => document.querySelector('#execution-status .badge')?.textContent === 'ABORTED'
    && document.querySelector('g.node[data-state="Pause"]')?.dataset.status === 'ABORTED');
  equal((await sfn('DescribeExecution', {executionArn: run2})).data.status, 'ABORTED', 'the stopped execution');
  check(!(await page.$eval('#redrive-execution', b => b.disabled)), 'Redrive is offered for an ABORTED execution');
  await page.click('#redrive-execution');
  await page.waitForSelector('dialog[open]');
  await page.click('dialog[open] button[type=submit]');
  await waitFor(page, 'ui-run-2 RUNNING again', () => document.querySelector('#execution-status .badge')?.textContent === 'RUNNING'
    && document.querySelector('g.node[data-state="Pause"]')?.dataset.status === 'RUNNING');
  equal((await sfn('DescribeExecution', {executionArn: run2})).data.redriveCount, 1, 'redriveCount');
  await shot(page, 'laptop-execution-redriven');
  await page.click('#stop-execution');
  await page.waitForSelector('dialog[open]');
  await page.click('dialog[open] button[type=submit]');
  await waitFor(page, 'ui-run-2 ABORTED again', () => document.querySelector('#execution-status .badge')?.textContent === 'ABORTED');
  ok('stop through the dialog (ABORTED, Pause dark grey), redrive (RUNNING again, redriveCount 1), stop again');

  await go(page, `#/state-machines/${encodeURIComponent(machineArn)}?status=SUCCEEDED`);
  await waitFor(page, 'the SUCCEEDED executions', () => document.querySelectorAll('tr[data-execution]').length === 1);
  equal(await page.$$eval('tr[data-execution]', trs => trs.map(t => t.dataset.execution)), ['ui-run-1'], 'SUCCEEDED executions');
  await page.selectOption('#exec-status', 'ABORTED');
  await applyFilters(page);
  await waitFor(page, 'the ABORTED executions', () => location.hash.includes('status=ABORTED')
    && [...document.querySelectorAll('tr[data-execution]')].map(t => t.dataset.execution).join() === 'ui-run-2');
  ok('the executions of a state machine filtered by status: SUCCEEDED ui-run-1, ABORTED ui-run-2');

  // -- API tokens: a refused token brings the prompt; Settings keeps a token that works.
  await go(page, '#/settings');
  await page.fill('#token', 'wfm_not-a-real-token');
  await page.click('form.card button[type=submit]');
  await go(page, '#/workflows').catch(() => {});
  await waitFor(page, 'the token prompt after a 401', () => !document.querySelector('#banner').hidden
    && document.querySelector('#banner').textContent.includes('requires an API token'));
  await accessibleBasics(page, 'token prompt');
  await shot(page, 'laptop-token-prompt');
  const readToken = execFileSync(BINARY, ['token', 'create', '--scope', 'read', '--name', 'ui-test',
    '--data-dir', service.dataDir], {cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']}).trim().split('\n').pop().trim();
  check(/^wfm_\S+$/.test(readToken), `token create printed a token: ${readToken}`);
  await page.fill('#banner-token', readToken);
  await page.click('#banner button[type=submit]');
  await waitFor(page, 'the workflows with the read token', () => document.querySelector('#banner').hidden
    && document.querySelectorAll('tr[data-workflow]').length === 3);
  equal(await page.evaluate(() => localStorage.getItem('wfm.token')), readToken, 'the token is kept in localStorage');
  await go(page, '#/workflows/hello-workflow');
  await page.click('form.card button[type=submit]');  // Start job: a write, refused to a read token
  await waitFor(page, 'the 403 explained', () => document.querySelector('form.card .notice-error')?.textContent.includes('403'));
  await go(page, '#/settings');
  await page.click('button:has-text("Remove token")');
  equal(await page.evaluate(() => localStorage.getItem('wfm.token')), null, 'the token is removed');
  ok('a wrong token (401) brings the token prompt; a read token saved there works; a write with it shows the 403; the token can be removed');

  // -- Every page at laptop and phone sizes: readable without sideways scrolling (the graph
  // scrolls in its own box), tables as cards on the phone; screenshots of each.
  const phone = await newPage({width: 390, height: 844});
  const pages = [
    ['workflows', '#/workflows'],
    ['workflow', '#/workflows/hello-workflow'],
    ['jobs', '#/jobs?workflow=hello-workflow&limit=10'],
    ['job', `#/jobs/${tickJob}`],
    ['job-cancelled', `#/jobs/${sleepyJob}`],
    ['state-machines', '#/state-machines'],
    ['state-machine', `#/state-machines/${encodeURIComponent(machineArn)}`],
    ['execution', `#/executions/${encodeURIComponent(startedExecutions[0])}`],
    ['settings', '#/settings'],
  ];
  for (const [size, tab] of [['laptop', page], ['phone', phone]]) {
    for (const [name, hash] of pages) {
      await go(tab, hash);
      if (hash.startsWith('#/jobs/')) await waitFor(tab, 'the log loaded', () => document.querySelector('#log')?.dataset.loaded);
      await noHorizontalOverflow(tab, `${size} ${name}`);
      await accessibleBasics(tab, `${size} ${name}`);
      await shot(tab, `${size}-${name}`);
    }
  }
  await go(phone, `#/jobs/${tickJob}`);
  equal(await phone.$eval('#tasks-slot tr[data-state]', tr => getComputedStyle(tr).display), 'block', 'task rows are cards on a phone');
  await go(page, `#/jobs/${tickJob}`);
  equal(await page.$eval('#tasks-slot tr[data-state]', tr => getComputedStyle(tr).display), 'table-row', 'task rows are rows on a laptop');
  ok(`${pages.length} pages at 1280x800 and 390x844 without sideways scrolling, tables as cards on the phone; screenshots in ${SHOTS}`);

  check(env.pageErrors.length === 0, `errors in the pages: ${env.pageErrors.join('; ')}`);
  ok('no script error in any page');
}

let failed = false;
const onSignal = async signal => {
  console.error(`FAIL: interrupted by ${signal}`);
  await finish(true);
  process.exit(1);
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

let finished = false;
async function finish(failure) {
  if (finished) return;
  finished = true;
  await env.browser?.close().catch(() => {});
  await service?.stop().catch(error => console.error(`stopping the service: ${error.message}`));
  if (failure && service) {
    console.error(`--- the last lines of the service's log (${service.log}):`);
    console.error(service.tail());
  }
  if (!failure) fs.rmSync(work, {recursive: true, force: true});
}

try {
  await main();
} catch (error) {
  failed = true;
  console.error(`FAIL: ${error instanceof CheckError ? error.message : error.stack || error}`);
}
await finish(failed);
if (failed) {
  console.error(`(kept ${work} for a look)`);
  process.exit(1);
}
console.log(`passed: ${checks()} checks`);
