// BullMQ peer benchmark: N independent chains of 3 jobs (job1 -> job2 -> job3),
// the same DAG shape as the workflow-manager engine benchmark.
//
// Each chain is one FlowProducer flow: job3 has child job2, which has child
// job1, so BullMQ runs them in the order 1, 2, 3. All N flows are added first
// (timed as add_s), then one Worker with the given concurrency processes them
// (timed as run_s, from worker start until all 3N jobs have completed).
//
// Usage:
//   node bullmq_flows.mjs --redis-port P --flows N --mode noop|true
//                         [--concurrency 2] [--redis-host 127.0.0.1]
//                         [--queue wfm-bench-peers] [--timeout-s 600]
//
//   mode noop: each job's processor returns at once.
//   mode true: each job spawns /bin/true and waits for it (fails on nonzero exit).
//
// Prints one line on stdout, e.g.
//   bullmq mode=true flows=1000 jobs=3000 add_s=0.812 run_s=4.321 jobs_per_s=694
// and exits non-zero with a message on stderr on any failure.

import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { FlowProducer, Queue, Worker } from 'bullmq';
import Redis from 'ioredis';

const STEPS = 3;          // jobs per chain
const ADD_BATCH = 100;    // flows per FlowProducer.addBulk call

function die(msg) {
  process.stderr.write(`bullmq_flows: error: ${msg}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const opts = {
    redisHost: '127.0.0.1',
    redisPort: null,
    flows: null,
    mode: null,
    concurrency: 2,
    queue: 'wfm-bench-peers',
    timeoutS: 600,
  };
  const intArg = (name, v) => {
    if (v === undefined || !/^[0-9]+$/.test(v) || Number(v) < 1) {
      die(`${name} needs a positive integer, got '${v ?? ''}'`);
    }
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    switch (a) {
      case '--redis-host': opts.redisHost = v; i++; break;
      case '--redis-port': opts.redisPort = intArg(a, v); i++; break;
      case '--flows': opts.flows = intArg(a, v); i++; break;
      case '--mode': opts.mode = v; i++; break;
      case '--concurrency': opts.concurrency = intArg(a, v); i++; break;
      case '--queue': opts.queue = v; i++; break;
      case '--timeout-s': opts.timeoutS = intArg(a, v); i++; break;
      case '-h':
      case '--help':
        process.stdout.write(
          'usage: node bullmq_flows.mjs --redis-port P --flows N --mode noop|true ' +
          '[--concurrency 2] [--redis-host 127.0.0.1] [--queue NAME] [--timeout-s 600]\n');
        process.exit(0);
        break;
      default: die(`unknown argument '${a}' (see --help)`);
    }
  }
  if (opts.redisPort === null) die('--redis-port is required');
  if (opts.flows === null) die('--flows is required');
  if (opts.mode !== 'noop' && opts.mode !== 'true') die("--mode must be 'noop' or 'true'");
  if (!opts.queue) die('--queue needs a name');
  return opts;
}

// Runs /bin/true and resolves when it exits with status 0.
function runTrue() {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/true', [], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`/bin/true exited with ${signal ?? `status ${code}`}`));
    });
  });
}

// Fails fast (instead of BullMQ's endless reconnects) when Redis is not up.
async function checkRedis(host, port) {
  const client = new Redis({
    host, port, lazyConnect: true, connectTimeout: 3000,
    maxRetriesPerRequest: 0, retryStrategy: () => null,
  });
  let lastError = null;  // the socket error, e.g. ECONNREFUSED, is more telling
  client.on('error', (err) => { lastError = err; });
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    die(`cannot reach Redis at ${host}:${port}: ${(lastError ?? err).message}`);
  } finally {
    client.disconnect();
  }
}

function chainFlow(queueName, chain) {
  // Built from the innermost job outwards: job1 is a child of job2, job2 of job3.
  let node = null;
  for (let step = 1; step <= STEPS; step++) {
    node = {
      name: `job${step}`,
      queueName,
      data: { chain, step },
      ...(node ? { children: [node] } : {}),
    };
  }
  return node;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const totalJobs = opts.flows * STEPS;

  const timer = setTimeout(
    () => die(`timed out after ${opts.timeoutS}s`), opts.timeoutS * 1000);
  timer.unref();

  await checkRedis(opts.redisHost, opts.redisPort);
  const connection = { host: opts.redisHost, port: opts.redisPort };

  let finished = false;
  const onError = (what) => (err) => {
    if (!finished) die(`${what}: ${err?.message ?? err}`);
  };

  const queue = new Queue(opts.queue, { connection });
  queue.on('error', onError('queue'));
  await queue.waitUntilReady();
  await queue.obliterate({ force: true });

  // Last finished step per chain, to check that each chain ran in order. It is
  // set at the end of the processor, i.e. before BullMQ releases the parent.
  const lastStep = new Uint8Array(opts.flows);
  const processor = async (job) => {
    const { chain, step } = job.data;
    if (lastStep[chain] !== step - 1) {
      throw new Error(`chain ${chain}: job${step} ran after job${lastStep[chain]}`);
    }
    if (opts.mode === 'true') await runTrue();
    lastStep[chain] = step;
  };

  // autorun: false so that no job is processed while the flows are being added.
  const worker = new Worker(opts.queue, processor, {
    connection, concurrency: opts.concurrency, autorun: false,
  });
  worker.on('error', onError('worker'));

  let completed = 0;
  let resolveDone;
  const done = new Promise((resolve) => { resolveDone = resolve; });
  worker.on('completed', () => {
    if (++completed === totalJobs) resolveDone();
  });
  worker.on('failed', (job, err) => {
    if (!finished) die(`job ${job?.name} (chain ${job?.data?.chain}) failed: ${err.message}`);
  });
  await worker.waitUntilReady();

  // Phase 1: add all flows.
  const producer = new FlowProducer({ connection });
  producer.on('error', onError('flow producer'));
  const addStart = performance.now();
  for (let first = 0; first < opts.flows; first += ADD_BATCH) {
    const batch = [];
    for (let c = first; c < Math.min(first + ADD_BATCH, opts.flows); c++) {
      batch.push(chainFlow(opts.queue, c));
    }
    await producer.addBulk(batch);
  }
  const addS = (performance.now() - addStart) / 1000;

  const counts = await queue.getJobCounts('waiting', 'waiting-children');
  if (counts.waiting !== opts.flows || counts['waiting-children'] !== 2 * opts.flows) {
    die(`unexpected queue state after adding: ${JSON.stringify(counts)}`);
  }

  // Phase 2: process everything.
  const runStart = performance.now();
  const running = worker.run();
  running.catch(onError('worker run'));
  await done;
  const runS = (performance.now() - runStart) / 1000;
  finished = true;

  for (let c = 0; c < opts.flows; c++) {
    if (lastStep[c] !== STEPS) die(`chain ${c} ended at job${lastStep[c]}`);
  }

  await worker.close();
  await producer.close();
  await queue.obliterate({ force: true });
  await queue.close();

  process.stdout.write(
    `bullmq mode=${opts.mode} flows=${opts.flows} jobs=${totalJobs} ` +
    `add_s=${addS.toFixed(3)} run_s=${runS.toFixed(3)} ` +
    `jobs_per_s=${Math.round(totalJobs / runS)}\n`);
}

main().catch((err) => die(err?.stack ?? String(err)));
