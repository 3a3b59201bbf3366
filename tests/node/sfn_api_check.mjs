// The Step Functions API of the running service, driven with the official AWS SDK for JavaScript
// (@aws-sdk/client-sfn): every operation and the errors the SDK must see by name. Starts
// workflow-manager on a free loopback port (SQLite in a temporary directory); a second instance
// with `--auth required` shows how an SDK client sends a Bearer token (a middleware after the
// SigV4 signer) and that a signed request without one is refused in Step Functions' error shape.
//
// usage: node sfn_api_check.mjs WORKFLOW_MANAGER_BINARY
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  SFNClient, CreateStateMachineCommand, DescribeStateMachineCommand, UpdateStateMachineCommand,
  ListStateMachinesCommand, DeleteStateMachineCommand, ValidateStateMachineDefinitionCommand,
  PublishStateMachineVersionCommand, ListStateMachineVersionsCommand,
  DeleteStateMachineVersionCommand, CreateStateMachineAliasCommand,
  DescribeStateMachineAliasCommand, UpdateStateMachineAliasCommand, DeleteStateMachineAliasCommand,
  ListStateMachineAliasesCommand, StartExecutionCommand, DescribeExecutionCommand,
  DescribeStateMachineForExecutionCommand, StopExecutionCommand, ListExecutionsCommand,
  GetExecutionHistoryCommand, RedriveExecutionCommand, CreateActivityCommand,
  DescribeActivityCommand, ListActivitiesCommand, DeleteActivityCommand, GetActivityTaskCommand,
  SendTaskSuccessCommand, SendTaskFailureCommand, SendTaskHeartbeatCommand, TagResourceCommand,
  UntagResourceCommand, ListTagsForResourceCommand, TestStateCommand, StartSyncExecutionCommand,
  DescribeMapRunCommand, ListMapRunsCommand, paginateListStateMachines, paginateGetExecutionHistory, paginateListExecutions,
} from '@aws-sdk/client-sfn';

const binary = process.argv[2];
if (!binary) {
  console.error('usage: node sfn_api_check.mjs WORKFLOW_MANAGER_BINARY');
  process.exit(2);
}
const kRole = 'arn:aws:iam::123456789012:role/sfn-check';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wfm-sfn-check-'));
const children = [];
let checks = 0;

function cleanup() {
  for (const child of children) child.kill('SIGKILL');
  fs.rmSync(work, { recursive: true, force: true });
}
function fail(message) {
  console.error(`FAIL: ${message}`);
  for (const file of fs.readdirSync(work).filter((f) => f.endsWith('.log'))) {
    console.error(`--- ${file}\n${fs.readFileSync(path.join(work, file), 'utf8').slice(-3000)}`);
  }
  cleanup();
  process.exit(1);
}
function ok(what) { checks += 1; console.log(`ok: ${what}`); }
function check(condition, what, detail = '') {
  if (!condition) fail(`${what} ${detail}`);
  ok(what);
}
async function sleep(ms) { await new Promise((resolve) => setTimeout(resolve, ms)); }

// Starts an instance; resolves to its URL.
async function startService(name, extra = []) {
  const logPath = path.join(work, `${name}.log`);
  const log = fs.openSync(logPath, 'a');
  const child = spawn(binary, ['--listen', '127.0.0.1:0', '--data-dir', path.join(work, name),
                               '--job-definitions', path.join(work, 'defs.json'), ...extra],
                      { stdio: ['ignore', log, log] });
  children.push(child);
  for (let i = 0; i < 3000; ++i) {
    const match = fs.readFileSync(logPath, 'utf8').match(/listening on 127\.0\.0\.1:(\d+)/);
    if (match) return `http://127.0.0.1:${match[1]}`;
    if (child.exitCode !== null) break;
    await sleep(20);
  }
  fail(`${name} did not start`);
}

// The error name the SDK reports for a call that must fail.
async function errorOf(client, command) {
  try {
    await client.send(command);
  } catch (e) {
    return e.name;
  }
  return '(no error)';
}
async function expectError(client, command, name, what) {
  const got = await errorOf(client, command);
  check(got === name, what, `: expected ${name}, got ${got}`);
}

