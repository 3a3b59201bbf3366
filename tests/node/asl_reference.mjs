// Computes the expected results of the States Language corpus (tests/asl/cases) with an
// independent interpreter, aws-local-stepfunctions, and validates every definition with
// asl-validator.
//
// usage: node asl_reference.mjs [--check] [CASES_DIR] [FILTER]
//   Without --check: writes "expected" and "calls" of every case.json, and tests/asl/DISAGREEMENTS.md.
//   With --check: writes nothing; exits 1 when a case.json or DISAGREEMENTS.md differs from what
//   the interpreter computes now (a corpus edited by hand, or an interpreter that changed).
//   FILTER: a regular expression that the names of the case directories to run match.
//
// Task resources run local handlers that mirror tests/asl/functions/*.sh exactly (the functions
// the service runs as local job definitions). A case whose case.json says "reference": "disagrees"
// keeps its hand-written "expected" and "calls" (what the specification says); the interpreter's
// own answer is written to DISAGREEMENTS.md beside the reason. Wait states and Retry intervals
// take no time here, as with the service's --wait-time-scale 0.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { StateMachine, ExecutionError, ExecutionTimeoutError } from 'aws-local-stepfunctions';

// The interpreter calls Promise.withResolvers (Node.js 22); this is Node.js 20's equivalent.
Promise.withResolvers ??= function withResolvers() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

const require = createRequire(import.meta.url);
const aslValidator = require('asl-validator');

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const check = args[0] === '--check';
if (check) args.shift();
const casesDir = path.resolve(args[0] ?? path.join(here, '..', 'asl', 'cases'));
const filter = args[1] ?? '';
const disagreementsFile = path.join(casesDir, '..', 'DISAGREEMENTS.md');

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/corpus`;
// The names the corpus runner gives a case's state machine and execution (the context object and
// the "env" function show them).
const stateMachineName = (caseName) => `corpus-${caseName}`;
const executionName = (caseName) => caseName;
const LAMBDA_ARN_PREFIX = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:`;
const ACTIVITY_ARN_PREFIX = `arn:aws:states:${REGION}:${ACCOUNT}:activity:`;
const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const FAIL_STATE_DEFAULT_CAUSE = 'Execution failed because of a Fail state';
const CASE_TIMEOUT_MS = 60_000;
const CONCURRENCY = 16;

// An error a task reports: `name` is the Step Functions error name, `message` its cause.
class TaskError extends Error {
  constructor(name, cause, { causeIsWording = false } = {}) {
    super(cause);
    this.name = name;
    this.causeIsWording = causeIsWording;  // the cause is an implementation's wording, not data
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The behaviour of tests/asl/functions/<name>.sh. `attempt` is what the service passes as
// WFM_STATE_RETRY_COUNT/WFM_STATE_NAME/WFM_EXECUTION_*.
async function runFunction(name, input, attempt) {
  switch (name) {
    case 'identity':
      return input;
    case 'add':
      return input.a + input.b;
    case 'fail-with':
      throw new TaskError(input.error, input.cause);
    case 'fail-if':
      if (input.fail === true) throw new TaskError('Custom.ItemFailed', `item ${input.id}`);
      return input;
    case 'flaky':
      if (attempt.retryCount < (input.failTimes ?? 0)) {
        throw new TaskError('Custom.Flaky', `attempt ${attempt.retryCount}`);
      }
      return input;
    case 'sleep':
      await sleep(input.ms ?? 0);
      return input;
    case 'hello':
      return { greeting: 'hello', n: 1 };
    case 'forty-two':
      return 42;
    case 'nothing':
      return null;
    case 'not-json':
      throw new TaskError('States.TaskFailed', 'the result is not JSON', { causeIsWording: true });
    case 'exit-code':
      throw new TaskError('States.TaskFailed', 'exit code 3', { causeIsWording: true });
    case 'env':
      return {
        state: attempt.stateName,
        retryCount: attempt.retryCount,
        executionName: attempt.executionName,
        executionArn: attempt.executionArn,
      };
    case 'big':
      return 'x'.repeat(300000);
    default:
      throw new Error(`no function named ${name}`);
  }
}

// The behaviour of the activity workers of tests/node/asl_corpus.mjs (case.json "activities").
async function runActivityWorker(worker, input) {
  if (!worker) return new Promise(() => {});  // nobody polls: the task never ends by itself
  switch (worker.behaviour) {
    case 'echo':
      return input;
    case 'add':
      return input.a + input.b;
    case 'fail':
      throw new TaskError(worker.error, worker.cause);
    case 'heartbeat':
      await sleep(worker.durationMs);
      return input;
    case 'silent':
      return new Promise(() => {});
    default:
      throw new Error(`unknown activity worker behaviour ${worker.behaviour}`);
  }
}

// Every Task state of a definition (nested in Parallel branches and Map processors too), and
// every state with Wait or Retry, by name. The interpreter's overrides are keyed by state name,
// so a name used twice must mean the same Task.
function collectStates(definition, found = { tasks: new Map(), waits: [], retries: [] }) {
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type === 'Task') {
      const previous = found.tasks.get(name);
      if (previous && previous.Resource !== state.Resource) {
        throw new Error(`Task state name ${name} is used for two resources`);
      }
      found.tasks.set(name, state);
    }
    if (state.Type === 'Wait') found.waits.push(name);
    if (state.Retry) found.retries.push(name);
    for (const branch of state.Branches ?? []) collectStates(branch, found);
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) collectStates(processor, found);
  }
  return found;
}

