// Checks the fake AWS Batch (fake-batch-server) with the official @aws-sdk/client-batch, so the
// fake cannot drift from the real API: requests the SDK builds and signs must be accepted, and
// what the fake answers must parse into the SDK's shapes and error classes.
//   node fake_batch_sdk_check.mjs ENDPOINT   (the fake's access key AKIDSDKCHECK, secret sdk-check-secret)
import {
  BatchClient, SubmitJobCommand, DescribeJobsCommand, ListJobsCommand, TerminateJobCommand,
  CancelJobCommand, DescribeJobDefinitionsCommand, paginateDescribeJobDefinitions, ClientException,
} from "@aws-sdk/client-batch";

const endpoint = process.argv[2];
const client = (secret = "sdk-check-secret") => new BatchClient({
  region: "eu-west-1", endpoint, maxAttempts: 1,
  credentials: { accessKeyId: "AKIDSDKCHECK", secretAccessKey: secret },
});
const batch = client();
let passed = 0, failed = 0;
async function check(name, body) {
  try {
    await body();
    passed++;
    console.log(`ok: ${name}`);
  } catch (error) {
    failed++;
    console.log(`FAIL: ${name}: ${error?.stack ?? error}`);
  }
}
function expect(condition, message) { if (!condition) throw new Error(message); }
async function expectError(promise, name, status) {
  try {
    await promise;
  } catch (error) {
    expect(error.name === name, `expected ${name}, got ${error.name}: ${error.message}`);
    expect(error.$metadata?.httpStatusCode === status, `expected HTTP ${status}, got ${error.$metadata?.httpStatusCode}`);
    return error;
  }
  throw new Error(`expected ${name}, got success`);
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function waitFor(jobId, status) {
  for (let i = 0; i < 500; i++) {
    const { jobs } = await batch.send(new DescribeJobsCommand({ jobs: [jobId] }));
    if (jobs[0]?.status === status) return jobs[0];
    await sleep(10);
  }
  throw new Error(`job ${jobId} never reached ${status}`);
}
const submit = (jobName, jobDefinition = "echo:1", extra = {}) => batch.send(new SubmitJobCommand({
  jobName, jobQueue: "sdk-queue", jobDefinition, ...extra,
}));

await check("SubmitJob answers jobId, jobName and jobArn", async () => {
  const out = await submit("sdk-job-1", "echo:1", {
    containerOverrides: { environment: [{ name: "_BATCH_START", value: "[\"a\"]" }] },
    tags: { "workflow-manager:job-id": "j1" },
  });
  expect(/^[0-9a-f-]{36}$/.test(out.jobId), `jobId ${out.jobId}`);
  expect(out.jobName === "sdk-job-1", `jobName ${out.jobName}`);
  expect(out.jobArn.startsWith("arn:aws:batch:eu-west-1:"), `jobArn ${out.jobArn}`);
});

await check("DescribeJobs follows the lifecycle to SUCCEEDED with the job's details", async () => {
  const { jobId } = await submit("sdk-job-2");
  const done = await waitFor(jobId, "SUCCEEDED");
  expect(done.jobName === "sdk-job-2" && done.jobQueue === "sdk-queue", "names");
  expect(done.container.exitCode === 0, `exitCode ${done.container.exitCode}`);
  expect(typeof done.createdAt === "number" && done.stoppedAt >= done.startedAt, "timestamps");
  expect(done.container.logStreamName && done.container.taskArn, "log stream and task ARN");
});

await check("a failing job ends FAILED with its exit code", async () => {
  const { jobId } = await submit("sdk-job-3", "fail");
  const done = await waitFor(jobId, "FAILED");
  expect(done.container.exitCode === 3, `exitCode ${done.container.exitCode}`);
});

await check("ListJobs filters by JOB_NAME and pages with nextToken", async () => {
  for (let i = 0; i < 3; i++) await submit("sdk-same-name");
  const ids = new Set();
  let nextToken, pages = 0;
  do {
    const out = await batch.send(new ListJobsCommand({
      jobQueue: "sdk-queue", maxResults: 2, nextToken,
      filters: [{ name: "JOB_NAME", values: ["sdk-same-name"] }],
    }));
    out.jobSummaryList.forEach((job) => { expect(job.jobName === "sdk-same-name", job.jobName); ids.add(job.jobId); });
    nextToken = out.nextToken;
    pages++;
  } while (nextToken);
  expect(ids.size === 3, `found ${ids.size}`);
  expect(pages >= 2, `pages ${pages}`);
});

await check("TerminateJob stops a running job; CancelJob a waiting one", async () => {
  const running = await submit("sdk-long", "long");
  await waitFor(running.jobId, "RUNNING");
  await batch.send(new TerminateJobCommand({ jobId: running.jobId, reason: "sdk says stop" }));
  const terminated = await waitFor(running.jobId, "FAILED");
  expect(terminated.statusReason === "sdk says stop", terminated.statusReason);
  const waiting = await submit("sdk-stuck", "stuck");
  await waitFor(waiting.jobId, "RUNNABLE");
  await batch.send(new CancelJobCommand({ jobId: waiting.jobId, reason: "sdk cancels" }));
  await waitFor(waiting.jobId, "FAILED");
});

await check("SubmitJob takes Step Functions' fields and DescribeJobs echoes them", async () => {
  const fields = {
    parameters: { input: "s3://bucket/key" },
    containerOverrides: {
      command: ["process", "Ref::input"],
      environment: [{ name: "MODE", value: "fast" }],
      resourceRequirements: [{ type: "VCPU", value: "1" }, { type: "MEMORY", value: "2048" }],
    },
    retryStrategy: { attempts: 3, evaluateOnExit: [{ onExitCode: "1*", action: "RETRY" }] },
    timeout: { attemptDurationSeconds: 120 },
    tags: { team: "data" },
    arrayProperties: { size: 4 },
  };
  const { jobId } = await submit("sdk-sfn-fields", "echo:1", fields);
  const { jobs: [job] } = await batch.send(new DescribeJobsCommand({ jobs: [jobId] }));
  expect(JSON.stringify(job.parameters) === JSON.stringify(fields.parameters), JSON.stringify(job.parameters));
  expect(job.container.command.join(" ") === "process s3://bucket/key", job.container.command);
  expect(job.container.environment[0].name === "MODE", JSON.stringify(job.container.environment));
  expect(job.container.resourceRequirements.length === 2, JSON.stringify(job.container.resourceRequirements));
  expect(job.retryStrategy.attempts === 3 && job.retryStrategy.evaluateOnExit[0].action === "RETRY",
         JSON.stringify(job.retryStrategy));
  expect(job.timeout.attemptDurationSeconds === 120, JSON.stringify(job.timeout));
  expect(job.tags.team === "data", JSON.stringify(job.tags));
  expect(job.arrayProperties.size === 4, JSON.stringify(job.arrayProperties));
});

await check("SubmitJob fields Batch refuses are a ClientException (HTTP 400)", async () => {
  for (const fields of [
    { timeout: { attemptDurationSeconds: 30 } },
    { retryStrategy: { attempts: 11 } },
    { arrayProperties: { size: 1 } },
    { containerOverrides: { resourceRequirements: [{ type: "CPU", value: "1" }] } },
    { containerOverrides: { environment: [{ name: "AWS_BATCH_JOB_ID", value: "x" }] } },
  ]) {
    await expectError(submit("sdk-refused", "echo:1", fields), "ClientException", 400);
  }
});

await check("a bad job name is a ClientException (HTTP 400)", async () => {
  const error = await expectError(submit("-bad name"), "ClientException", 400);
  expect(error instanceof ClientException, "not an instance of ClientException");
  expect(/Job name/.test(error.message), error.message);
});

await check("DescribeJobs refuses more than 100 ids", async () => {
  const jobs = Array.from({ length: 101 }, (_, i) => `id-${i}`);
  await expectError(batch.send(new DescribeJobsCommand({ jobs })), "ClientException", 400);
});

await check("more than 20 dependencies is a ClientException", async () => {
  const ids = [];
  for (let i = 0; i < 21; i++) ids.push((await submit(`sdk-dep-${i}`)).jobId);
  await expectError(submit("sdk-too-many-deps", "echo", { dependsOn: ids.map((jobId) => ({ jobId })) }),
                    "ClientException", 400);
});

await check("DescribeJobDefinitions by name and status pages with nextToken (SDK paginator)", async () => {
  const found = [];
  for await (const page of paginateDescribeJobDefinitions({ client: batch, pageSize: 2 },
                                                          { jobDefinitionName: "sdk-def", status: "ACTIVE" })) {
    expect(page.jobDefinitions.length <= 2, `page of ${page.jobDefinitions.length}`);
    found.push(...page.jobDefinitions);
  }
  expect(found.map((d) => d.revision).join(",") === "1,3,4,5", `revisions ${found.map((d) => d.revision)}`);
  const first = found[0];
  expect(first.jobDefinitionName === "sdk-def" && first.status === "ACTIVE" && first.type === "container",
         JSON.stringify(first));
  expect(first.jobDefinitionArn === "arn:aws:batch:eu-west-1:123456789012:job-definition/sdk-def:1",
         first.jobDefinitionArn);
  expect(typeof first.containerProperties.image === "string", "containerProperties.image");
});

await check("DescribeJobDefinitions by name:revision and ARN; unknown ones left out", async () => {
  const { jobDefinitions } = await batch.send(new DescribeJobDefinitionsCommand({
    jobDefinitions: ["sdk-def:2", "arn:aws:batch:eu-west-1:123456789012:job-definition/sdk-def:3", "nope:1"],
  }));
  expect(jobDefinitions.length === 2, `found ${jobDefinitions.length}`);
  expect(jobDefinitions[0].revision === 2 && jobDefinitions[0].status === "INACTIVE", JSON.stringify(jobDefinitions[0]));
  const none = await batch.send(new DescribeJobDefinitionsCommand({ jobDefinitionName: "nope", status: "ACTIVE" }));
  expect(none.jobDefinitions.length === 0 && none.nextToken === undefined, JSON.stringify(none));
});

await check("DescribeJobDefinitions refuses maxResults over 100 and jobDefinitions with other parameters", async () => {
  await expectError(batch.send(new DescribeJobDefinitionsCommand({ maxResults: 101 })), "ClientException", 400);
  await expectError(batch.send(new DescribeJobDefinitionsCommand({ maxResults: 0 })), "ClientException", 400);
  await expectError(batch.send(new DescribeJobDefinitionsCommand({ jobDefinitions: ["sdk-def:1"], status: "ACTIVE" })),
                    "ClientException", 400);
});

await check("a SubmitJob of 30 KiB or more is a ClientException, as Batch's job size limit", async () => {
  const error = await expectError(submit("sdk-big", "echo", {
    containerOverrides: { environment: [{ name: "_BATCH_START", value: "x".repeat(31 * 1024) }] },
  }), "ClientException", 400);
  expect(/Job size must be less than 30 KiB/.test(error.message), error.message);
});

await check("a wrong secret is refused: InvalidSignatureException (HTTP 403)", async () => {
  await expectError(client("wrong-secret").send(new DescribeJobsCommand({ jobs: [] })),
                    "InvalidSignatureException", 403);
});

await check("throttling is TooManyRequestsException (HTTP 429)", async () => {
  await fetch(`${endpoint}/_fake/config`, { method: "POST", body: JSON.stringify({ faults: { throttleRate: 1 } }) });
  try {
    await expectError(submit("sdk-throttled"), "TooManyRequestsException", 429);
  } finally {
    await fetch(`${endpoint}/_fake/config`, { method: "POST", body: JSON.stringify({ faults: {} }) });
  }
});

await check("a server error is ServerException (HTTP 500)", async () => {
  await fetch(`${endpoint}/_fake/config`, { method: "POST", body: JSON.stringify({ faults: { errorRate: 1 } }) });
  try {
    await expectError(submit("sdk-error"), "ServerException", 500);
  } finally {
    await fetch(`${endpoint}/_fake/config`, { method: "POST", body: JSON.stringify({ faults: {} }) });
  }
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