async function waitForStatus(client, executionArn, wanted) {
  let last;
  for (let i = 0; i < 1500; ++i) {
    last = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (wanted.includes(last.status)) return last;
    await sleep(20);
  }
  fail(`execution ${executionArn} never reached ${wanted}: ${JSON.stringify(last)}`);
}

fs.writeFileSync(path.join(work, 'defs.json'), JSON.stringify({
  jobDefinitions: [{ jobDefinitionName: 'quick', revision: 1,
                     containerProperties: { command: ['true'] } }],
}));
const base = await startService('main');
// disableHostPrefix: the model sends TestState to host "sync-<endpoint host>", which a local
// endpoint does not have.
const sfn = new SFNClient({
  endpoint: base, region: 'us-east-1', disableHostPrefix: true,
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  maxAttempts: 1,
});

// --- state machines, versions, aliases
const pass = JSON.stringify({
  StartAt: 'Greet',
  States: {
    Greet: { Type: 'Pass', Parameters: { 'greeting.$': "States.Format('hello {}', $.who)" },
             Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
});
const waiting = JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 600, End: true } } });
const created = await sfn.send(new CreateStateMachineCommand({
  name: 'hello', definition: pass, roleArn: kRole, tags: [{ key: 'team', value: 'a' }],
}));
check(created.stateMachineArn === 'arn:aws:states:us-east-1:123456789012:stateMachine:hello',
      'CreateStateMachine answers the ARN', created.stateMachineArn);
check(created.creationDate instanceof Date && Math.abs(created.creationDate - Date.now()) < 60000,
      'creationDate is a Date near now');
const again = await sfn.send(new CreateStateMachineCommand({ name: 'hello', definition: pass, roleArn: kRole }));
check(again.stateMachineArn === created.stateMachineArn, 'CreateStateMachine is idempotent');
await expectError(sfn, new CreateStateMachineCommand({ name: 'hello', definition: waiting, roleArn: kRole }),
                  'StateMachineAlreadyExists', 'another definition under the name');
check(again.$metadata.requestId?.length > 0, 'answers carry x-amzn-RequestId');
await expectError(sfn, new CreateStateMachineCommand({ name: 'hello', definition: pass, roleArn: kRole, publish: true }),
                  'StateMachineAlreadyExists', 'the same machine asked to be published as well');
await expectError(sfn, new CreateStateMachineCommand({ name: 'x', definition: pass, roleArn: kRole,
                                                       loggingConfiguration: { level: 'BOGUS' } }),
                  'ValidationException', 'an unknown log level');
const metadataOnly = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn,
                                                                      includedData: 'METADATA_ONLY' }));
check(metadataOnly.definition === '{}', 'DescribeStateMachine METADATA_ONLY leaves the definition out');
await expectError(sfn, new StartSyncExecutionCommand({ stateMachineArn: created.stateMachineArn }),
                  'StateMachineTypeNotSupported', 'StartSyncExecution of a STANDARD machine');
await expectError(sfn, new DescribeMapRunCommand({ mapRunArn: `${created.stateMachineArn}/x:y` }),
                  'ResourceNotFound', 'DescribeMapRun: there are no Map Runs');
await expectError(sfn, new CreateStateMachineCommand({ name: 'a b', definition: pass, roleArn: kRole }),
                  'InvalidName', 'a name with a space');
await expectError(sfn, new CreateStateMachineCommand({ name: 'x', definition: '{"StartAt":"Nope","States":{}}', roleArn: kRole }),
                  'InvalidDefinition', 'an invalid definition');
await expectError(sfn, new CreateStateMachineCommand({ name: 'x', definition: pass, roleArn: 'role' }),
                  'InvalidArn', 'a role that is not an ARN');
await expectError(sfn, new CreateStateMachineCommand({ name: 'x'.repeat(81), definition: pass, roleArn: kRole }),
                  'ValidationException', 'a name over 80 characters');
await expectError(sfn, new CreateStateMachineCommand({ name: 'x', definition: pass, roleArn: kRole, type: 'EXPRESS' }),
                  'StateMachineTypeNotSupported', 'EXPRESS');
const machine = created.stateMachineArn;
const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machine }));
check(described.definition === pass && described.type === 'STANDARD' && described.roleArn === kRole,
      'DescribeStateMachine', JSON.stringify(described));