// Local handlers for every Task state; `calls` counts invocations per Resource string.
function makeHandlers(caseName, tasks, activities, calls) {
  const attemptsByKey = new Map();  // retries of one state on one input share a key
  const executionArn =
    `arn:aws:states:${REGION}:${ACCOUNT}:execution:${stateMachineName(caseName)}:` +
    executionName(caseName);
  const handlers = {};
  for (const [stateName, state] of tasks) {
    const resource = state.Resource;
    handlers[stateName] = async (input) => {
      calls[resource] = (calls[resource] ?? 0) + 1;
      const key = `${stateName}\u0000${JSON.stringify(input)}`;
      const retryCount = attemptsByKey.get(key) ?? 0;
      attemptsByKey.set(key, retryCount + 1);
      const attempt = { stateName, retryCount, executionName: executionName(caseName), executionArn };
      if (resource.startsWith(LAMBDA_ARN_PREFIX)) {
        return runFunction(resource.slice(LAMBDA_ARN_PREFIX.length), input, attempt);
      }
      if (resource === LAMBDA_INVOKE) {
        const name = String(input.FunctionName).split(':function:').pop().split(':')[0];
        let payload;
        try {
          payload = await runFunction(name, input.Payload, attempt);
        } catch (error) {
          // Step Functions reports a function's error with its name; the cause is Lambda's JSON
          // error document, which the corpus does not compare.
          if (error instanceof TaskError) error.causeIsWording = true;
          throw error;
        }
        return {
          ExecutedVersion: '$LATEST',
          Payload: payload,
          SdkHttpMetadata: { httpHeaders: {}, httpStatusCode: 200 },
          SdkResponseMetadata: { requestId: '00000000-0000-0000-0000-000000000000' },
          StatusCode: 200,
        };
      }
      if (resource.startsWith(ACTIVITY_ARN_PREFIX)) {
        return runActivityWorker(activities?.[resource.slice(ACTIVITY_ARN_PREFIX.length)], input);
      }
      throw new Error(`${caseName}: no handler for resource ${resource}`);
    };
  }
  return handlers;
}

