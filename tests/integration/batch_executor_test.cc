// The engine with the AWS Batch executor, against the fake Batch over HTTP on loopback: whole
// workflows, failures, cancellation, faults, the 100-id limit, RUNNABLE warnings and adoption of a
// submission whose answer was lost.
#include "executor/batch/batch_executor.h"

#include <gtest/gtest.h>

#include <thread>

#include "api/http_server.h"
#include "engine/engine.h"
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

  void StartEngine() {
    executor_ = std::make_unique<BatchExecutor>(*client_, clock_, options_);
    engine_ = std::make_unique<Engine>(store_, *executor_, clock_, EngineOptions{50, 50});
    ASSERT_TRUE(engine_->Recover().ok());
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
  std::unique_ptr<Engine> engine_;
};

TEST_F(BatchExecutorTest, MapsBatchStatusesAsTheOriginalDid) {
  EXPECT_EQ(BatchExecutor::MapStatus("SUBMITTED"), TaskStatus::kCreated);
  EXPECT_EQ(BatchExecutor::MapStatus("PENDING"), TaskStatus::kWaitingForDeps);
  EXPECT_EQ(BatchExecutor::MapStatus("RUNNABLE"), TaskStatus::kQueued);
  EXPECT_EQ(BatchExecutor::MapStatus("STARTING"), TaskStatus::kQueued);
  EXPECT_EQ(BatchExecutor::MapStatus("RUNNING"), TaskStatus::kRunning);
  EXPECT_EQ(BatchExecutor::MapStatus("SUCCEEDED"), TaskStatus::kSucceeded);
  EXPECT_EQ(BatchExecutor::MapStatus("FAILED"), TaskStatus::kFailed);
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
  ASSERT_TRUE(engine_->CancelJob(running.id, "stop it", std::chrono::seconds(5)).ok());
  ASSERT_TRUE(engine_->CancelJob(waiting.id, "stop it", std::chrono::seconds(5)).ok());
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

}  // namespace
}  // namespace wfm