await expectError(sfn, new DescribeStateMachineCommand({ stateMachineArn: `${machine}-none` }),
                  'StateMachineDoesNotExist', 'describe a missing machine');
await expectError(sfn, new DescribeStateMachineCommand({ stateMachineArn: 'not-an-arn' }),
                  'InvalidArn', 'describe with a malformed ARN');

const waiter = (await sfn.send(new CreateStateMachineCommand({
  name: 'waiter', definition: waiting, roleArn: kRole, publish: true, versionDescription: 'v1',
}))).stateMachineArn;
const names = [];
for await (const page of paginateListStateMachines({ client: sfn, pageSize: 1 }, {})) {
  names.push(...page.stateMachines.map((m) => m.name));
}
check(names.sort().join() === 'hello,waiter', 'ListStateMachines pages', names.join());

const published = await sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: machine, description: 'first' }));
check(published.stateMachineVersionArn === `${machine}:1`, 'PublishStateMachineVersion');
const updated = await sfn.send(new UpdateStateMachineCommand({
  stateMachineArn: machine,
  definition: pass.replace('hello {}', 'hi {}'), publish: true, versionDescription: 'second',
}));
check(updated.stateMachineVersionArn === `${machine}:2` && updated.updateDate instanceof Date,
      'UpdateStateMachine publishes version 2');
await expectError(sfn, new UpdateStateMachineCommand({ stateMachineArn: machine }),
                  'MissingRequiredParameter', 'an update with nothing to change');
await expectError(sfn, new PublishStateMachineVersionCommand({ stateMachineArn: machine, revisionId: 'old' }),
                  'ConflictException', 'publish of a stale revision');
const versions = await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: machine }));
check(versions.stateMachineVersions.map((v) => v.stateMachineVersionArn).join() === `${machine}:2,${machine}:1`,
      'ListStateMachineVersions newest first');
const alias = (await sfn.send(new CreateStateMachineAliasCommand({
  name: 'live', routingConfiguration: [{ stateMachineVersionArn: `${machine}:1`, weight: 100 }],
}))).stateMachineAliasArn;
check(alias === `${machine}:live`, 'CreateStateMachineAlias');
await sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: alias, description: 'prod' }));
const aliasDescribed = await sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: alias }));
check(aliasDescribed.description === 'prod' && aliasDescribed.routingConfiguration[0].weight === 100,
      'DescribeStateMachineAlias after UpdateStateMachineAlias');
