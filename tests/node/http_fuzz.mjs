// HTTP-level fuzz test of the real service: starts workflow-manager on a free loopback port (SQLite
// in a temporary directory, the local executor with job definitions of its own), creates workflows
// and jobs, then sends thousands of mutated JSON bodies to POST /workflows, PUT /workflows/{name},
// POST /jobs and DELETE /jobs/{id}, named malformed requests, and mutated raw requests. It checks
// that the process never dies, that every refusal is a 4xx with a JSON {"message": ...} (a 5xx, a
// non-JSON error or a connection closed on a well-formed request fails), that every connection is
// answered or closed, and that afterwards the stored workflows and jobs are what they were plus
// what the accepted requests made.
//
// usage: node http_fuzz.mjs WORKFLOW_MANAGER_BINARY
// environment: HTTP_FUZZ_SEED (default random; printed, to replay a run), HTTP_FUZZ_BODIES
// (mutated bodies, default 3000), HTTP_FUZZ_RAW (mutated raw requests, default 400),
// HTTP_FUZZ_SECONDS (the most time each of the two mutated phases may take, default 60).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';

const binary = process.argv[2];
if (!binary) {
  console.error('usage: node http_fuzz.mjs WORKFLOW_MANAGER_BINARY');
  process.exit(2);
}
const seed = Number(process.env.HTTP_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const bodyCount = Number(process.env.HTTP_FUZZ_BODIES ?? 3000);
const rawCount = Number(process.env.HTTP_FUZZ_RAW ?? 400);
const bodySeconds = Number(process.env.HTTP_FUZZ_SECONDS ?? 60);
const kConcurrency = 8;
const kAnswerTimeoutMs = 10000;

// --- deterministic randomness (mulberry32): each input is drawn from a stream of its own,
// seeded from the run's seed and the input's number, so that a seed replays every input whatever
// the order in which concurrent requests finish.

let rngState = seed >>> 0;
function reseed(stream, index) {
  rngState = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35) ^
              Math.imul(index + 1, 0x27d4eb2f)) >>> 0;
}
function random() {
  rngState = (rngState + 0x6d2b79f5) >>> 0;
  let t = rngState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const below = (n) => Math.floor(random() * n);
const pick = (items) => items[below(items.length)];

// --- failures: collected with the input that caused them; a dead service ends the run

const failures = [];
function fail(what, input) {
  const shown = input === undefined ? '' : `\n    input: ${describe(input)}`;
  failures.push(`${what}${shown}`);
  console.error(`FAIL: ${what}${shown}`);
}
function describe(input) {
  const text = Buffer.isBuffer(input) ? input.toString('latin1') : String(input);
  // latin1: one character per byte, so the JSON string below gives back the exact bytes.
  const shown = JSON.stringify(text.length > 400 ? `${text.slice(0, 400)}...` : text);
  return `${shown} (${text.length} bytes, latin1)`;
}

// --- the service

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wfm-http-fuzz-'));
const definitions = path.join(work, 'job-definitions.json');
fs.writeFileSync(definitions, JSON.stringify({
  jobDefinitions: [
    { jobDefinitionName: 'quick', revision: 1, containerProperties: { command: ['true'] } },
    { jobDefinitionName: 'sleep', revision: 1, containerProperties: { command: ['sleep', '600'] } },
  ],
}));
const logPath = path.join(work, 'service.log');
const log = fs.openSync(logPath, 'a');
const service = spawn(binary, ['--listen', '127.0.0.1:0', '--data-dir', path.join(work, 'var'),
                               '--job-definitions', definitions],
                      { stdio: ['ignore', log, log] });
let exited = null;
service.on('exit', (code, signal) => { exited = { code, signal }; });
let lastInput = '(none yet)';

let deathReported = false;
function serviceDied() {
  if (!exited) return false;
  if (deathReported) return true;
  deathReported = true;
  fail(`the service died (exit code ${exited.code}, signal ${exited.signal}) after the input`,
       lastInput);
  return true;
}

async function sleep(ms) { await new Promise((resolve) => setTimeout(resolve, ms)); }

async function waitForPort() {
  for (let i = 0; i < 3000; ++i) {
    const text = fs.readFileSync(logPath, 'utf8');
    const match = text.match(/listening on 127\.0\.0\.1:(\d+)/);
    if (match) return Number(match[1]);
    if (exited) break;
    await sleep(20);
  }
  throw new Error(`the service did not start:\n${fs.readFileSync(logPath, 'utf8')}`);
}

const port = await waitForPort();

// One request through Node's HTTP client (well-formed HTTP), on a connection of its own (so that
// no reused connection can be closed under it). Resolves to {status, type, text, headers}, or
// {error} when the connection ended without an answer.
function send(method, target, body) {
  return new Promise((resolve) => {
    const headers = { Host: `127.0.0.1:${port}`, Connection: 'close' };
    if (body !== undefined) headers['Content-Length'] = body.length;
    const request = http.request({ host: '127.0.0.1', port, method, path: target, headers,
                                   agent: false, timeout: kAnswerTimeoutMs }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode,
                                         type: response.headers['content-type'] ?? '',
                                         text: Buffer.concat(chunks).toString('utf8'),
                                         headers: response.headers }));
      response.on('error', (error) => resolve({ error: error.message }));
    });
    request.on('timeout', () => request.destroy(new Error('no answer in time')));
    request.on('error', (error) => resolve({ error: error.message }));
    request.end(body);
  });
}

