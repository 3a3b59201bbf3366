// The engine with the AWS Batch executor, against the fake Batch over HTTP on loopback: whole
// workflows, failures, cancellation, faults, the 100-id limit, RUNNABLE warnings and adoption of a
// submission whose answer was lost.
#include "executor/batch/batch_executor.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "api/http_server.h"
#include "core/ids.h"
#include "engine/execution_engine.h"
#include "engine/job_rules.h"
#include "fake_batch/fake_batch.h"
#include "store/memory/memory_store.h"

namespace wfm {
namespace {

Workflow Chain(const std::string& first = "echo", const std::string& second = "echo:1") {
  Workflow w;
  w.id = "w";
  w.name = "hello";
  w.start_at = "start";
  w.states = {State{"start", "Task", "", "second", first, false},
              State{"second", "Task", "", "end", second, false},
              State{"end", "Task", "", "", "echo", true}};
  return w;
}

class BatchExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = HttpServer::Listen([this](const HttpRequest& r) { return fake_.Handle(r); },
                                 "127.0.0.1", 0, 8)
                  .value();
    client_options_.region = "eu-west-1";
    client_options_.endpoint = "http://127.0.0.1:" + std::to_string(server_->port());
    client_options_.base_backoff_ms = 5;
    client_options_.max_backoff_ms = 100;
    client_options_.max_attempts = 30;
    client_options_.submit_rate_per_second = 0;
    client_ = std::make_unique<BatchClient>(http_, credentials_, clock_, client_options_);
    options_.queue = "queue";
    options_.poll_interval_ms = 20;
    options_.resubmit_delay_ms = 20;
  }
  void TearDown() override {
    engine_.reset();
    executor_.reset();
  }

  // An executor alone, as a process that has just started (nothing submitted by it).
  void StartExecutor() { executor_ = std::make_unique<BatchExecutor>(*client_, clock_, options_); }

  // Submits a job straight to the fake, as an earlier process did before it crashed.
  std::string SubmitAsAnEarlierProcess(const std::string& name, const std::string& definition) {
    return client_
        ->SubmitJob(BatchSubmission{name, "queue", definition, {{"_BATCH_START", "[]"}}, {}})
        .value();
  }