const aliases = await sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: machine }));
check(aliases.stateMachineAliases.length === 1, 'ListStateMachineAliases');
await expectError(sfn, new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${machine}:1` }),
                  'ConflictException', 'a version an alias routes to is kept');
await expectError(sfn, new DescribeStateMachineAliasCommand({ stateMachineAliasArn: `${machine}:none` }),
                  'ResourceNotFound', 'describe a missing alias');
await expectError(sfn, new CreateStateMachineAliasCommand({
  name: 'bad', routingConfiguration: [{ stateMachineVersionArn: `${machine}:1`, weight: 50 }],
}), 'ValidationException', 'weights that do not add up to 100');

const validation = await sfn.send(new ValidateStateMachineDefinitionCommand({
  definition: '{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"}}}',
}));
check(validation.result === 'FAIL' && validation.diagnostics.length > 0 &&
      validation.diagnostics[0].severity === 'ERROR', 'ValidateStateMachineDefinition finds errors',
      JSON.stringify(validation));
check((await sfn.send(new ValidateStateMachineDefinitionCommand({ definition: pass }))).result === 'OK',
      'ValidateStateMachineDefinition accepts a valid machine');

// --- executions
const run = await sfn.send(new StartExecutionCommand({
  stateMachineArn: machine, name: 'first', input: '{"who":"world"}',
}));
check(run.executionArn === 'arn:aws:states:us-east-1:123456789012:execution:hello:first' &&
      run.startDate instanceof Date, 'StartExecution');
const done = await waitForStatus(sfn, run.executionArn, ['SUCCEEDED', 'FAILED']);
check(done.status === 'SUCCEEDED' && JSON.parse(done.output).greeting === 'hi world',
      'the execution succeeds with the latest definition', JSON.stringify(done));
check(done.stopDate instanceof Date && done.redriveStatus === 'NOT_REDRIVABLE', 'a succeeded execution');
const throughAlias = await sfn.send(new StartExecutionCommand({ stateMachineArn: alias, input: '{"who":"v1"}' }));
const aliasDone = await waitForStatus(sfn, throughAlias.executionArn, ['SUCCEEDED', 'FAILED']);
check(JSON.parse(aliasDone.output).greeting === 'hello v1' &&
      aliasDone.stateMachineAliasArn === alias && aliasDone.stateMachineVersionArn === `${machine}:1`,
      'an alias runs the version it routes to', JSON.stringify(aliasDone));
const forExecution = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: throughAlias.executionArn }));
check(forExecution.definition === pass, 'DescribeStateMachineForExecution shows what ran');
await expectError(sfn, new StartExecutionCommand({ stateMachineArn: machine, input: '{' }),
                  'InvalidExecutionInput', 'input that is not JSON');
await expectError(sfn, new StartExecutionCommand({ stateMachineArn: machine, name: 'a*b' }),
                  'InvalidName', 'an execution name with *');
await expectError(sfn, new StartExecutionCommand({ stateMachineArn: `${machine}-none` }),
                  'StateMachineDoesNotExist', 'start of a missing machine');
await expectError(sfn, new StartExecutionCommand({ stateMachineArn: machine, name: 'first', input: '{"who":"world"}' }),
                  'ExecutionAlreadyExists', 'the name of a finished execution');
await expectError(sfn, new DescribeExecutionCommand({ executionArn: `${run.executionArn}-none` }),
                  'ExecutionDoesNotExist', 'describe a missing execution');

const events = [];
for await (const page of paginateGetExecutionHistory({ client: sfn, pageSize: 2 }, { executionArn: run.executionArn })) {
  events.push(...page.events);
}
check(events.length >= 4 && events[0].type === 'ExecutionStarted' &&
      events.at(-1).type === 'ExecutionSucceeded', 'GetExecutionHistory pages from the start',
      events.map((e) => e.type).join());
check(events.every((e, i) => e.id === i + 1 && e.previousEventId >= 0 && e.previousEventId < e.id &&
                         e.timestamp instanceof Date), 'event ids are contiguous, with dates',
      JSON.stringify(events.slice(0, 3)));
const reversed = await sfn.send(new GetExecutionHistoryCommand({ executionArn: run.executionArn, reverseOrder: true, maxResults: 1 }));
check(reversed.events[0].type === 'ExecutionSucceeded' && reversed.nextToken, 'reverseOrder');
const bare = await sfn.send(new GetExecutionHistoryCommand({ executionArn: run.executionArn, includeExecutionData: false }));
check(bare.events[0].executionStartedEventDetails?.input === undefined, 'includeExecutionData false hides input');
await expectError(sfn, new GetExecutionHistoryCommand({ executionArn: run.executionArn, nextToken: 'bad' }),
                  'InvalidToken', 'a malformed history token');

const long = await sfn.send(new StartExecutionCommand({ stateMachineArn: waiter, name: 'long', input: '{"n":1}' }));
const sameAgain = await sfn.send(new StartExecutionCommand({ stateMachineArn: waiter, name: 'long', input: '{"n":1}' }));
check(sameAgain.executionArn === long.executionArn, 'StartExecution is idempotent while it runs');
await expectError(sfn, new StartExecutionCommand({ stateMachineArn: waiter, name: 'long', input: '{"n":2}' }),
                  'ExecutionAlreadyExists', 'the same name with another input');
const running = await sfn.send(new ListExecutionsCommand({ stateMachineArn: waiter, statusFilter: 'RUNNING' }));
check(running.executions.length === 1 && running.executions[0].name === 'long', 'ListExecutions statusFilter');
await expectError(sfn, new ListExecutionsCommand({ stateMachineArn: machine, statusFilter: 'PENDING_REDRIVE' }),
                  'ValidationException', 'PENDING_REDRIVE with a stateMachineArn');
check((await sfn.send(new ListMapRunsCommand({ executionArn: long.executionArn }))).mapRuns.length === 0,
      'ListMapRuns: none');
const stop = await sfn.send(new StopExecutionCommand({ executionArn: long.executionArn, error: 'Halt', cause: 'check' }));
check(stop.stopDate instanceof Date, 'StopExecution');
const aborted = await waitForStatus(sfn, long.executionArn, ['ABORTED']);
check(aborted.error === 'Halt' && aborted.cause === 'check' && aborted.redriveStatus === 'REDRIVABLE',
      'a stopped execution is ABORTED with its error and cause', JSON.stringify(aborted));
const redrive = await sfn.send(new RedriveExecutionCommand({ executionArn: long.executionArn }));
check(redrive.redriveDate instanceof Date, 'RedriveExecution');
const redriven = await waitForStatus(sfn, long.executionArn, ['RUNNING']);
check(redriven.redriveCount === 1, 'redriveCount counts', JSON.stringify(redriven));
await sfn.send(new StopExecutionCommand({ executionArn: long.executionArn }));
await expectError(sfn, new RedriveExecutionCommand({ executionArn: run.executionArn }),
                  'ExecutionNotRedrivable', 'a succeeded execution is not redriven');
const all = [];
for await (const page of paginateListExecutions({ client: sfn, pageSize: 1 }, { stateMachineArn: machine })) {
  all.push(...page.executions);
}
check(all.length === 2 && all[0].startDate >= all[1].startDate, 'ListExecutions pages newest first');

// --- activities
const activity = (await sfn.send(new CreateActivityCommand({ name: 'work' }))).activityArn;
check((await sfn.send(new CreateActivityCommand({ name: 'work' }))).activityArn === activity,
      'CreateActivity is idempotent');
check((await sfn.send(new DescribeActivityCommand({ activityArn: activity }))).name === 'work', 'DescribeActivity');
check((await sfn.send(new ListActivitiesCommand({}))).activities.length === 1, 'ListActivities');
await expectError(sfn, new DescribeActivityCommand({ activityArn: `${activity}-none` }),
                  'ActivityDoesNotExist', 'describe a missing activity');
const worked = (await sfn.send(new CreateStateMachineCommand({
  name: 'worked', roleArn: kRole,
  definition: JSON.stringify({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: activity, End: true } } }),
}))).stateMachineArn;
const job = await sfn.send(new StartExecutionCommand({ stateMachineArn: worked, input: '{"task":1}' }));
const task = await sfn.send(new GetActivityTaskCommand({ activityArn: activity, workerName: 'node' }));
check(task.taskToken && JSON.parse(task.input).task === 1, 'GetActivityTask hands out the task');
await sfn.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken }));
ok('SendTaskHeartbeat');
await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{"done":true}' }));
const jobDone = await waitForStatus(sfn, job.executionArn, ['SUCCEEDED', 'FAILED']);
check(jobDone.status === 'SUCCEEDED' && JSON.parse(jobDone.output).done === true,
      'SendTaskSuccess ends the task', JSON.stringify(jobDone));
await expectError(sfn, new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{}' }),
                  'TaskTimedOut', 'a token whose task ended');
const job2 = await sfn.send(new StartExecutionCommand({ stateMachineArn: worked }));
const task2 = await sfn.send(new GetActivityTaskCommand({ activityArn: activity }));
await sfn.send(new SendTaskFailureCommand({ taskToken: task2.taskToken, error: 'Bad', cause: 'worker' }));
const failed = await waitForStatus(sfn, job2.executionArn, ['FAILED', 'SUCCEEDED']);
check(failed.status === 'FAILED' && failed.error === 'Bad' && failed.cause === 'worker',
      'SendTaskFailure fails the execution', JSON.stringify(failed));
await expectError(sfn, new SendTaskSuccessCommand({ taskToken: 'no-such-token', output: '{}' }),
                  'InvalidToken', 'a malformed token');
await expectError(sfn, new SendTaskSuccessCommand({ taskToken: task2.taskToken, output: '{' }),
                  'InvalidOutput', 'output that is not JSON');
await expectError(sfn, new GetActivityTaskCommand({ activityArn: `${activity}-none` }),
                  'ActivityDoesNotExist', 'poll a missing activity');

// --- tags, TestState
await sfn.send(new TagResourceCommand({ resourceArn: machine, tags: [{ key: 'env', value: 'ci' }] }));
await sfn.send(new UntagResourceCommand({ resourceArn: machine, tagKeys: ['team'] }));
const tags = await sfn.send(new ListTagsForResourceCommand({ resourceArn: machine }));
check(JSON.stringify(tags.tags) === '[{"key":"env","value":"ci"}]', 'TagResource, UntagResource, ListTagsForResource');
await expectError(sfn, new ListTagsForResourceCommand({ resourceArn: `${machine}-none` }),
                  'ResourceNotFound', 'tags of a missing resource');
const tested = await sfn.send(new TestStateCommand({
  definition: JSON.stringify({ Type: 'Pass', Parameters: { 'x.$': '$.a' }, Next: 'N' }),
  input: '{"a":7}', roleArn: kRole,
}));
check(JSON.parse(tested.output).x === 7 && tested.nextState === 'N' && tested.status === 'SUCCEEDED',
      'TestState runs one state', JSON.stringify(tested));
await expectError(sfn, new TestStateCommand({ definition: '{"Type":"Bogus"}', roleArn: kRole }),
                  'InvalidDefinition', 'TestState of an invalid state');
const waited = await sfn.send(new TestStateCommand({
  definition: JSON.stringify({ Type: 'Wait', Seconds: 5, Next: 'N' }), input: '{"a":1}', roleArn: kRole }));
check(waited.status === 'SUCCEEDED' && waited.nextState === 'N', 'TestState of a Wait', JSON.stringify(waited));
const mocked = await sfn.send(new TestStateCommand({
  definition: JSON.stringify({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke',
                               Parameters: { FunctionName: 'nope', 'Payload.$': '$' }, End: true }),
  input: '{}', roleArn: kRole, mock: { result: '{"mocked":true}' }, inspectionLevel: 'DEBUG' }));
check(mocked.output === '{"mocked":true}' && mocked.inspectionData.afterParameters !== undefined,
      'TestState with a mocked result', JSON.stringify(mocked));

// --- deletes
await sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: alias }));
await sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${machine}:1` }));
await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: machine }));
await expectError(sfn, new DescribeStateMachineCommand({ stateMachineArn: `${machine}:2` }),
                  'StateMachineDoesNotExist', 'DeleteStateMachine deletes its versions');