// A refusal must be a 4xx whose body is a JSON object with a string "message".
function isJsonRefusal(status, type, text) {
  if (status < 400 || status >= 500 || !type.includes('application/json')) return false;
  try {
    const body = JSON.parse(text);
    return body !== null && typeof body === 'object' && typeof body.message === 'string';
  } catch {
    return false;
  }
}

// Sends and checks the answer: no 5xx, refusals as JSON, an answer on every connection.
// `label` names the input in failures (e.g. "body 17", replayed with the same HTTP_FUZZ_SEED).
async function checked(method, target, body, label = 'setup') {
  lastInput = `${label}: ${method} ${target} ${body === undefined ? '' : describe(body)}`;
  const answer = await send(method, target, body);
  const where = `${label}: ${method} ${target}`;
  if (answer.error) {
    if (!serviceDied()) fail(`${where}: no answer (${answer.error})`, body ?? '');
    return answer;
  }
  if (answer.status >= 500) {
    fail(`${where}: HTTP ${answer.status} ${answer.text.slice(0, 200)}`, body ?? '');
  } else if (answer.status >= 400 && !isJsonRefusal(answer.status, answer.type, answer.text)) {
    fail(`${where}: HTTP ${answer.status} is not a JSON {"message"} ` +
         `(${answer.type}: ${answer.text.slice(0, 200)})`, body ?? '');
  }
  return answer;
}

async function json(method, target, body, expected) {
  const answer = await checked(method, target, body === undefined ? undefined
                                                                  : Buffer.from(JSON.stringify(body)));
  if (answer.status !== expected) {
    throw new Error(`${method} ${target}: expected ${expected}, got ${answer.status} ${answer.text}`);
  }
  return JSON.parse(answer.text);
}

// Every item of a listing, following X-Next-Page-Token.
async function listAll(target) {
  const items = [];
  let token = '';
  do {
    const separator = target.includes('?') ? '&' : '?';
    const page = token === '' ? target : `${target}${separator}pageToken=${encodeURIComponent(token)}`;
    const answer = await checked('GET', page);
    if (answer.status !== 200) throw new Error(`GET ${page}: ${answer.status} ${answer.text}`);
    items.push(...JSON.parse(answer.text));
    token = answer.headers['x-next-page-token'] ?? '';
  } while (token !== '');
  return items;
}

// --- setup: two workflows, a finished job and a running one