// Runs one case through the interpreter: {status, output} or {status, error, cause}.
async function runReference(caseName, definition, input, caseJson) {
  const { tasks, waits, retries } = collectStates(definition);
  const calls = {};
  const machine = new StateMachine(definition, { validationOptions: { noValidate: true } });
  const context = {
    Execution: {
      Id: `arn:aws:states:${REGION}:${ACCOUNT}:execution:${stateMachineName(caseName)}:` +
        executionName(caseName),
      Name: executionName(caseName),
      RoleArn: ROLE_ARN,
    },
    StateMachine: {
      Id: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${stateMachineName(caseName)}`,
      Name: stateMachineName(caseName),
    },
  };
  const execution = machine.run(input, {
    context,
    overrides: {
      taskResourceLocalHandlers: makeHandlers(caseName, tasks, caseJson.activities, calls),
      waitTimeOverrides: Object.fromEntries(waits.map((name) => [name, 0])),
      retryIntervalOverrides: Object.fromEntries(retries.map((name) => [name, 0])),
    },
  });
  let timer;
  const guard = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('the interpreter did not finish')), CASE_TIMEOUT_MS);
  });
  let result;
  try {
    result = { status: 'SUCCEEDED', output: await Promise.race([execution.result, guard]) };
  } catch (error) {
    if (error instanceof ExecutionTimeoutError) {
      result = { status: 'TIMED_OUT' };
    } else if (error instanceof ExecutionError) {
      const failure = error.cause;
      result = { status: 'FAILED', error: failure.name };
      const cause = failure.message;
      const wording = failure.causeIsWording || failure.name.startsWith('States.') ||
        cause === FAIL_STATE_DEFAULT_CAUSE || cause === undefined;
      if (!wording) result.cause = cause;
    } else {
      execution.abort();
      throw error;
    }
  } finally {
    clearTimeout(timer);
  }
  return { result, calls };
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

// JSON text of `value`, cut to 300 characters.
function abridged(value) {
  const text = JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}

function disagreementsMarkdown(rows) {
  const lines = [
    '# Where the reference interpreter disagrees with the specification',
    '',
    'The expected results of the corpus are computed by aws-local-stepfunctions',
    '(tests/node/asl_reference.mjs). In the cases below it disagrees with the States Language',
    'specification (states-language.net) or the Step Functions developer guide, or lacks the',
    'feature; their case.json holds the result the specification gives, written by hand, and',
    '"reference": "disagrees". This file is written by asl_reference.mjs.',
    '',
  ];
  for (const row of rows) {
    lines.push(`## ${row.name}`, '');
    lines.push(`- Case: ${row.description}`);
    lines.push(`- The reference interpreter: ${row.reason}. It gives: \`${abridged(row.reference)}\``);
    lines.push(`- The specification: ${row.specification}`);
    lines.push(`- Expected here: \`${JSON.stringify(row.expected)}\``, '');
  }
  return lines.join('\n');
}

// Reads and validates one case: {definition, input, caseFile, caseJson, refusal (asl-validator's
// findings, when it refuses the definition)}. Synchronous and slow (asl-validator compiles its
// schemas on every call): done for every case before any runs, so that it does not hold up the
// interpreter's timers.
function loadCase(name) {
  const dir = path.join(casesDir, name);
  const definition = readJson(path.join(dir, 'definition.json'));
  const input = readJson(path.join(dir, 'input.json'));
  const caseFile = path.join(dir, 'case.json');
  const caseJson = readJson(caseFile);
  // The validator adds fields (QueryLanguage) to what it is given.
  const validation = aslValidator(structuredClone(definition), { checkArn: true, checkPaths: true });
  const refusal = validation.isValid ? undefined : validation.errorsText('; ');
  return { name, definition, input, caseFile, caseJson, refusal };
}

// Runs a loaded case through the interpreter: {result, calls}.
async function computeCase({ name, definition, input, caseJson }) {
  try {
    return await runReference(name, definition, input, caseJson);
  } catch (error) {
    return { result: { status: 'INTERPRETER_ERROR', message: String(error) }, calls: {} };
  }
}

async function main() {
  const names = fs.readdirSync(casesDir).filter((n) => new RegExp(filter).test(n)).sort();
  let problems = 0;
  const disagreements = [];
  const cases = names.map(loadCase);
  // The interpreter runs 16 cases at a time (some wait for real timeouts); the results are then
  // checked and written in order.
  const computed = new Map();
  let next = 0;
  async function lane() {
    while (next < cases.length) {
      const loaded = cases[next++];
      if (!loaded.refusal) computed.set(loaded.name, await computeCase(loaded));
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  for (const { name, caseFile, caseJson, refusal } of cases) {
    if (refusal) {
      console.log(`${name}: asl-validator refuses the definition: ${refusal}`);
      problems++;
      continue;
    }
    const { result, calls } = computed.get(name);
    const updated = { ...caseJson };
    if (caseJson.reference === 'disagrees') {
      if (!caseJson.reason || !caseJson.specification || !caseJson.expected) {
        console.log(`${name}: a disagreement needs "reason", "specification" and "expected"`);
        problems++;
      }
      if (isDeepStrictEqual(result, caseJson.expected) && isDeepStrictEqual(calls, caseJson.calls)) {
        console.log(`${name}: marked "disagrees" but the interpreter now gives the expected result`);
        problems++;
      }
      disagreements.push({ name, description: caseJson.description, reason: caseJson.reason,
                           specification: caseJson.specification, reference: result,
                           expected: caseJson.expected });
    } else {
      if (result.status === 'INTERPRETER_ERROR') {
        console.log(`${name}: ${result.message}`);
        problems++;
        continue;
      }
      updated.expected = result;
      updated.calls = calls;
    }
    const text = JSON.stringify(updated, null, 2) + '\n';
    if (check) {
      if (text !== fs.readFileSync(caseFile, 'utf8')) {
        console.log(`${name}: case.json differs from the interpreter's result ${JSON.stringify({ result, calls })}`);
        problems++;
      }
    } else {
      fs.writeFileSync(caseFile, text);
    }
  }
  if (!filter) {
    const markdown = disagreementsMarkdown(disagreements);
    if (check) {
      const current = fs.existsSync(disagreementsFile) ? fs.readFileSync(disagreementsFile, 'utf8') : '';
      if (current !== markdown) {
        console.log('DISAGREEMENTS.md differs from the cases marked "disagrees"');
        problems++;
      }
    } else {
      fs.writeFileSync(disagreementsFile, markdown);
    }
  }
  console.log(`asl reference: ${names.length} cases, ${disagreements.length} disagreements, ${problems} problems`);
  process.exit(problems === 0 ? 0 : 1);
}

await main();