  // Describes `id` until `done` holds (a bounded wait, not a timing assertion).
  TaskObservation WaitForObservation(const std::string& id,
                                     const std::function<bool(const TaskObservation&)>& done) {
    TaskObservation seen;
    for (int i = 0; i < 6000; ++i) {
      seen = executor_->Describe({id})[0];
      if (done(seen)) return seen;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "task " << id << " never reached the expected state: " << seen.status_reason;
    return seen;
  }

  void StartEngine() {
    executor_ = std::make_unique<BatchExecutor>(*client_, clock_, options_);
    engine_ = std::make_unique<ExecutionEngine>(store_, *executor_, clock_,
                                                ExecutionEngineOptions{1.0, 50, 50});
    engine_->Start();
  }

  // Polls the stored job until `done` holds (a bounded wait, not a timing assertion).
  Job WaitForJob(const std::string& id, const std::function<bool(const Job&)>& done) {
    for (int i = 0; i < 6000; ++i) {
      auto job = store_.GetJob(id);
      if (job.ok() && done(job.value())) return job.value();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "job " << id << " never reached the expected state";
    return store_.GetJob(id).value();
  }
  static bool Finished(const Job& job) { return IsTerminal(job.status); }

  SystemClock clock_;
  FakeBatch fake_{clock_, "AKIDTEST", "test-secret", "eu-west-1"};
  std::unique_ptr<HttpServer> server_;
  CurlHttpClient http_;
  StaticCredentialsProvider credentials_{AwsCredentials{"AKIDTEST", "test-secret", "", 0}};
  BatchClientOptions client_options_;
  std::unique_ptr<BatchClient> client_;
  BatchExecutorOptions options_;
  MemoryStore store_;
  std::unique_ptr<BatchExecutor> executor_;
  std::unique_ptr<ExecutionEngine> engine_;
};

TEST_F(BatchExecutorTest, MapsBatchStatusesToTheObservationContract) {
  for (const char* waiting : {"SUBMITTED", "PENDING", "RUNNABLE", "STARTING"}) {
    EXPECT_EQ(BatchExecutor::MapStatus(waiting), TaskStatus::kQueued) << waiting;
  }
  EXPECT_EQ(BatchExecutor::MapStatus("RUNNING"), TaskStatus::kRunning);
  EXPECT_EQ(BatchExecutor::MapStatus("SUCCEEDED"), TaskStatus::kSucceeded);
  EXPECT_EQ(BatchExecutor::MapStatus("FAILED"), TaskStatus::kFailed);
}

TEST_F(BatchExecutorTest, ObservationsAreOnlyQueuedRunningSucceededOrFailed) {
  fake_.SetOutcome("echo", FakeBatchOutcome{0, 200, ""});
  fake_.SetStateDurations(100, 100, 100);  // SUBMITTED, RUNNABLE and STARTING are each seen
  StartExecutor();
  TaskSpec spec{"obs-0-1", "", "echo", {}, true};
  ASSERT_TRUE(executor_->Submit(spec).ok());
  std::set<TaskStatus> seen;
  for (int i = 0; i < 3000; ++i) {
    TaskObservation now = executor_->Describe({"obs-0-1"})[0];
    seen.insert(now.status);
    if (IsTerminal(now.status)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(seen, (std::set<TaskStatus>{TaskStatus::kQueued, TaskStatus::kRunning,
                                        TaskStatus::kSucceeded}));
}

TEST_F(BatchExecutorTest, RunsAWorkflowOnBatch) {
  fake_.SetOutcome("echo", FakeBatchOutcome{0, 30, ""});
  StartEngine();
  Job job = engine_->StartJob(Chain(), R"(["arg1","arg2"])").value();
  Job done = WaitForJob(job.id, Finished);
  ASSERT_EQ(done.status, JobStatus::kSucceeded);
  for (const Task& task : done.tasks) {
    EXPECT_EQ(task.status, TaskStatus::kSucceeded) << task.state;
    auto detail = fake_.Job(task.id);  // the task's id is the Batch job id
    ASSERT_FALSE(detail.is_null()) << task.id;
    EXPECT_EQ(detail["jobName"], TaskAttemptName(done, task));
    EXPECT_EQ(detail["tags"]["workflow-manager:job-id"], job.id);
    EXPECT_EQ(detail["tags"]["workflow-manager:state"], task.state);
    EXPECT_NE(task.container.find("arn:aws:ecs:"), std::string::npos);
    EXPECT_EQ(task.exit_code, 0);
    EXPECT_NE(task.started_at, 0);
  }
  auto second = fake_.Job(done.tasks[1].id);
  EXPECT_EQ(second["jobDefinition"], "echo:1");
  std::map<std::string, std::string> env;
  for (const auto& var : second["container"]["environment"]) env[var["name"]] = var["value"];
  EXPECT_EQ(env["_BATCH_START"], R"(["arg1","arg2"])");
  EXPECT_EQ(env["_BATCH_DEPENDENCIES"], done.tasks[0].id);
}

TEST_F(BatchExecutorTest, AFailedTaskAbortsItsDependents) {
  fake_.SetOutcome("fail", FakeBatchOutcome{3, 0, ""});
  StartEngine();
  Job done = WaitForJob(engine_->StartJob(Chain("fail"), "[]")->id, Finished);
  EXPECT_EQ(done.status, JobStatus::kFailed);
  EXPECT_EQ(done.tasks[0].status, TaskStatus::kFailed);
  EXPECT_EQ(done.tasks[0].exit_code, 3);
  EXPECT_EQ(done.tasks[1].status, TaskStatus::kAbortedDepsFailed);
  EXPECT_EQ(done.tasks[2].status, TaskStatus::kAbortedDepsFailed);
}

TEST_F(BatchExecutorTest, AnUnknownJobDefinitionFailsTheTaskWithAwsMessage) {
  fake_.SetOutcome("echo", FakeBatchOutcome{});
  StartEngine();
  Job done = WaitForJob(engine_->StartJob(Chain("unregistered"), "[]")->id, Finished);
  EXPECT_EQ(done.status, JobStatus::kFailed);
  EXPECT_NE(done.tasks[0].status_reason.find("ClientException"), std::string::npos)
      << done.tasks[0].status_reason;
  EXPECT_NE(done.tasks[0].status_reason.find("unregistered"), std::string::npos);
  EXPECT_EQ(done.tasks[1].status, TaskStatus::kAbortedDepsFailed);
}

TEST_F(BatchExecutorTest, CancelTerminatesRunningAndCancelsWaitingJobs) {
  fake_.SetOutcome("long", FakeBatchOutcome{0, 600000, ""});
  fake_.SetOutcome("stuck", FakeBatchOutcome{0, 0, "waiting for capacity"});
  StartEngine();
  Job running = engine_->StartJob(Chain("long"), "[]").value();
  Job waiting = engine_->StartJob(Chain("stuck"), "[]").value();
  running = WaitForJob(running.id,
                       [](const Job& j) { return j.tasks[0].status == TaskStatus::kRunning; });
  waiting = WaitForJob(waiting.id, [](const Job& j) {
    return j.tasks[0].status == TaskStatus::kQueued && !j.tasks[0].status_reason.empty() &&
           j.tasks[0].id.find('-') != std::string::npos && j.tasks[0].started_at == 0 &&
           j.tasks[0].container.empty() && j.tasks[0].status_reason == "waiting for capacity";
  });
  ASSERT_TRUE(engine_->CancelJob(running.id, "stop it").ok());
  ASSERT_TRUE(engine_->CancelJob(waiting.id, "stop it").ok());
  EXPECT_EQ(store_.GetJob(running.id)->status, JobStatus::kCancelled);
  for (int i = 0; i < 500 && (fake_.Terminated().empty() || fake_.Cancelled().empty()); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(fake_.Terminated(), std::vector<std::string>{running.tasks[0].id});
  EXPECT_EQ(fake_.Cancelled(), std::vector<std::string>{waiting.tasks[0].id});
  EXPECT_EQ(fake_.Job(running.tasks[0].id)["statusReason"], "stop it");
}

TEST_F(BatchExecutorTest, WarnsAboutJobsStuckInRunnable) {
  fake_.SetOutcome(
      "stuck", FakeBatchOutcome{0, 0,
                                "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - The job resource "
                                "requirement (vCPU/memory/GPU) is higher than that can be met"});
  options_.runnable_warning_ms = 0;
  StartEngine();
  Job job = engine_->StartJob(Chain("stuck"), "[]").value();
  Job warned = WaitForJob(job.id, [](const Job& j) {
    return j.tasks[0].status_reason.find("RUNNABLE for") != std::string::npos;
  });
  EXPECT_NE(warned.tasks[0].status_reason.find("MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT"),
            std::string::npos);
  EXPECT_NE(warned.tasks[0].status_reason.find("queue queue"), std::string::npos);
}

TEST_F(BatchExecutorTest, ManyJobsThroughThrottlingErrorsAndDroppedConnections) {
  fake_.SetOutcome("echo", FakeBatchOutcome{0, 0, ""});
  fake_.SetFaults(FakeBatchFaults{0.20, 0.05, 0.02, 0});
  StartEngine();
  std::vector<std::string> ids;
  for (int i = 0; i < 200; ++i) ids.push_back(engine_->StartJob(Chain(), "[]")->id);
  int succeeded = 0;
  for (const auto& id : ids) succeeded += WaitForJob(id, Finished).status == JobStatus::kSucceeded;
  EXPECT_EQ(succeeded, 200);
  EXPECT_EQ(fake_.DuplicateSubmissions(), 0);
  EXPECT_LE(fake_.MaxDescribeIds(), 100u);
}

TEST_F(BatchExecutorTest, NeverDescribesMoreThanOneHundredIdsAtOnce) {
  fake_.SetOutcome("long", FakeBatchOutcome{0, 600000, ""});
  StartEngine();
  std::vector<std::string> ids;
  for (int i = 0; i < 250; ++i) ids.push_back(engine_->StartJob(Chain("long"), "[]")->id);
  for (const auto& id : ids) {
    WaitForJob(id, [](const Job& j) { return j.tasks[0].status == TaskStatus::kRunning; });
  }
  EXPECT_EQ(fake_.MaxDescribeIds(), 100u);
}

TEST_F(BatchExecutorTest, AdoptsASubmissionWhoseAnswerWasLostInsteadOfSubmittingAgain) {
  fake_.SetOutcome("echo", FakeBatchOutcome{0, 0, ""});
  fake_.SetSubmitDelay(1500);  // the job exists in Batch; its id reaches nobody
  StartEngine();
  Job job = engine_->StartJob(Chain(), "[]").value();
  job = WaitForJob(job.id, [](const Job& j) { return j.tasks[0].submit_intent; });
  std::string name = TaskAttemptName(job, job.tasks[0]);
  for (int i = 0; i < 500 && fake_.SubmitCount(name) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(fake_.SubmitCount(name), 1);
  engine_.reset();  // the service goes away before the answer arrives
  fake_.SetSubmitDelay(0);
  executor_.reset();
  EXPECT_NE(store_.GetJob(job.id)->tasks[0].id.size(), 36u);  // no Batch job id was stored

  StartEngine();  // a new process: the stored intent is not fresh, so it is looked up by name
  Job done = WaitForJob(job.id, Finished);
  EXPECT_EQ(done.status, JobStatus::kSucceeded);
  EXPECT_EQ(fake_.SubmitCount(name), 1);
  EXPECT_EQ(fake_.DuplicateSubmissions(), 0);
  EXPECT_GE(fake_.Calls("ListJobs"), 1);
}

// Terminate after a restart: the executor never saw the job, the engine gives it the Batch job id.
TEST_F(BatchExecutorTest, AFreshExecutorTerminatesABatchJobItNeverSaw) {
  fake_.SetOutcome("long", FakeBatchOutcome{0, 600000, ""});
  std::string batch_id = SubmitAsAnEarlierProcess("earlier-0-1", "long");
  for (int i = 0; i < 500 && fake_.Job(batch_id)["status"] != "RUNNING"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(fake_.Job(batch_id)["status"], "RUNNING");
  fake_.SetFaults(FakeBatchFaults{1.0, 0, 0, 0});  // AWS throttles everything for a while
  client_options_.max_attempts = 2;
  client_ = std::make_unique<BatchClient>(http_, credentials_, clock_, client_options_);
  StartExecutor();
  EXPECT_EQ(executor_->Terminate({batch_id}, "cancel pending at the crash"),
            std::vector<std::string>{batch_id});
  for (int i = 0; i < 500 && client_->CallCounts()["TerminateJob"] < 4; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_GE(client_->CallCounts()["TerminateJob"], 4);  // it kept trying on its own
  fake_.SetFaults(FakeBatchFaults{});
  TaskObservation stopped =
      WaitForObservation(batch_id, [](const TaskObservation& o) { return IsTerminal(o.status); });
  EXPECT_EQ(stopped.status, TaskStatus::kFailed);
  EXPECT_EQ(stopped.status_reason, "cancel pending at the crash");
  EXPECT_EQ(stopped.stopped_at, fake_.Job(batch_id)["stoppedAt"].get<int64_t>());
  EXPECT_NE(stopped.started_at, 0);
  EXPECT_EQ(fake_.Terminated(), std::vector<std::string>{batch_id});
  EXPECT_EQ(fake_.Job(batch_id)["status"], "FAILED");
}

// Terminate of an attempt whose submission was in flight at the crash: found by name, stopped;
// an attempt that never reached Batch is reported terminal and never submitted.
TEST_F(BatchExecutorTest, AFreshExecutorTerminatesAttemptsByName) {
  fake_.SetOutcome("stuck", FakeBatchOutcome{0, 0, "waiting for capacity"});
  std::string batch_id = SubmitAsAnEarlierProcess("inflight-0-1", "stuck");
  for (int i = 0; i < 500 && fake_.Job(batch_id)["status"] != "RUNNABLE"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  StartExecutor();
  std::vector<std::string> ids{"inflight-0-1", "never-0-1"};
  EXPECT_EQ(executor_->Terminate(ids, "stop"), ids);
  TaskObservation found = WaitForObservation(
      "inflight-0-1", [](const TaskObservation& o) { return IsTerminal(o.status); });
  EXPECT_EQ(found.new_id, batch_id);
  EXPECT_EQ(found.status, TaskStatus::kFailed);
  EXPECT_NE(found.stopped_at, 0);
  EXPECT_EQ(fake_.Cancelled(), std::vector<std::string>{batch_id})  // before it started
      << fake_.Stats().dump();
  TaskObservation never = WaitForObservation(
      "never-0-1", [](const TaskObservation& o) { return IsTerminal(o.status); });
  EXPECT_EQ(never.status, TaskStatus::kFailed);
  EXPECT_NE(never.stopped_at, 0);
  EXPECT_NE(never.status_reason.find("terminated before it was submitted"), std::string::npos);
  EXPECT_EQ(fake_.SubmitCount("never-0-1"), 0);
  EXPECT_EQ(fake_.SubmitCount("inflight-0-1"), 1);
}

TEST_F(BatchExecutorTest, ForgetsFinishedTasksAndPollsOnlyActiveOnes) {
  fake_.SetOutcome("echo", FakeBatchOutcome{0, 0, ""});
  fake_.SetOutcome("long", FakeBatchOutcome{0, 600000, ""});
  StartEngine();
  std::vector<std::string> finished;
  std::vector<std::string> ids;
  for (int i = 0; i < 30; ++i) ids.push_back(engine_->StartJob(Chain(), "[]")->id);
  for (const auto& id : ids) {
    Job done = WaitForJob(id, Finished);
    ASSERT_EQ(done.status, JobStatus::kSucceeded);
    for (const Task& task : done.tasks) finished.push_back(task.id);
  }
  for (int i = 0; i < 500 && executor_->AttemptCount() != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(executor_->AttemptCount(), 0u);  // 90 attempts, all reported terminal: none kept

  std::map<std::string, int> described;
  for (const auto& id : finished) described[id] = fake_.DescribeCount(id);
  Job active = engine_->StartJob(Chain("long"), "[]").value();
  active =
      WaitForJob(active.id, [](const Job& j) { return j.tasks[0].status == TaskStatus::kRunning; });
  int64_t sweeps = executor_->PollSweeps();
  for (int i = 0; i < 500 && executor_->PollSweeps() < sweeps + 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(executor_->PollSweeps(), sweeps + 5);
  EXPECT_GE(fake_.DescribeCount(active.tasks[0].id), 5);
  for (const auto& id : finished) EXPECT_EQ(fake_.DescribeCount(id), described[id]) << id;
  EXPECT_EQ(executor_->AttemptCount(), 1u);
}

TEST_F(BatchExecutorTest, ForgetsTerminalAttemptsNobodyAsksAbout) {
  fake_.SetOutcome("echo", FakeBatchOutcome{0, 0, ""});
  options_.forget_terminal_after_ms = 0;
  StartExecutor();
  ASSERT_TRUE(executor_->Submit(TaskSpec{"unasked-0-1", "", "echo", {}, true}).ok());
  for (int i = 0; i < 500 && executor_->AttemptCount() != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(executor_->AttemptCount(), 0u);
}

// A credentials provider that has nothing until `found` is set, as the standard chain on a
// machine without any credentials.
class LateCredentials : public CredentialsProvider {
 public:
  Result<AwsCredentials> Get() override {
    if (found) return AwsCredentials{"AKIDTEST", "test-secret", "", 0};
    return nowhere_.Get();
  }
  std::atomic<bool> found{false};

 private:
  CurlHttpClient http_;
  SystemClock clock_;
  DefaultCredentialsChain nowhere_{[](const std::string& name) -> std::optional<std::string> {
                                     if (name == "AWS_EC2_METADATA_DISABLED") return "true";
                                     if (name == "HOME") return "/nonexistent";
                                     return std::nullopt;
                                   },
                                   http_, clock_};
};

TEST_F(BatchExecutorTest, MissingCredentialsShowInHealthAndInTheWaitingTasksReason) {
  fake_.SetOutcome("echo", FakeBatchOutcome{0, 0, ""});
  LateCredentials credentials;
  client_ = std::make_unique<BatchClient>(http_, credentials, clock_, client_options_);
  StartExecutor();
  EXPECT_TRUE(executor_->Health().ok());
  ASSERT_TRUE(executor_->Submit(TaskSpec{"nocreds-0-1", "", "echo", {}, true}).ok());
  TaskObservation waiting = WaitForObservation(
      "nocreds-0-1", [](const TaskObservation& o) { return !o.status_reason.empty(); });
  EXPECT_EQ(waiting.status, TaskStatus::kQueued);
  EXPECT_NE(waiting.status_reason.find("AWS Batch: no AWS credentials found"), std::string::npos)
      << waiting.status_reason;
  Status health = executor_->Health();
  ASSERT_FALSE(health.ok());
  EXPECT_EQ(health.error().message, waiting.status_reason);

  credentials.found = true;  // the operator fixes it: the task goes on, health is ok again
  TaskObservation done = WaitForObservation(
      "nocreds-0-1", [](const TaskObservation& o) { return IsTerminal(o.status); });
  EXPECT_EQ(done.status, TaskStatus::kSucceeded);
  EXPECT_TRUE(executor_->Health().ok());
  EXPECT_EQ(fake_.SubmitCount("nocreds-0-1"), 1);
}

TEST_F(BatchExecutorTest, RefusedCredentialsShowInHealth) {
  StaticCredentialsProvider wrong(AwsCredentials{"AKIDTEST", "wrong-secret", "", 0});
  client_ = std::make_unique<BatchClient>(http_, wrong, clock_, client_options_);
  StartExecutor();
  ASSERT_TRUE(executor_->Submit(TaskSpec{"wrong-0-1", "", "echo", {}, true}).ok());
  TaskObservation waiting = WaitForObservation(
      "wrong-0-1", [](const TaskObservation& o) { return !o.status_reason.empty(); });
  EXPECT_EQ(waiting.status, TaskStatus::kQueued);  // waits for the operator, does not fail
  EXPECT_NE(waiting.status_reason.find("InvalidSignatureException"), std::string::npos);
  ASSERT_FALSE(executor_->Health().ok());
  EXPECT_NE(executor_->Health().error().message.find("credentials refused"), std::string::npos);
  EXPECT_EQ(executor_->Health().error().message.find("wrong-secret"), std::string::npos);
}

TEST_F(BatchExecutorTest, AnUnreachableEndpointShowsInHealth) {
  client_options_.endpoint = "http://127.0.0.1:1";  // nothing listens there
  client_options_.max_attempts = 2;
  client_ = std::make_unique<BatchClient>(http_, credentials_, clock_, client_options_);
  StartExecutor();
  ASSERT_TRUE(executor_->Submit(TaskSpec{"away-0-1", "", "echo", {}, true}).ok());
  TaskObservation waiting = WaitForObservation(
      "away-0-1", [](const TaskObservation& o) { return !o.status_reason.empty(); });
  EXPECT_EQ(waiting.status, TaskStatus::kQueued);
  ASSERT_FALSE(executor_->Health().ok());
  EXPECT_NE(executor_->Health().error().message.find("does not answer"), std::string::npos);
}

TEST_F(BatchExecutorTest, ChecksResourcesWithDescribeJobDefinitions) {
  fake_.RegisterJobDefinition("echo", 1, "ACTIVE");
  fake_.RegisterJobDefinition("echo", 2, "INACTIVE");
  fake_.RegisterJobDefinition("retired", 1, "INACTIVE");
  StartExecutor();
  EXPECT_TRUE(executor_->CheckResource("echo").ok());
  EXPECT_TRUE(executor_->CheckResource("echo:1").ok());
  for (const char* bad : {"echo:2", "echo:3", "retired", "ehco"}) {
    Status checked = executor_->CheckResource(bad);
    ASSERT_FALSE(checked.ok()) << bad;
    EXPECT_EQ(checked.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(checked.error().message.find("'" + std::string(bad) + "'"), std::string::npos)
        << checked.error().message;
  }
  EXPECT_NE(executor_->CheckResource("echo:2").error().message.find("INACTIVE"), std::string::npos);
  int calls = fake_.Calls("DescribeJobDefinitions");
  EXPECT_TRUE(executor_->CheckResource("echo").ok());  // remembered
  EXPECT_EQ(fake_.Calls("DescribeJobDefinitions"), calls);
}

TEST_F(BatchExecutorTest, AResourceIsAcceptedWhenBatchCannotBeAsked) {
  fake_.RegisterJobDefinition("echo", 1, "ACTIVE");
  fake_.SetFaults(FakeBatchFaults{1.0, 0, 0, 0});
  options_.check_resource_timeout_ms = 300;  // the client alone would try 30 times
  StartExecutor();
  EXPECT_TRUE(executor_->CheckResource("anything").ok());
  EXPECT_LT(client_->CallCounts()["DescribeJobDefinitions"], 30);  // the deadline stopped it
  executor_.reset();
  client_options_.endpoint = "http://127.0.0.1:1";
  client_ = std::make_unique<BatchClient>(http_, credentials_, clock_, client_options_);
  StartExecutor();
  EXPECT_TRUE(executor_->CheckResource("anything").ok());
}

// A policy without batch:DescribeJobDefinitions must not make the service look unhealthy.
TEST_F(BatchExecutorTest, ACheckRefusedByBatchAcceptsTheResourceAndLeavesHealthAlone) {
  StaticCredentialsProvider wrong(AwsCredentials{"AKIDTEST", "wrong-secret", "", 0});
  client_ = std::make_unique<BatchClient>(http_, wrong, clock_, client_options_);
  StartExecutor();
  EXPECT_TRUE(executor_->CheckResource("echo:1").ok());
  EXPECT_EQ(fake_.Calls("DescribeJobDefinitions"), 0);  // refused before it was served
  EXPECT_TRUE(executor_->Health().ok());
}

// The largest data MaxDataBytes allows, of the worst kind for escaping, reaches a task that runs.
TEST_F(BatchExecutorTest, TheLargestDataAllowedRunsOnBatch) {
  fake_.SetOutcome("echo", FakeBatchOutcome{0, 0, ""});
  StartEngine();
  size_t max = executor_->MaxDataBytes();
  EXPECT_GE(max, 3000u);
  std::string data = "[\"";
  while (data.size() + 2 + 2 <= max) data += "\\\"";  // each '\"' doubles when escaped again
  data += "\"]";
  ASSERT_EQ(data.size(), max);
  Workflow workflow = Chain();
  workflow.name = std::string(100, 'w');
  workflow.states[0].name = std::string(100, 's');
  workflow.start_at = workflow.states[0].name;
  Job done = WaitForJob(engine_->StartJob(workflow, data)->id, Finished);
  EXPECT_EQ(done.status, JobStatus::kSucceeded) << done.tasks[0].status_reason;
  auto detail = fake_.Job(done.tasks[0].id);
  EXPECT_EQ(detail["container"]["environment"][0]["value"], data);
}

TEST_F(BatchExecutorTest, DataThatCannotFitFailsTheTaskBeforeSubmission) {
  fake_.SetOutcome("echo", FakeBatchOutcome{0, 0, ""});
  StartEngine();
  std::string data = "[\"" + std::string(8000, 'x') + "\"]";
  Job done = WaitForJob(engine_->StartJob(Chain(), data)->id, Finished);
  EXPECT_EQ(done.status, JobStatus::kFailed);
  EXPECT_NE(done.tasks[0].status_reason.find("container overrides"), std::string::npos)
      << done.tasks[0].status_reason;
  EXPECT_EQ(fake_.Calls("SubmitJob"), 0);
}

}  // namespace
}  // namespace wfm

namespace wfm {
namespace {

// Step Functions tasks (batch:submitJob): TaskSpec::submit_job and description_json.

TaskSpec StepFunctionsSpec(nlohmann::json submit_job) {
  TaskSpec spec{"sfn-" + NewUuid(), "", "echo:1", {{"WORKFLOW_MANAGER_JOB_ID", "exec-1"}}};
  spec.fresh = true;
  spec.submit_job = std::move(submit_job);
  return spec;
}

// The Batch job id of a task the executor has submitted (the fake knows it by name).
std::string BatchIdOf(FakeBatch& fake, BatchClient& client, const std::string& queue,
                      const std::string& name) {
  for (int i = 0; i < 6000; ++i) {
    if (fake.SubmitCount(name) > 0) {
      auto found = client.ListJobsByName(queue, name);
      if (found.ok() && !found->empty()) return found->front().id;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << name << " was never submitted";
  return "";
}

TEST_F(BatchExecutorTest, SubmitJobFieldsReachBatchAsSentAndTheDescriptionIsBatchs) {
  fake_.SetOutcome("echo", FakeBatchOutcome{0, 0, ""});
  StartExecutor();
  auto fields = nlohmann::json::parse(R"({
    "jobName": "not-used", "jobDefinition": "not-used", "jobQueue": "step-functions-queue",
    "parameters": {"input": "s3://bucket/key"},
    "containerOverrides": {"command": ["process", "Ref::input"],
                           "environment": [{"name": "MODE", "value": "fast"}],
                           "resourceRequirements": [{"type": "VCPU", "value": "2"}]},
    "retryStrategy": {"attempts": 2},
    "timeout": {"attemptDurationSeconds": 600},
    "tags": {"team": "data"},
    "arrayProperties": {"size": 2}})");
  TaskSpec spec = StepFunctionsSpec(fields);
  ASSERT_TRUE(executor_->Submit(spec).ok());
  std::string batch_id = BatchIdOf(fake_, *client_, "step-functions-queue", spec.name);
  auto seen =
      WaitForObservation(spec.name, [](const TaskObservation& o) { return IsTerminal(o.status); });
  ASSERT_EQ(seen.status, TaskStatus::kSucceeded) << seen.status_reason;

  auto request = fake_.Request(batch_id);
  EXPECT_EQ(request["jobName"], spec.name);  // the attempt's name: the idempotency key
  EXPECT_EQ(request["jobDefinition"], "echo:1");
  EXPECT_EQ(request["jobQueue"], "step-functions-queue");
  for (const char* member : {"parameters", "retryStrategy", "timeout", "arrayProperties"}) {
    EXPECT_EQ(request[member], fields[member]) << member;
  }
  EXPECT_EQ(request["containerOverrides"]["command"], fields["containerOverrides"]["command"]);
  EXPECT_EQ(request["containerOverrides"]["resourceRequirements"],
            fields["containerOverrides"]["resourceRequirements"]);
  EXPECT_EQ(request["containerOverrides"]["environment"], nlohmann::json::parse(R"([
    {"name": "MODE", "value": "fast"}, {"name": "WORKFLOW_MANAGER_JOB_ID", "value": "exec-1"}])"));
  EXPECT_EQ(request["tags"],
            nlohmann::json::parse(R"({"team": "data", "workflow-manager:job-id": "exec-1"})"));

  auto description = nlohmann::json::parse(seen.description_json);
  EXPECT_EQ(description, fake_.Job(batch_id));  // as Batch describes it, nothing added
  EXPECT_EQ(description["jobId"], batch_id);
  EXPECT_EQ(description["status"], "SUCCEEDED");
  EXPECT_EQ(description["container"]["exitCode"], 0);
  EXPECT_EQ(description["container"]["command"], nlohmann::json({"process", "s3://bucket/key"}));
}

TEST_F(BatchExecutorTest, AFailedJobsDescriptionSaysWhy) {
  fake_.SetOutcome("fail", FakeBatchOutcome{3, 0, ""});
  StartExecutor();
  TaskSpec spec = StepFunctionsSpec(nlohmann::json::object());
  spec.resource = "fail";
  ASSERT_TRUE(executor_->Submit(spec).ok());
  auto seen =
      WaitForObservation(spec.name, [](const TaskObservation& o) { return IsTerminal(o.status); });
  ASSERT_EQ(seen.status, TaskStatus::kFailed);
  auto description = nlohmann::json::parse(seen.description_json);
  EXPECT_EQ(description["status"], "FAILED");
  EXPECT_EQ(description["container"]["exitCode"], 3);
  EXPECT_EQ(description["jobQueue"], "queue");  // the configured one, when none is given
}

TEST_F(BatchExecutorTest, V1TasksCarryNoDescription) {
  fake_.SetOutcome("echo", FakeBatchOutcome{0, 0, ""});
  StartExecutor();
  TaskSpec spec = StepFunctionsSpec(nullptr);
  ASSERT_TRUE(executor_->Submit(spec).ok());
  auto seen =
      WaitForObservation(spec.name, [](const TaskObservation& o) { return IsTerminal(o.status); });
  EXPECT_EQ(seen.status, TaskStatus::kSucceeded);
  EXPECT_EQ(seen.description_json, "");
}

TEST_F(BatchExecutorTest, MalformedSubmitJobFieldsAreRefusedAtSubmitAndNothingIsSent) {
  StartExecutor();
  const char* bad[] = {
      R"("a string")",
      R"({"jobQueue": ""})",
      R"({"jobQueue": 7})",
      R"({"parameters": {"a": 1}})",
      R"({"containerOverrides": {"command": ["echo", ""]}})",
      R"({"containerOverrides": {"command": "echo"}})",
      R"({"containerOverrides": {"environment": [{"name": "AWS_BATCH_JOB_ID", "value": "x"}]}})",
      R"({"containerOverrides": {"environment": [{"name": 1, "value": "x"}]}})",
      R"({"containerOverrides": {"resourceRequirements": [{"type": "CPU", "value": "1"}]}})",
      R"({"retryStrategy": {"attempts": 11}})",
      R"({"retryStrategy": {"evaluateOnExit": [{"action": "RETRY"}]}})",
      R"({"retryStrategy": {"attempts": 2, "evaluateOnExit": [{"action": "SKIP"}]}})",
      R"({"timeout": {"attemptDurationSeconds": 59}})",
      R"({"tags": {"aws:x": "y"}})",
      R"({"tags": {"k": 1}})",
      R"({"arrayProperties": {"size": 1}})",
      R"({"arrayProperties": {"size": 10001}})",
      R"({"propagateTags": "true"})",
      R"({"schedulingPriorityOverride": -1})",
  };
  for (const char* fields : bad) {
    TaskSpec spec = StepFunctionsSpec(nlohmann::json::parse(fields));
    auto submitted = executor_->Submit(spec);
    ASSERT_FALSE(submitted.ok()) << fields;
    EXPECT_EQ(submitted.error().code, ErrorCode::kInvalidArgument) << fields;
    EXPECT_EQ(submitted.error().message.rfind("SubmitJob parameters", 0), 0)
        << submitted.error().message;
  }
  TaskSpec function = StepFunctionsSpec(nullptr);
  function.function_input = "{}";
  auto submitted = executor_->Submit(function);
  ASSERT_FALSE(submitted.ok());
  EXPECT_EQ(submitted.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(submitted.error().message, "local functions run only with the local executor");
  TaskSpec huge =
      StepFunctionsSpec({{"parameters", {{"blob", std::string(kBatchMaxSubmitBytes, 'x')}}}});
  submitted = executor_->Submit(huge);
  ASSERT_FALSE(submitted.ok());
  EXPECT_EQ(submitted.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(submitted.error().message.find("30720"), std::string::npos)
      << submitted.error().message;
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // nothing is on its way either
  EXPECT_EQ(fake_.Calls("SubmitJob"), 0);
}

TEST_F(BatchExecutorTest, WhatOnlyBatchRefusesFailsTheTaskWithBatchsMessage) {
  StartExecutor();
  // Well-formed, but not for a single-node container job: only Batch knows.
  TaskSpec spec = StepFunctionsSpec({{"containerOverrides", {{"instanceType", "m5.large"}}}});
  ASSERT_TRUE(executor_->Submit(spec).ok());
  auto seen =
      WaitForObservation(spec.name, [](const TaskObservation& o) { return IsTerminal(o.status); });
  EXPECT_EQ(seen.status, TaskStatus::kFailed);
  EXPECT_NE(seen.status_reason.find("ClientException"), std::string::npos) << seen.status_reason;
  EXPECT_NE(seen.status_reason.find("instanceType"), std::string::npos) << seen.status_reason;
}

TEST_F(BatchExecutorTest, AnAttemptInheritedFromAnEarlierProcessIsFoundInItsOwnQueue) {
  fake_.SetOutcome("echo", FakeBatchOutcome{0, 0, ""});
  TaskSpec spec = StepFunctionsSpec({{"jobQueue", "step-functions-queue"}});
  BatchSubmission earlier{spec.name, "step-functions-queue", "echo:1", {}, {}};
  ASSERT_TRUE(client_->SubmitJob(earlier).ok());  // submitted before a crash; its id was lost
  StartExecutor();
  spec.fresh = false;
  ASSERT_TRUE(executor_->Submit(spec).ok());
  auto seen =
      WaitForObservation(spec.name, [](const TaskObservation& o) { return IsTerminal(o.status); });
  EXPECT_EQ(seen.status, TaskStatus::kSucceeded) << seen.status_reason;
  EXPECT_EQ(fake_.SubmitCount(spec.name), 1);  // adopted, never submitted again
}

}  // namespace
}  // namespace wfm
