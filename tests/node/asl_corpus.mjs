// Runs the States Language corpus (tests/asl/cases) through a Step Functions endpoint with the
// official SDK, @aws-sdk/client-sfn, and compares every execution with its case.json.
//
// usage: node asl_corpus.mjs ENDPOINT CASES_DIR [FILTER]
//   ENDPOINT: http://127.0.0.1:PORT. FILTER: a regular expression that the names of the case
//   directories to run match.
// For each case: CreateActivity for the activities its case.json names (and activity workers that
// behave as it says), CreateStateMachine, StartExecution with input.json, DescribeExecution until
// the execution ends; then status, output (deep JSON equality), error and cause (when case.json
// gives one) and the number of task invocations per Resource (counted in GetExecutionHistory) must
// be as expected. Cases run 16 at a time. Prints one line per failed case and a summary; exits 1
// when a case failed.
//
// The runner survives the service being killed and restarted on the same port while it runs:
// every call is retried while the endpoint refuses connections (90 s at most). State machine and
// execution names are fixed per case (corpus-<case> and <case>), as the expected results of the
// context object cases assume: run the corpus once per fresh service.
import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import {
  SFNClient,
  CreateActivityCommand,
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetActivityTaskCommand,
  GetExecutionHistoryCommand,
  ListStateMachinesCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';

const [endpoint, casesDir, filter = ''] = process.argv.slice(2);
if (!endpoint || !casesDir) {
  console.error('usage: node asl_corpus.mjs ENDPOINT CASES_DIR [FILTER]');
  process.exit(2);
}
const ROLE_ARN = 'arn:aws:iam::123456789012:role/corpus';
const CONCURRENCY = 16;
const CASE_DEADLINE_MS = 240_000;     // one execution, from start to end
const UNAVAILABLE_RETRY_MS = 90_000;  // how long a call is retried while the service is down

const client = new SFNClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDCORPUS', secretAccessKey: 'corpus-secret' },
  maxAttempts: 1,  // retries are ours (below), so that a restart of the service is ridden out
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// True for errors of the connection rather than answers of the service.
function isUnavailable(error) {
  const code = error?.code ?? error?.cause?.code ?? error?.errno;
  if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(code)) return true;
  if (error?.name === 'TimeoutError') return true;
  const status = error?.$metadata?.httpStatusCode;
  if (status === 502 || status === 503 || status === 504) return true;
  return /socket hang up|ECONNREFUSED|ECONNRESET|other side closed/i.test(String(error?.message));
}

// When the service stopped answering (0 while it answers): all calls share one outage, so that a
// service that is gone for good fails every case after UNAVAILABLE_RETRY_MS, not each in turn.
let unavailableSince = 0;

// client.send, retried while the service is unavailable (UNAVAILABLE_RETRY_MS at most since it
// stopped answering). `options` may carry an abortSignal.
async function send(command, options) {
  for (;;) {
    try {
      const answer = await client.send(command, options);
      unavailableSince = 0;
      return answer;
    } catch (error) {
      if (options?.abortSignal?.aborted) throw error;
      if (!isUnavailable(error)) {
        unavailableSince = 0;  // it answered
        throw error;
      }
      unavailableSince ||= Date.now();
      if (Date.now() - unavailableSince > UNAVAILABLE_RETRY_MS) throw error;
      await sleep(200);
    }
  }
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

async function createStateMachine(name, definition) {
  try {
    const created = await send(new CreateStateMachineCommand({ name, definition, roleArn: ROLE_ARN }));
    return created.stateMachineArn;
  } catch (error) {
    // A retried create whose first attempt was stored before the service went down.
    if (error.name !== 'StateMachineAlreadyExists') throw error;
    let nextToken;
    do {
      const page = await send(new ListStateMachinesCommand({ nextToken }));
      const found = page.stateMachines.find((machine) => machine.name === name);
      if (found) return found.stateMachineArn;
      nextToken = page.nextToken;
    } while (nextToken);
    throw error;
  }
}

// An activity worker: polls `activityArn` until `stop` is aborted, and answers each task as
// `behaviour` says: echo, add, fail (error, cause), heartbeat (heartbeatMs, durationMs), silent.
async function runWorker(activityArn, behaviour, workerName, stop) {
  while (!stop.aborted) {
    let task;
    try {
      task = await send(new GetActivityTaskCommand({ activityArn, workerName }), { abortSignal: stop });
    } catch (error) {
      if (stop.aborted) return;
      throw error;
    }
    if (!task.taskToken) continue;
    const taskToken = task.taskToken;
    const input = JSON.parse(task.input ?? 'null');
    switch (behaviour.behaviour) {
      case 'echo':
        await send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(input) }));
        break;
      case 'add':
        await send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(input.a + input.b) }));
        break;
      case 'fail':
        await send(new SendTaskFailureCommand({ taskToken, error: behaviour.error, cause: behaviour.cause }));
        break;
      case 'heartbeat': {
        const end = Date.now() + behaviour.durationMs;
        while (Date.now() < end) {
          await sleep(behaviour.heartbeatMs);
          await send(new SendTaskHeartbeatCommand({ taskToken }));
        }
        await send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(input) }));
        break;
      }
      case 'silent':
        break;
      default:
        throw new Error(`unknown activity worker behaviour ${behaviour.behaviour}`);
    }
  }
}