const baseWorkflow = {
  name: 'base', description: 'two quick steps', startAt: 'a',
  states: [{ name: 'a', type: 'Task', resource: 'quick', next: 'b' },
           { name: 'b', type: 'Task', resource: 'quick:1', end: true }],
};
await json('POST', '/workflows', baseWorkflow, 201);
await json('POST', '/workflows', { name: 'sleepy', startAt: 's',
                                   states: [{ name: 's', type: 'Task', resource: 'sleep', end: true }] }, 201);
const finishedJob = (await json('POST', '/jobs', { workflow: { name: 'base' }, data: ['x'] }, 200)).id;
const runningJob = (await json('POST', '/jobs', { workflow: { name: 'sleepy' }, data: [] }, 200)).id;

async function waitJob(id, condition) {
  for (let i = 0; i < 3000; ++i) {
    const job = await json('GET', `/jobs/${id}`, undefined, 200);
    if (condition(job)) return job;
    await sleep(20);
  }
  throw new Error(`job ${id} never reached the expected state`);
}
await waitJob(finishedJob, (job) => job.status === 'SUCCEEDED');
await waitJob(runningJob, (job) => job.status === 'RUNNING');

async function snapshot() {
  return {
    workflows: await listAll('/workflows'),
    base: await json('GET', '/workflows/base/0', undefined, 200),
    sleepy: await json('GET', '/workflows/sleepy', undefined, 200),
    finished: await json('GET', `/jobs/${finishedJob}`, undefined, 200),
    running: await json('GET', `/jobs/${runningJob}`, undefined, 200),
  };
}
const before = await snapshot();

// --- mutations

const kStrings = ['', 'base', 'quick', 'quick:1', 'quick:0', 'sleep:99', 'a', 'b', 'Task',
                  'x'.repeat(300), '\u0000', '\ud800', 'é', '../../etc/passwd', '${HOME}', '$(id)',
                  'a b', '%00', 'name:1:2', '-1', 'true', 'null', '0'];
const kNumbers = [0, -1, 1, 1.5, -0, 1e308, -1e308, 2 ** 53, 2 ** 63, -(2 ** 63), 18446744073709551615];
const kKeys = ['name', 'description', 'startAt', 'states', 'type', 'resource', 'next', 'end',
               'comment', 'workflow', 'revision', 'data', 'reason', 'id', 'createdAt', 'unknown',
               '', '__proto__', 'constructor'];

function randomValue(depth = 0) {
  const kind = below(depth > 3 ? 4 : 6);
  if (kind === 0) return null;
  if (kind === 1) return random() < 0.5;
  if (kind === 2) return pick(kNumbers);
  if (kind === 3) return pick(kStrings);
  if (kind === 4) return Array.from({ length: below(4) }, () => randomValue(depth + 1));
  const object = {};
  for (let i = below(4); i > 0; --i) object[pick(kKeys)] = randomValue(depth + 1);
  return object;
}

// Every container in `value` with the key or index that leads to each child.
function slots(value, out = []) {
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      out.push([value, Array.isArray(value) ? Number(key) : key]);
      slots(value[key], out);
    }
  }
  return out;
}

function mutateTree(document) {
  const root = { document };
  for (let n = 1 + below(3); n > 0; --n) {
    const [container, key] = pick(slots(root));
    switch (below(6)) {
      case 0: container[key] = randomValue(); break;                            // another value
      case 1: if (container !== root) delete container[key]; break;             // a field missing
      case 2: if (container[key] && typeof container[key] === 'object' && !Array.isArray(container[key])) {
        container[key][pick(kKeys)] = randomValue();                            // a field added
      } break;
      case 3: container[key] = [container[key]]; break;                         // wrapped
      case 4: container[key] = typeof container[key] === 'string'              // a string changed
        ? pick([container[key] + pick(kStrings), container[key].repeat(40), ''])
        : pick(kStrings); break;
      default: container[key] = pick(kNumbers); break;
    }
  }
  return Buffer.from(JSON.stringify(root.document) ?? '');
}