check((await sfn.send(new DescribeExecutionCommand({ executionArn: run.executionArn }))).status === 'SUCCEEDED',
      'executions outlive their machine');
await sfn.send(new DeleteActivityCommand({ activityArn: activity }));
await expectError(sfn, new DescribeActivityCommand({ activityArn: activity }), 'ActivityDoesNotExist', 'DeleteActivity');

// --- the protocol's own errors, sent raw
async function raw(target, body, type = 'application/x-amz-json-1.0') {
  const response = await fetch(`${base}/`, { method: 'POST', body,
                                             headers: { 'X-Amz-Target': target, 'Content-Type': type } });
  return { status: response.status, body: await response.json() };
}
let answer = await raw('AWSStepFunctions.Nope', '{}');
check(answer.status === 400 && answer.body.__type === 'UnknownOperationException', 'an unknown operation');
answer = await raw('AWSStepFunctions.ListStateMachines', '{"maxResults":');
check(answer.status === 400 && answer.body.__type === 'SerializationException', 'malformed JSON');

// --- tokens required: a Bearer token sent by a middleware after the signer
const wfm = (args) => execFileSync(binary, ['--data-dir', path.join(work, 'guarded'), ...args], { encoding: 'utf8' }).trim();
fs.mkdirSync(path.join(work, 'guarded'));
const token = wfm(['token', 'create', '--scope', 'write', '--name', 'sdk']);
const guarded = await startService('guarded', ['--auth', 'required']);
const unsigned = new SFNClient({ endpoint: guarded, region: 'us-east-1', maxAttempts: 1,
                                 credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
await expectError(unsigned, new ListStateMachinesCommand({}), 'UnrecognizedClientException',
                  'a SigV4-signed request where tokens are required');
const bearer = new SFNClient({ endpoint: guarded, region: 'us-east-1', maxAttempts: 1,
                               credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
bearer.middlewareStack.addRelativeTo((next) => async (args) => {
  args.request.headers.authorization = `Bearer ${token}`;
  return next(args);
}, { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'bearerToken' });
check(Array.isArray((await bearer.send(new ListStateMachinesCommand({}))).stateMachines),
      'a Bearer token sent by a middleware is accepted');

cleanup();
console.log(`sfn_api_check: ${checks} checks passed`);