// Task invocations per Resource string, from the execution's history.
async function countCalls(executionArn) {
  const calls = {};
  const add = (resource) => { calls[resource] = (calls[resource] ?? 0) + 1; };
  let nextToken;
  do {
    const page = await send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
    for (const event of page.events) {
      if (event.type === 'TaskScheduled') {
        const { resourceType, resource } = event.taskScheduledEventDetails;
        add(resource.startsWith('arn:') ? resource : `arn:aws:states:::${resourceType}:${resource}`);
      } else if (event.type === 'LambdaFunctionScheduled') {
        add(event.lambdaFunctionScheduledEventDetails.resource);
      } else if (event.type === 'ActivityScheduled') {
        add(event.activityScheduledEventDetails.resource);
      }
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return calls;
}

function parseOutput(text) {
  try {
    return JSON.parse(text);
  } catch {
    return { unparsableOutput: text };
  }
}

const short = (value) => {
  const text = JSON.stringify(value);
  return text !== undefined && text.length > 300 ? `${text.slice(0, 300)}...` : text;
};

// Runs one case; returns a list of differences (empty when it passed).
async function runCase(name) {
  const dir = path.join(casesDir, name);
  const definition = fs.readFileSync(path.join(dir, 'definition.json'), 'utf8');
  const input = fs.readFileSync(path.join(dir, 'input.json'), 'utf8');
  const caseJson = readJson(path.join(dir, 'case.json'));
  const expected = caseJson.expected;
  const stop = new AbortController();
  const workers = [];
  try {
    for (const [activityName, behaviour] of Object.entries(caseJson.activities ?? {})) {
      const { activityArn } = await send(new CreateActivityCommand({ name: activityName }));
      if (!definition.includes(`"${activityArn}"`)) {
        return [`activity ${activityName} has the ARN ${activityArn}, which the definition does not use`];
      }
      workers.push(runWorker(activityArn, behaviour, name, stop.signal));
    }
    const stateMachineArn = await createStateMachine(`corpus-${name}`, definition);
    const { executionArn } = await send(new StartExecutionCommand({ stateMachineArn, name, input }));
    const deadline = Date.now() + CASE_DEADLINE_MS;
    let execution;
    for (;;) {
      execution = await send(new DescribeExecutionCommand({ executionArn }));
      if (execution.status !== 'RUNNING' && execution.status !== 'PENDING_REDRIVE') break;
      if (Date.now() > deadline) return [`still ${execution.status} after ${CASE_DEADLINE_MS / 1000} s`];
      await sleep(100);
    }
    const differences = [];
    if (execution.status !== expected.status) {
      differences.push(`status ${execution.status} (error ${execution.error}, cause ${short(execution.cause)}), expected ${expected.status}`);
    } else if (expected.status === 'SUCCEEDED') {
      const output = parseOutput(execution.output);
      if (!isDeepStrictEqual(output, expected.output)) {
        differences.push(`output ${short(output)}, expected ${short(expected.output)}`);
      }
    } else if (expected.status === 'FAILED') {
      if (execution.error !== expected.error) differences.push(`error ${execution.error}, expected ${expected.error}`);
      if ('cause' in expected && execution.cause !== expected.cause) {
        differences.push(`cause ${short(execution.cause)}, expected ${short(expected.cause)}`);
      }
    }
    const calls = await countCalls(executionArn);
    if (!isDeepStrictEqual(calls, caseJson.calls ?? {})) {
      differences.push(`calls ${JSON.stringify(calls)}, expected ${JSON.stringify(caseJson.calls ?? {})}`);
    }
    return differences;
  } finally {
    stop.abort();
    const ended = await Promise.allSettled(workers);
    for (const result of ended) {
      if (result.status === 'rejected') console.log(`${name}: activity worker: ${result.reason}`);
    }
  }
}

async function main() {
  const names = fs.readdirSync(casesDir).filter((n) => new RegExp(filter).test(n)).sort();
  let passed = 0;
  let failed = 0;
  let next = 0;
  async function lane() {
    while (next < names.length) {
      const name = names[next++];
      let differences;
      try {
        differences = await runCase(name);
      } catch (error) {
        differences = [`${error.name}: ${error.message}`];
      }
      if (differences.length === 0) {
        passed++;
      } else {
        failed++;
        console.log(`FAIL ${name}: ${differences.join('; ')}`);
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  console.log(`asl corpus: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && names.length > 0 ? 0 : 1);
}

await main();