function mutateBytes(bytes) {
  let data = Buffer.from(bytes);
  for (let n = 1 + below(3); n > 0; --n) {
    const at = below(data.length + 1);
    switch (below(5)) {
      case 0: data = Buffer.concat([data.subarray(0, at), data.subarray(at + 1 + below(8))]); break;
      case 1: data = Buffer.concat([data.subarray(0, at),
                                    Buffer.from(Array.from({ length: 1 + below(4) }, () => below(256))),
                                    data.subarray(at)]); break;
      case 2: if (at < data.length) data[at] ^= 1 << below(8); break;
      case 3: data = data.subarray(0, at); break;                                // truncated
      default: data = Buffer.concat([data.subarray(0, at),
                                     Buffer.from(pick(['{', '[', '"', '}', ']', ',', ':', '\\u',
                                                       '\\', '1e99999', '"x":1,'])),
                                     data.subarray(at)]); break;
    }
  }
  return data;
}

function nested(depth, inner = '1') {
  return `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;
}

// A body from a valid one: as it is, mutated as a tree, mutated byte by byte, or a hostile
// special case.
function mutatedBody(valid) {
  const choice = random();
  if (choice < 0.05) return Buffer.from(JSON.stringify(valid));  // some requests are accepted
  if (choice < 0.55) return mutateTree(structuredClone(valid));
  if (choice < 0.85) return mutateBytes(random() < 0.5 ? mutateTree(structuredClone(valid))
                                                       : Buffer.from(JSON.stringify(valid)));
  return Buffer.from(pick([
    '', ' ', 'null', '[]', '"x"', '{}', '{"a":', '\u00ff\u00fe',
    nested(100), nested(2000),
    JSON.stringify({ ...valid, data: JSON.parse(nested(200, '"deep"')) }),
    JSON.stringify({ ...valid, name: 'x'.repeat(200000) }),
    JSON.stringify(valid) + JSON.stringify(valid),
    JSON.stringify(valid).replace('{', '{"name":"dup","name":"dup2",'),
  ]), 'latin1');
}

// --- phase 1: mutated bodies on the four write endpoints

const accepted = { workflows: new Set(), basePuts: 0, jobs: [], cancels: new Set() };
// Jobs of workflow base are checked against its listing; every accepted job is cancelled at the
// end, should it still run.
function recordJob(job) {
  accepted.jobs.push(job);
}
const endpoints = [
  { method: 'POST', target: () => '/workflows',
    valid: () => ({ ...baseWorkflow, name: random() < 0.5 ? 'base' : `fz-${below(1e9)}` }),
    record: (answer) => { if (answer.status === 201) accepted.workflows.add(JSON.parse(answer.text).name); } },
  { method: 'PUT', target: () => pick(['/workflows/base', '/workflows/base', '/workflows/nope']),
    valid: () => baseWorkflow,
    record: (answer, target) => {
      if (answer.status !== 201) return;
      if (target === '/workflows/base') ++accepted.basePuts;
      else fail(`PUT ${target} created a revision of a workflow that does not exist`);
    } },
  { method: 'POST', target: () => pick(['/jobs', '/jobs/']),
    valid: () => ({ workflow: { name: 'base', revision: 0 }, data: ['a', { b: 1 }] }),
    record: (answer) => { if (answer.status === 200) recordJob(JSON.parse(answer.text)); } },
  { method: 'DELETE', target: () => `/jobs/${pick([runningJob, finishedJob, 'no-such-job'])}`,
    valid: () => ({ reason: 'fuzz' }),
    record: (answer, target) => { if (answer.status === 200) accepted.cancels.add(target.slice(6)); } },
];

const started = Date.now();
let sentBodies = 0;
async function bodyWorker() {
  while (sentBodies < bodyCount && Date.now() - started < bodySeconds * 1000 && !exited) {
    const index = sentBodies++;
    reseed(1, index);
    const endpoint = pick(endpoints);
    const target = endpoint.target();
    const body = mutatedBody(endpoint.valid());
    const answer = await checked(endpoint.method, target, body, `body ${index}`);
    if (!answer.error) endpoint.record(answer, target);
  }
}
await Promise.all(Array.from({ length: kConcurrency }, bodyWorker));
serviceDied();

// --- phase 2: malformed HTTP, each on a connection of its own

// Writes `bytes` on a new connection (then ends the input when `end`), and collects what comes
// back until the server closes. Resolves to {answer, closed}; closed=false means the server
// neither answered nor closed within the timeout.
function raw(bytes, end = true) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks = [];
    let done = false;
    const finish = (closed) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ answer: Buffer.concat(chunks).toString('latin1'), closed });
    };
    const timer = setTimeout(() => finish(false), kAnswerTimeoutMs);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      // When the input was not ended, a complete answer is enough.
      if (!end && parseAnswer(Buffer.concat(chunks).toString('latin1')).complete) finish(true);
    });
    socket.on('error', () => finish(true));  // a reset counts as closed
    socket.on('close', () => finish(true));
    socket.write(bytes, () => { if (end) socket.end(); });
  });
}

// The first response in `text`: {status, type, body, complete}.
function parseAnswer(text) {
  const headerEnd = text.indexOf('\r\n\r\n');
  const statusLine = text.slice(0, text.indexOf('\r\n'));
  const match = statusLine.match(/^HTTP\/1\.[01] (\d{3}) /);
  if (headerEnd < 0 || !match) return { complete: false, statusLine };
  const header = text.slice(0, headerEnd);
  const length = Number((header.match(/\r\ncontent-length: *(\d+)/i) ?? [])[1] ?? 0);
  const type = (header.match(/\r\ncontent-type: *([^\r]*)/i) ?? [])[1] ?? '';
  const body = text.slice(headerEnd + 4, headerEnd + 4 + length);
  return { status: Number(match[1]), type, body, statusLine,
           complete: text.length >= headerEnd + 4 + length };
}

// Checks a raw exchange; `expected` is the status a malformed request must get (or undefined:
// any answer or a close will do, but no 5xx and no non-JSON refusal).
function checkRaw(name, bytes, result, expected) {
  lastInput = `${name}: ${describe(bytes)}`;
  if (serviceDied()) return;
  if (!result.closed) {
    fail(`${name}: the server neither answered nor closed the connection`, bytes);
    return;
  }
  if (result.answer === '') {
    if (expected !== undefined) fail(`${name}: closed without an answer, expected ${expected}`, bytes);
    return;
  }
  const answer = parseAnswer(result.answer);
  if (!answer.complete) {
    fail(`${name}: an incomplete or malformed answer ${JSON.stringify(result.answer.slice(0, 200))}`, bytes);
    return;
  }
  if (answer.status >= 500) fail(`${name}: HTTP ${answer.status} ${answer.body.slice(0, 200)}`, bytes);
  else if (answer.status >= 400 && !isJsonRefusal(answer.status, answer.type, answer.body)) {
    fail(`${name}: HTTP ${answer.status} is not a JSON {"message"}: ${answer.body.slice(0, 200)}`, bytes);
  }
  if (expected !== undefined && answer.status !== expected) {
    fail(`${name}: expected HTTP ${expected}, got ${answer.statusLine}`, bytes);
  }
}

reseed(3, 0);
const host = `Host: 127.0.0.1:${port}\r\n`;
const jobBody = JSON.stringify({ workflow: { name: 'base' }, data: [] });
const withBody = (requestLine, body) =>
  `${requestLine} HTTP/1.1\r\n${host}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const malformed = [
  // [name, bytes, expected status, end the input after writing]
  ['bad request line', 'GARBAGE\r\n\r\n', 400],
  ['HTTP/0.9 request', 'GET /\r\n', 400],
  ['request line without version', `GET /workflows\r\n${host}\r\n`, 400],
  ['URL of 9 KiB', `GET /workflows/${'a'.repeat(9 * 1024)} HTTP/1.1\r\n${host}\r\n`, 414, false],
  ['URL of 100 KiB, no line end', `GET /${'a'.repeat(100 * 1024)}`, 414, false],
  ['header of 100 KB', `GET /workflows HTTP/1.1\r\n${host}X-Big: ${'b'.repeat(100000)}\r\n\r\n`, 431, false],
  ['10,000 headers', `GET /workflows HTTP/1.1\r\n${host}${'X-A: b\r\n'.repeat(10000)}\r\n`, 431, false],
  ['Content-Length and Transfer-Encoding',
   `POST /jobs HTTP/1.1\r\n${host}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 400],
  ['negative Content-Length', `POST /jobs HTTP/1.1\r\n${host}Content-Length: -1\r\n\r\n`, 400],
  ['Content-Length not a number', `POST /jobs HTTP/1.1\r\n${host}Content-Length: 12abc\r\n\r\n`, 400],
  ['two different Content-Lengths',
   `POST /jobs HTTP/1.1\r\n${host}Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}`, 400],
  ['bad chunk size', `POST /jobs HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`, 400],
  ['NUL in a header', `GET /workflows HTTP/1.1\r\n${host}X-A: a\u0000b\r\n\r\n`, 400],
  ['header without a colon', `GET /workflows HTTP/1.1\r\n${host}NoColon\r\n\r\n`, 400],
  ['body over 1 MiB announced', `POST /jobs HTTP/1.1\r\n${host}Content-Length: 2000000\r\n\r\n{`, 413, false],
  ['body of 60,000 nested arrays (POST /jobs)',
   withBody('POST /jobs', `{"workflow":{"name":"base"},"data":${nested(60000, '')}}`), 400],
  ['body of 60,000 nested objects (POST /workflows)',
   withBody('POST /workflows', `{"name":${'{"a":'.repeat(60000)}1${'}'.repeat(60000)}}`), 400],
  ['body of 60,000 nested arrays (DELETE /jobs/id)',
   withBody(`DELETE /jobs/${runningJob}`, `{"reason":${nested(60000, '')}}`), 400],
  ['Host that is not UTF-8', `GET /workflows HTTP/1.1\r\nHost: 127.0.0.1\u00c3:${port}\r\n\r\n`, 403, false],
  ['Origin that is not UTF-8',
   withBody('POST /workflows', '{}').replace('\r\n\r\n', '\r\nOrigin: http://a\u00ff.example\r\n\r\n'), 403, false],
  ['truncated body', `POST /jobs HTTP/1.1\r\n${host}Content-Length: 100\r\n\r\n${jobBody.slice(0, 10)}`],
  ['truncated header', `POST /jobs HTTP/1.1\r\n${host}Content-Len`],
  ['binary garbage', Buffer.from(Array.from({ length: 600 }, () => below(256)))],
  ['only line ends', '\r\n'.repeat(5000)],
];
for (const [name, text, expected, end = true] of malformed) {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'latin1');
  checkRaw(name, bytes, await raw(bytes, end), expected);
  if (exited) break;
}

// Valid raw requests, mutated byte by byte.
const validRaw = [
  `GET /workflows/base HTTP/1.1\r\n${host}\r\n`,
  `POST /jobs HTTP/1.1\r\n${host}Content-Length: ${jobBody.length}\r\n\r\n${jobBody}`,
  `DELETE /jobs/no-such-job HTTP/1.1\r\n${host}Content-Length: 2\r\n\r\n{}`,
  `PUT /workflows/nope HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`,
];
let rawAnswered = 0;
let sentRaw = 0;
const rawStarted = Date.now();
for (let i = 0; i < rawCount && !exited && Date.now() - rawStarted < bodySeconds * 1000; ++i) {
  reseed(2, sentRaw++);
  const bytes = mutateBytes(Buffer.from(pick(validRaw), 'latin1'));
  const result = await raw(bytes);
  if (result.answer !== '') ++rawAnswered;
  checkRaw(`mutated raw request ${i}`, bytes, result);
  const answer = parseAnswer(result.answer);
  if (answer.status === 200 && bytes.toString('latin1').startsWith('POST /jobs')) {
    recordJob(JSON.parse(answer.body));
  }
}

// --- afterwards: alive, healthy, and the stored data is what it was plus what was accepted

if (!serviceDied()) {
  const health = await send('GET', '/_health');
  if (health.status !== 200) fail(`GET /_health answered ${health.status ?? health.error} after the fuzzing`);
  const after = await snapshot();
  if (!isDeepStrictEqual(after.base, before.base)) fail('workflow base revision 0 changed');
  if (!isDeepStrictEqual(after.sleepy, before.sleepy)) fail('workflow sleepy changed');
  if (!isDeepStrictEqual(after.finished, before.finished)) fail('the finished job changed');
  const latestBase = await json('GET', '/workflows/base', undefined, 200);
  if (latestBase.revision !== accepted.basePuts) {
    fail(`workflow base is at revision ${latestBase.revision} after ${accepted.basePuts} accepted PUTs`);
  }
  const names = new Set(after.workflows.map((workflow) => workflow.name));
  const expectedNames = new Set([...before.workflows.map((workflow) => workflow.name),
                                 ...accepted.workflows]);
  if (!isDeepStrictEqual(names, expectedNames)) {
    fail(`stored workflows ${[...names].sort()} are not those created ${[...expectedNames].sort()}`);
  }
  if (accepted.cancels.has(runningJob)) {
    if (after.running.status !== 'CANCELLED') fail(`a cancelled job is ${after.running.status}`);
  } else if (!isDeepStrictEqual(after.running, before.running)) {
    fail(`the running job changed without an accepted cancel: ${JSON.stringify(after.running)}`);
  }
  const baseJobs = await listAll('/jobs?workflowName=base');
  const expectedJobs = new Set([finishedJob, ...accepted.jobs.filter((job) => job.workflow.name === 'base')
                                                             .map((job) => job.id)]);
  const storedJobs = new Set(baseJobs.map((job) => job.id));
  if (!isDeepStrictEqual(storedJobs, expectedJobs)) {
    fail(`the base workflow has ${storedJobs.size} jobs, ${expectedJobs.size} were created`);
  }
}

// --- cleanup: stop the running task, then the service (it must stop cleanly)

if (!exited) {
  for (const job of accepted.jobs) {
    await send('DELETE', `/jobs/${job.id}`, Buffer.from('{"reason":"end of the fuzz test"}'));
  }
  await send('DELETE', `/jobs/${runningJob}`, Buffer.from('{"reason":"end of the fuzz test"}'));
  await waitJob(runningJob, (job) => job.status === 'CANCELLED').catch((error) => fail(error.message));
  service.kill('SIGTERM');
  for (let i = 0; i < 1500 && !exited; ++i) await sleep(20);
  if (!exited) {
    service.kill('SIGKILL');
    fail('the service did not stop within 30 s of SIGTERM');
  } else if (exited.code !== 0) {
    fail(`the service exited ${exited.code} (signal ${exited.signal}) on SIGTERM`);
  }
}

console.log(`http_fuzz: seed=${seed} bodies=${sentBodies} accepted: workflows=${accepted.workflows.size} ` +
            `base revisions=${accepted.basePuts} jobs=${accepted.jobs.length} ` +
            `cancels=${accepted.cancels.size}; malformed=${malformed.length} raw=${sentRaw} ` +
            `(answered ${rawAnswered}) failures=${failures.length}`);
if (failures.length > 0) {
  console.error(`--- last lines of the service log (${logPath})`);
  console.error(fs.readFileSync(logPath, 'utf8').split('\n').slice(-20).join('\n'));
  process.exit(1);
}
fs.rmSync(work, { recursive: true, force: true });
