// browser.mjs: the UI test's helpers around playwright-core: pages of a given size that record
// script errors, waiting for a DOM condition (never a fixed sleep) with what the page showed when
// it did not come, navigating and waiting for the new page, reading the graph's boxes (status,
// colour), recording their changes, and checks of layout and accessibility basics.

import path from 'node:path';
import {CheckError, check, equal} from './check.mjs';

export const TIMEOUT = 30000;  // the longest wait for something to show

/** Set by the test: the browser, the service's URL, where screenshots go. */
export const env = {browser: null, base: '', shots: '', pageErrors: []};

export async function newPage(viewport) {
  const context = await env.browser.newContext({viewport, deviceScaleFactor: 1, reducedMotion: 'no-preference'});
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', error => env.pageErrors.push(`${page.url()}: ${error.message}`));
  page.on('dialog', dialog => dialog.dismiss());  // no alert()/confirm() expected
  return page;
}

export async function waitFor(page, what, fn, arg) {
  try {
    await page.waitForFunction(fn, arg, {timeout: TIMEOUT, polling: 100});
  } catch (error) {
    const seen = await page.evaluate(() => `at ${location.hash}, the page says: ${
      (document.querySelector('main')?.innerText || '').replace(/\s+/g, ' ').slice(0, 400)}`).catch(() => '');
    throw new CheckError(`${what}: not seen within ${TIMEOUT / 1000} s (${seen})`);
  }
}

/** Runs `action` (a click, a navigation) and waits until it has rendered a new page. */
export async function fresh(page, what, action) {
  await page.evaluate(() => document.querySelector('main > .page')?.setAttribute('data-stale', ''));
  await action();
  await waitFor(page, what, () => {
    const current = document.querySelector('main > .page:not([data-stale])');
    return current && current.querySelector('h1') && !current.querySelector('.loading')
      && current.querySelector('#jobs-results')?.getAttribute('aria-busy') !== 'true';
  });
}

export async function go(page, hash) {
  await fresh(page, `page ${hash} rendered`, () => page.goto(`${env.base}/ui/${hash}`));
}

/** Submits the filter form and waits for the page it leads to. */
export async function applyFilters(page) {
  await fresh(page, 'the filtered list', () => page.click('form.filters button[type=submit]'));
}

/** {state: status} of the graph's boxes. */
export async function boxStatuses(page) {
  return page.$$eval('svg.graph g.node', nodes => Object.fromEntries(nodes.map(n =>
    [n.getAttribute('data-state'), n.getAttribute('data-status')])));
}

/** The computed stroke colour of a state's box. */
export async function boxStroke(page, state) {
  return page.$eval(`svg.graph g.node[data-state="${state}"] > rect.box`, r => getComputedStyle(r).stroke);
}

// The status colours (style.css), to check that a box's colour follows its status.
export const COLOUR = {
  green: 'rgb(26, 127, 55)', red: 'rgb(207, 34, 46)', blue: 'rgb(9, 105, 218)',
  grey: 'rgb(110, 119, 129)', darkGrey: 'rgb(50, 56, 63)',
};

/** Records every change of a box's data-status in window.__statusLog (and the current ones). */
export async function recordStatuses(page) {
  await page.evaluate(() => {
    window.__statusLog = [];
    const note = n => window.__statusLog.push(`${n.getAttribute('data-state')}=${n.getAttribute('data-status')}`);
    document.querySelectorAll('svg.graph g.node').forEach(note);
    new MutationObserver(records => records.forEach(r => {
      if (r.target.matches?.('g.node')) note(r.target);
    })).observe(document.body, {subtree: true, attributes: true, attributeFilter: ['data-status']});
  });
}

export async function markNoReload(page) {
  await page.evaluate(() => { window.__sameDocument = 'yes'; });
}
export async function checkNoReload(page, what) {
  equal(await page.evaluate(() => window.__sameDocument), 'yes', `${what}: the page was not reloaded`);
}

export async function shot(page, name) {
  const file = path.join(env.shots, `${name}.png`);
  await page.screenshot({path: file, fullPage: true});
}

export async function noHorizontalOverflow(page, what) {
  const {scroll, width} = await page.evaluate(() => ({scroll: document.documentElement.scrollWidth,
    width: window.innerWidth}));
  check(scroll <= width + 1, `${what}: the page is ${scroll}px wide in a ${width}px window (it scrolls sideways)`);
}

/** Every form control has a label, every button a name, every badge its status in words. */
export async function accessibleBasics(page, what) {
  const problems = await page.evaluate(() => {
    const out = [];
    for (const c of document.querySelectorAll('main input, main select, main textarea, dialog input, dialog textarea')) {
      if (!(c.labels?.length || c.getAttribute('aria-label'))) out.push(`control #${c.id || c.name} has no label`);
    }
    for (const b of document.querySelectorAll('button')) {
      if (!b.textContent.trim() && !b.getAttribute('aria-label')) out.push('a button has no text');
    }
    for (const b of document.querySelectorAll('.badge')) {
      const st = b.getAttribute('data-status');
      if (st && b.textContent.trim() !== st) out.push(`badge "${b.textContent}" does not say ${st}`);
    }
    for (const n of document.querySelectorAll('svg.graph g.node')) {
      const st = n.getAttribute('data-status');
      const text = n.querySelector(':scope > .status-text');
      if (st && text && text.textContent !== st) out.push(`box ${n.getAttribute('data-state')} shows "${text.textContent}" for ${st}`);
    }
    return out;
  });
  check(problems.length === 0, `${what}: ${problems.join('; ')}`);
}
