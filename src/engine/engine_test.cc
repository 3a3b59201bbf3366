// v1 jobs on the one engine: each runs as an execution whose job the v1 API reads.
#include <gtest/gtest.h>

#include <thread>

#include "engine/execution_engine.h"
#include "engine/job_execution.h"
#include "engine/job_rules.h"
#include "engine/task_stop_record.h"
#include "executor/fake/fake_executor.h"
#include "store/memory/memory_store.h"

namespace wfm {
namespace {

Workflow Chain() {
  Workflow w;
  w.id = "w";
  w.name = "hello";
  w.start_at = "start";
  w.states = {State{"start", "Task", "", "second", "echo", false},
              State{"second", "Task", "", "end", "echo:1", false},
              State{"end", "Task", "", "", "echo", true}};
  return w;
}

std::string EnvOf(const TaskSpec& spec, const std::string& key) {
  for (const auto& [k, v] : spec.environment) {
    if (k == key) return v;
  }
  return "<unset>";
}

// Run twice: with every execution held whole, and with none held whole while it waits (each is
// read from the store again when something happens to it; see max_resident_executions).
class EngineTest : public ::testing::TestWithParam<size_t> {
 protected:
  Job Read(const std::string& id) { return store_.GetJob(id).value(); }
  const Task& TaskOf(const Job& job, const std::string& state) { return *job.FindTask(state); }

  // A new engine, as a restarted process makes (it recovers in its first round).
  void Restart() {
    engine_.reset();
    engine_ = std::make_unique<ExecutionEngine>(store_, executor_, clock_, Options());
  }
  static ExecutionEngineOptions Options() {
    ExecutionEngineOptions options;
    options.max_resident_executions = GetParam();
    return options;
  }
  size_t PendingStops() {
    return store_.ListRecordsWithStatus(kRecordTaskStop, kTaskStopPending)->size();
  }

  FakeClock clock_;
  MemoryStore store_;
  FakeExecutor executor_{clock_};
  std::unique_ptr<ExecutionEngine> engine_ =
      std::make_unique<ExecutionEngine>(store_, executor_, clock_, Options());
};

INSTANTIATE_TEST_SUITE_P(HeldWholeOrDormant, EngineTest, ::testing::Values(10000, 0),
                         [](const ::testing::TestParamInfo<size_t>& info) {
                           return info.param == 0 ? std::string("Dormant")
                                                  : std::string("Whole");
                         });

TEST_P(EngineTest, AJobWaitingBeyondTheBoundIsHeldSmallAndWokenByNews) {
  bool dormant = GetParam() == 0;
  auto job = engine_->StartJob(Chain(), "[]").value();
  engine_->RunUntilIdle();
  std::string first = TaskOf(Read(job.id), "start").id;
  EXPECT_EQ(engine_->Stats().executions_dormant, dormant ? 1u : 0u);
  EXPECT_EQ(engine_->ActiveCount(), 1u);
  // A poll that brings nothing new (still queued) leaves it as it is.
  clock_.Advance(10);
  executor_.Touch(first);
  engine_->RunUntilIdle();
  EXPECT_EQ(engine_->Stats().wakes, 0u);
  // Its task starts: news, it is read again, changed, stored and left waiting again.
  executor_.Start(first);
  engine_->RunUntilIdle();
  EXPECT_EQ(TaskOf(Read(job.id), "start").status, TaskStatus::kRunning);
  EXPECT_EQ(engine_->Stats().wakes, dormant ? 1u : 0u);
  EXPECT_EQ(engine_->Stats().executions_dormant, dormant ? 1u : 0u);
  executor_.Finish(first, 0);
  engine_->RunUntilIdle();
  EXPECT_EQ(TaskOf(Read(job.id), "start").status, TaskStatus::kSucceeded);
  EXPECT_EQ(executor_.Launches(), 2);
  EXPECT_EQ(engine_->Stats().wakes, dormant ? 2u : 0u);
}

TEST_P(EngineTest, RunsAChainInOrderAndSucceeds) {
  auto job = engine_->StartJob(Chain(), R"(["arg1","arg2"])");
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job->status, JobStatus::kQueued);
  engine_->RunUntilIdle();

  Job stored = Read(job->id);
  EXPECT_EQ(TaskOf(stored, "start").status, TaskStatus::kQueued);
  EXPECT_EQ(TaskOf(stored, "start").attempt, 1);
  EXPECT_FALSE(TaskOf(stored, "start").id.empty());
  EXPECT_EQ(TaskOf(stored, "second").status, TaskStatus::kWaitingForDeps);
  ASSERT_EQ(executor_.Launches(), 1);

  std::string first = TaskOf(stored, "start").id;
  clock_.Advance(10);
  executor_.Start(first);
  engine_->RunUntilIdle();
  EXPECT_EQ(Read(job->id).status, JobStatus::kRunning);
  EXPECT_EQ(TaskOf(Read(job->id), "start").status, TaskStatus::kRunning);

  executor_.Finish(first, 0);
  engine_->RunUntilIdle();
  stored = Read(job->id);
  EXPECT_EQ(TaskOf(stored, "start").status, TaskStatus::kSucceeded);
  ASSERT_EQ(executor_.Launches(), 2);
  TaskSpec second = executor_.Specs()[1];
  EXPECT_EQ(second.resource, "echo:1");
  EXPECT_EQ(EnvOf(second, "_BATCH_DEPENDENCIES"), first);
  EXPECT_EQ(EnvOf(second, "_BATCH_START"), R"(["arg1","arg2"])");
  EXPECT_EQ(EnvOf(executor_.Specs()[0], "_BATCH_DEPENDENCIES"), "");

  executor_.Finish(TaskOf(stored, "second").id, 0);
  engine_->RunUntilIdle();
  executor_.Finish(TaskOf(Read(job->id), "end").id, 0);
  engine_->RunUntilIdle();
  stored = Read(job->id);
  EXPECT_EQ(stored.status, JobStatus::kSucceeded);
  EXPECT_NE(stored.started_at, 0);
  EXPECT_NE(stored.stopped_at, 0);
  for (const auto& t : stored.tasks) EXPECT_EQ(t.status, TaskStatus::kSucceeded) << t.state;
  EXPECT_EQ(engine_->ActiveCount(), 0u);
}

// An executor forgets a task once it has reported it terminal; a notification arriving after that
// must not make the engine ask about it again (the executor would adopt it anew and keep it).
TEST_P(EngineTest, ALateNotificationOfAFinishedTaskDoesNotAskAboutItAgain) {
  auto job = engine_->StartJob(Chain(), "[]").value();
  engine_->RunUntilIdle();
  std::string first = TaskOf(Read(job.id), "start").id;
  executor_.Finish(first, 0);
  engine_->RunUntilIdle();
  ASSERT_EQ(TaskOf(Read(job.id), "start").status, TaskStatus::kSucceeded);
  ASSERT_EQ(Read(job.id).status, JobStatus::kRunning);  // the job is still watched
  int asked = executor_.DescribeCount(first);
  EXPECT_GE(asked, 1);

  executor_.Touch(first);
  engine_->RunUntilIdle();
  EXPECT_EQ(executor_.DescribeCount(first), asked);
}

TEST_P(EngineTest, AFailedTaskAbortsItsDependentsAndFailsTheJob) {
  auto job = engine_->StartJob(Chain(), "[]").value();
  engine_->RunUntilIdle();
  executor_.Finish(TaskOf(Read(job.id), "start").id, 3);
  engine_->RunUntilIdle();
  Job stored = Read(job.id);
  EXPECT_EQ(stored.status, JobStatus::kFailed);
  EXPECT_EQ(TaskOf(stored, "start").status, TaskStatus::kFailed);
  EXPECT_EQ(TaskOf(stored, "start").status_reason, "exit code 3");
  EXPECT_EQ(TaskOf(stored, "start").exit_code, 3);
  EXPECT_EQ(TaskOf(stored, "second").status, TaskStatus::kAbortedDepsFailed);
  EXPECT_EQ(TaskOf(stored, "end").status, TaskStatus::kAbortedDepsFailed);
  EXPECT_EQ(executor_.Launches(), 1);
}

TEST_P(EngineTest, CancelTerminatesRunningTasksAndStaysCancelled) {
  auto job = engine_->StartJob(Chain(), "[]").value();
  engine_->RunUntilIdle();
  std::string first = TaskOf(Read(job.id), "start").id;
  executor_.Start(first);
  engine_->RunUntilIdle();

  ASSERT_TRUE(engine_->CancelJob(job.id, "why cancel a job").ok());
  engine_->RunUntilIdle();
  Job stored = Read(job.id);
  EXPECT_EQ(stored.status, JobStatus::kCancelled);
  for (const auto& t : stored.tasks) {
    EXPECT_EQ(t.status, TaskStatus::kAbortedByUser) << t.state;
    EXPECT_EQ(t.status_reason, "why cancel a job");
  }
  EXPECT_EQ(executor_.Terminated(), std::set<std::string>{first});
  EXPECT_TRUE(TaskOf(stored, "start").terminate_sent);

  EXPECT_EQ(engine_->CancelJob(job.id, "again").error().code,
            ErrorCode::kConflict);
  EXPECT_EQ(engine_->CancelJob("nope", "x").error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(executor_.Launches(), 1);
  EXPECT_EQ(PendingStops(), 0u);
}

TEST_P(EngineTest, AnUnsubmittableTaskFailsWithTheExecutorsMessage) {
  executor_.FailSubmitsOf("echo", Error{ErrorCode::kInvalidArgument, "no job definition 'echo'"});
  auto job = engine_->StartJob(Chain(), "[]").value();
  engine_->RunUntilIdle();
  Job stored = Read(job.id);
  EXPECT_EQ(stored.status, JobStatus::kFailed);
  EXPECT_EQ(TaskOf(stored, "start").status_reason, "submission failed: no job definition 'echo'");
}

TEST_P(EngineTest, AnUnavailableExecutorIsRetriedNotFailed) {
  executor_.FailSubmitsOf("echo", Error{ErrorCode::kUnavailable, "try later"});
  auto job = engine_->StartJob(Chain(), "[]").value();
  engine_->RunUntilIdle();
  EXPECT_EQ(TaskOf(Read(job.id), "start").status, TaskStatus::kQueued);
  EXPECT_EQ(executor_.Launches(), 0);
  // A new round (as the retry timer would start) submits it.
  Restart();
  engine_->RunUntilIdle();
  EXPECT_EQ(executor_.Launches(), 1);
}

TEST_P(EngineTest, ATaskLostByTheExecutorFails) {
  auto job = engine_->StartJob(Chain(), "[]").value();
  engine_->RunUntilIdle();
  executor_.Forget(TaskOf(Read(job.id), "start").id);
  engine_->RunUntilIdle();
  EXPECT_EQ(TaskOf(Read(job.id), "start").status, TaskStatus::kFailed);
  EXPECT_NE(TaskOf(Read(job.id), "start").status_reason.find("unknown to the executor"),
            std::string::npos);
}

TEST_P(EngineTest, RestartAdoptsSubmittedTasksInsteadOfRunningThemAgain) {
  auto job = engine_->StartJob(Chain(), "[]").value();
  engine_->RunUntilIdle();
  std::string first = TaskOf(Read(job.id), "start").id;
  Restart();  // the process goes away; another one starts
  engine_->RunUntilIdle();
  EXPECT_EQ(executor_.SubmitCount(first), 2);  // asked again...
  EXPECT_EQ(executor_.Launches(), 1);          // ...and adopted, not launched
  executor_.Finish(first, 0);
  engine_->RunUntilIdle();
  EXPECT_EQ(TaskOf(Read(job.id), "second").status, TaskStatus::kQueued);
  EXPECT_EQ(executor_.Launches(), 2);
}

// Jobs stored by an earlier version of the service (jobs without an execution) are taken on.
TEST_P(EngineTest, RestartSubmitsAStoredIntentWhoseSubmissionNeverHappened) {
  // As if the process died between storing the intent and calling the executor.
  Job job = NewJob(Chain(), "11111111-2222-3333-4444-555555555555", "[]", clock_.Now());
  job.tasks[0].submit_intent = true;
  job.tasks[0].attempt = 1;
  ASSERT_TRUE(store_.CreateJob(job).ok());
  engine_->RunUntilIdle();
  ASSERT_EQ(executor_.Launches(), 1);
  EXPECT_EQ(executor_.Specs()[0].name, TaskAttemptName(job, job.tasks[0]));
  EXPECT_EQ(TaskOf(Read(job.id), "start").attempt, 1);  // the same attempt, not a new one
  EXPECT_EQ(TaskOf(Read(job.id), "start").id, executor_.Specs()[0].name);
}

TEST_P(EngineTest, RestartStopsTheTaskOfACancelAcceptedBeforeTheCrash) {
  auto job = engine_->StartJob(Chain(), "[]").value();
  engine_->RunUntilIdle();
  ASSERT_TRUE(engine_->CancelJob(job.id, "stop it").ok());  // stored; the process dies now
  EXPECT_EQ(Read(job.id).status, JobStatus::kCancelled);
  EXPECT_EQ(executor_.Terminated().size(), 0u);
  Restart();
  engine_->RunUntilIdle();
  EXPECT_EQ(Read(job.id).status, JobStatus::kCancelled);
  EXPECT_EQ(Read(job.id).status_reason, "stop it");
  EXPECT_EQ(executor_.Terminated().size(), 1u);
}

TEST_P(EngineTest, ManyJobsAreStoredInBatches) {
  FakeExecutor instant(clock_, FakeExecutor::Mode::kSucceedAtOnce);
  ExecutionEngine engine(store_, instant, clock_);
  std::vector<std::string> ids;
  for (int i = 0; i < 200; ++i) ids.push_back(engine.StartJob(Chain(), "[]")->id);
  engine.RunUntilIdle();
  for (const auto& id : ids) EXPECT_EQ(Read(id).status, JobStatus::kSucceeded);
  EXPECT_EQ(instant.Launches(), 600);
}

TEST_P(EngineTest, BackgroundThreadAdvancesJobsAndCancelWaitsUntilApplied) {
  engine_->Start();
  auto job = engine_->StartJob(Chain(), "[]").value();
  auto cancelled = engine_->CancelJob(job.id, "bye");
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->status, JobStatus::kCancelled);  // as stored
  EXPECT_EQ(Read(job.id).status, JobStatus::kCancelled);
  engine_->Stop();
}

}  // namespace
}  // namespace wfm

namespace wfm {
namespace {

TEST_P(EngineTest, RestartResubmitsATaskTheExecutorNeverStarted) {
  // As if the id was stored but the executor still had the task queued when the process died.
  Job job = NewJob(Chain(), "11111111-2222-3333-4444-666666666666", "[]", clock_.Now());
  job.tasks[0].submit_intent = true;
  job.tasks[0].attempt = 1;
  job.tasks[0].id = TaskAttemptName(job, job.tasks[0]);
  ASSERT_TRUE(store_.CreateJob(job).ok());
  engine_->RunUntilIdle();
  EXPECT_EQ(executor_.Launches(), 1);
  EXPECT_EQ(TaskOf(Read(job.id), "start").status, TaskStatus::kQueued);
}

}  // namespace
}  // namespace wfm

namespace wfm {
namespace {

TEST_P(EngineTest, CountsRoundsCommitsAndFinishedJobs) {
  FakeExecutor instant(clock_, FakeExecutor::Mode::kSucceedAtOnce);
  ExecutionEngine engine(store_, instant, clock_);
  engine.StartJob(Chain(), "[]");
  engine.StartJob(Chain(), "[]");
  engine.RunUntilIdle();
  EngineStats stats = engine.Stats();
  EXPECT_EQ(stats.executions_finished, 2u);
  EXPECT_GE(stats.commits, 3u);  // a commit before each of the three tasks starts
  EXPECT_GE(stats.executions_written, stats.commits);
  EXPECT_GE(stats.rounds, stats.commits);
}

}  // namespace
}  // namespace wfm

namespace wfm {
namespace {

TEST_P(EngineTest, TellsTheExecutorWhichSubmissionsAreFresh) {
  auto job = engine_->StartJob(Chain(), "[]").value();
  engine_->RunUntilIdle();
  ASSERT_EQ(executor_.Specs().size(), 1u);
  EXPECT_TRUE(executor_.Specs()[0].fresh);  // decided here: nothing can exist under its name

  // A restarted engine inherits the stored decision to start "second" (the executor could not
  // be reached before the process died): not fresh.
  executor_.FailSubmitsOf("echo:1", Error{ErrorCode::kUnavailable, "away"});
  executor_.Finish(TaskOf(Read(job.id), "start").id, 0);
  engine_->RunUntilIdle();
  ASSERT_EQ(executor_.Specs().size(), 1u);
  Job stored = Read(job.id);
  ASSERT_TRUE(TaskOf(stored, "second").submit_intent);
  Restart();
  engine_->RunUntilIdle();
  ASSERT_EQ(executor_.Specs().size(), 2u);
  EXPECT_EQ(executor_.Specs()[1].name, TaskAttemptName(stored, stored.tasks[1]));
  EXPECT_FALSE(executor_.Specs()[1].fresh);
}

TEST_P(EngineTest, TakesTheExecutorsLastingId) {
  auto job = engine_->StartJob(Chain(), "[]").value();
  engine_->RunUntilIdle();
  std::string handle = TaskOf(Read(job.id), "start").id;
  executor_.Rename(handle, "batch-job-id-1");
  engine_->RunUntilIdle();
  EXPECT_EQ(TaskOf(Read(job.id), "start").id, "batch-job-id-1");
  executor_.Finish("batch-job-id-1", 0);
  engine_->RunUntilIdle();
  EXPECT_EQ(TaskOf(Read(job.id), "start").status, TaskStatus::kSucceeded);
  EXPECT_EQ(TaskOf(Read(job.id), "second").dependency_ids,
            std::vector<std::string>{"batch-job-id-1"});
}

}  // namespace
}  // namespace wfm

namespace wfm {
namespace {

// A replica that never becomes the leader.
class NeverLeader : public Leadership {
 public:
  bool Hold() override { return false; }
  bool IsLeader() const override { return false; }
};

TEST_P(EngineTest, ACancelIsKeptUntilTheExecutorTookChargeOfStoppingTheTask) {
  auto job = engine_->StartJob(Chain(), "[]").value();
  engine_->RunUntilIdle();
  std::string first = TaskOf(Read(job.id), "start").id;
  clock_.Advance(5);
  executor_.Start(first);
  engine_->RunUntilIdle();

  executor_.RefuseTerminates(true);  // the executor can't be reached
  ASSERT_TRUE(engine_->CancelJob(job.id, "stop").ok());
  engine_->RunUntilIdle();
  Job stored = Read(job.id);
  EXPECT_EQ(stored.status, JobStatus::kCancelled);
  EXPECT_FALSE(TaskOf(stored, "start").terminate_sent);  // not acknowledged: not recorded
  EXPECT_EQ(PendingStops(), 1u);                         // kept, so a restart still stops it

  executor_.RefuseTerminates(false);
  Restart();  // the process dies; the next one must still stop the task
  engine_->RunUntilIdle();
  EXPECT_EQ(executor_.Terminated(), std::set<std::string>{first});
  stored = Read(job.id);
  EXPECT_TRUE(TaskOf(stored, "start").terminate_sent);
  EXPECT_NE(TaskOf(stored, "start").stopped_at, 0);  // seen stopped
  EXPECT_EQ(TaskOf(stored, "start").status, TaskStatus::kAbortedByUser);
  EXPECT_EQ(PendingStops(), 0u);
  EXPECT_EQ(engine_->ActiveCount(), 0u);
}

TEST_P(EngineTest, ACancelledRunningTaskGetsItsStopTimeWhenItStops) {
  auto job = engine_->StartJob(Chain(), "[]").value();
  engine_->RunUntilIdle();
  std::string first = TaskOf(Read(job.id), "start").id;
  executor_.Start(first);
  engine_->RunUntilIdle();
  ASSERT_TRUE(engine_->CancelJob(job.id, "stop").ok());
  engine_->RunUntilIdle();
  Job stored = Read(job.id);
  EXPECT_EQ(stored.status, JobStatus::kCancelled);
  EXPECT_NE(TaskOf(stored, "start").stopped_at, 0);
  EXPECT_EQ(TaskOf(stored, "start").status_reason, "stop");
  EXPECT_EQ(PendingStops(), 0u);
  EXPECT_EQ(engine_->ActiveCount(), 0u);
}

TEST_P(EngineTest, AReplicaThatNeverLedWritesNothingWhenItStops) {
  auto job = engine_->StartJob(Chain(), "[]").value();
  engine_->RunUntilIdle();
  executor_.Start(TaskOf(Read(job.id), "start").id);  // news its engine would store, if it led
  int64_t version = Read(job.id).version;

  NeverLeader follower_lock;
  ExecutionEngineOptions options = Options();
  options.leadership = &follower_lock;
  options.poll_interval_ms = 5;
  ExecutionEngine follower(store_, executor_, clock_, options);
  follower.Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  follower.Stop();
  EXPECT_EQ(Read(job.id).version, version);
  EXPECT_EQ(Read(job.id).status, JobStatus::kQueued);
  EXPECT_EQ(follower.BookkeepingSize(), 0u);
  EXPECT_FALSE(follower.IsLeader());
}

// Another process (a replica's API) cancels the job while this engine holds it: this engine's
// next write loses and it goes on from what the other stored.
TEST_P(EngineTest, ACancelByAnotherProcessWinsOverThisEnginesWrite) {
  auto job = engine_->StartJob(Chain(), "[]").value();
  engine_->RunUntilIdle();
  std::string first = TaskOf(Read(job.id), "start").id;
  FakeExecutor other_executor{clock_};
  ExecutionEngine other_process(store_, other_executor, clock_);
  ASSERT_TRUE(other_process.CancelJob(job.id, "stop").ok());
  executor_.Start(first);  // this engine learns something and writes
  engine_->RunUntilIdle();
  Job stored = Read(job.id);
  EXPECT_EQ(stored.status, JobStatus::kCancelled);
  EXPECT_EQ(stored.status_reason, "stop");
  EXPECT_EQ(TaskOf(stored, "start").status, TaskStatus::kAbortedByUser);
  // One row holds the job and its execution: they moved together.
  EXPECT_EQ(store_.GetRecord(kRecordExecution, JobExecutionKey(job.id)).error().code,
            ErrorCode::kNotFound);
  EXPECT_NE(stored.execution.find("\"error\":\"JobCancelled\""), std::string::npos)
      << stored.execution;
}

TEST_P(EngineTest, ForgetsEverythingAboutFinishedJobs) {
  FakeExecutor instant(clock_, FakeExecutor::Mode::kSucceedAtOnce);
  ExecutionEngine engine(store_, instant, clock_);
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(engine.StartJob(Chain(), "[]").ok());
  engine.RunUntilIdle();
  auto cancelled = engine_->StartJob(Chain(), "[]").value();
  engine_->RunUntilIdle();
  executor_.Rename(TaskOf(Read(cancelled.id), "start").id, "lasting-id");
  engine_->RunUntilIdle();
  executor_.Start("lasting-id");
  engine_->RunUntilIdle();
  ASSERT_TRUE(engine_->CancelJob(cancelled.id, "stop").ok());
  engine_->RunUntilIdle();
  EXPECT_EQ(engine.BookkeepingSize(), 0u);
  EXPECT_EQ(engine_->BookkeepingSize(), 0u);
}

TEST_P(EngineTest, AJobAnEarlierVersionWasRunningResumesWhereItWas) {
  Job job = NewJob(Chain(), "11111111-2222-3333-4444-777777777777", "[]", clock_.Now());
  job.status = JobStatus::kRunning;
  job.tasks[0].status = TaskStatus::kSucceeded;
  job.tasks[0].attempt = 1;
  job.tasks[0].submit_intent = true;
  job.tasks[0].id = TaskAttemptName(job, job.tasks[0]);
  job.tasks[1].status = TaskStatus::kRunning;
  job.tasks[1].attempt = 1;
  job.tasks[1].submit_intent = true;
  std::string running = TaskAttemptName(job, job.tasks[1]);
  job.tasks[1].id = running;
  ASSERT_TRUE(executor_.Submit(TaskSpec{running, "", "echo:1", {}, true}).ok());
  executor_.Start(running);
  ASSERT_TRUE(store_.CreateJob(job).ok());

  engine_->RunUntilIdle();
  EXPECT_EQ(executor_.Launches(), 1);  // adopted, not started again
  EXPECT_EQ(executor_.SubmitCount(running), 2);
  executor_.Finish(running, 0);
  engine_->RunUntilIdle();
  ASSERT_EQ(executor_.Launches(), 2);
  EXPECT_EQ(executor_.Specs()[1].name, job.id + "-2-1");
  executor_.Finish(executor_.Specs()[1].name, 0);
  engine_->RunUntilIdle();
  EXPECT_EQ(Read(job.id).status, JobStatus::kSucceeded);
}

TEST_P(EngineTest, StateNamesTheStatesLanguageWouldRefuseStillRun) {
  Workflow w = Chain();
  std::string long_name(200, 'x');
  w.states[0].name = long_name;  // over the States Language's 80 characters
  w.start_at = long_name;
  w.states[1].name = "#2";  // the form the long one is renamed to
  w.states[0].next = "#2";
  auto job = engine_->StartJob(w, "[]").value();
  engine_->RunUntilIdle();
  for (int step = 0; step < 3; ++step) {
    ASSERT_EQ(executor_.Launches(), step + 1) << "step " << step;
    EXPECT_EQ(EnvOf(executor_.Specs()[step], "WORKFLOW_MANAGER_STATE"), w.states[step].name);
    executor_.Finish(executor_.Specs()[step].name, 0);
    engine_->RunUntilIdle();
  }
  EXPECT_EQ(Read(job.id).status, JobStatus::kSucceeded);
}

// A job's execution that ends for a reason of its own (here a result it can't read) ends its job.
TEST_P(EngineTest, AJobEndsWithItsExecution) {
  auto job = engine_->StartJob(Chain(), "[]").value();
  engine_->RunUntilIdle();
  executor_.Finish(TaskOf(Read(job.id), "start").id, 0, "{not json");
  engine_->RunUntilIdle();
  Job stored = Read(job.id);
  EXPECT_EQ(stored.status, JobStatus::kFailed);
  EXPECT_EQ(TaskOf(stored, "start").status, TaskStatus::kSucceeded);  // as the executor saw it
  EXPECT_NE(TaskOf(stored, "second").status_reason.find("States."), std::string::npos)
      << TaskOf(stored, "second").status_reason;
  EXPECT_EQ(executor_.Launches(), 1);
  EXPECT_EQ(engine_->ActiveCount(), 0u);
}

// The leader learns of a cancel another replica's API stored, without news from the executor.
TEST_P(EngineTest, TheLeaderCarriesOutACancelStoredByAnotherReplica) {
  ExecutionEngineOptions options = Options();
  options.discovery_interval_ms = 1;
  ExecutionEngine leader(store_, executor_, clock_, options);
  auto job = leader.StartJob(Chain(), "[]").value();
  leader.RunUntilIdle();
  std::string first = TaskOf(Read(job.id), "start").id;
  executor_.Start(first);
  leader.RunUntilIdle();
  FakeExecutor replicas_executor{clock_};  // another process: its own executor
  ExecutionEngine replica(store_, replicas_executor, clock_);  // its API only: it runs no round
  ASSERT_TRUE(replica.CancelJob(job.id, "from elsewhere").ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  leader.RunUntilIdle();
  EXPECT_EQ(executor_.Terminated(), std::set<std::string>{first});
  leader.RunUntilIdle();
  Job stored = Read(job.id);
  EXPECT_EQ(stored.status, JobStatus::kCancelled);
  EXPECT_TRUE(TaskOf(stored, "start").terminate_sent);
  EXPECT_NE(TaskOf(stored, "start").stopped_at, 0);
  EXPECT_EQ(PendingStops(), 0u);
}

// Once a cancelled task is seen stopped, its job is over, even if the executor never acknowledged
// the stop (it is still sent until it does): nothing is left in the running index to reload.
TEST_P(EngineTest, ACancelledJobWhoseTaskIsSeenStoppedIsOver) {
  auto job = engine_->StartJob(Chain(), "[]").value();
  engine_->RunUntilIdle();
  std::string first = TaskOf(Read(job.id), "start").id;
  executor_.Start(first);
  engine_->RunUntilIdle();
  executor_.RefuseTerminates(true);
  ASSERT_TRUE(engine_->CancelJob(job.id, "stop").ok());
  executor_.Finish(first, 143);  // it stopped anyway
  engine_->RunUntilIdle();
  Job stored = Read(job.id);
  EXPECT_NE(TaskOf(stored, "start").stopped_at, 0);
  EXPECT_FALSE(TaskOf(stored, "start").terminate_sent);
  EXPECT_TRUE(store_.ListRecordsWithStatus(kRecordExecution, kExecutionRunning)->empty());
  EXPECT_EQ(engine_->ActiveCount(), 0u);
  EXPECT_EQ(PendingStops(), 1u);  // still sent until the executor takes charge
}

// A cancel that reaches a job whose attempt was submitted before its id was stored: the task is
// watched by its attempt's name, so the view learns that it ran and when it stopped.
TEST_P(EngineTest, ACancelledAttemptWhoseIdWasNotStoredYetIsWatchedByName) {
  Job job = NewJob(Chain(), "11111111-2222-3333-4444-888888888888", "[]", clock_.Now());
  job.tasks[0].submit_intent = true;
  job.tasks[0].attempt = 1;
  std::string name = TaskAttemptName(job, job.tasks[0]);
  ASSERT_TRUE(store_.CreateJob(job).ok());
  ASSERT_TRUE(executor_.Submit(TaskSpec{name, "", "echo", {}, true}).ok());  // submitted...
  clock_.Advance(7);
  executor_.Start(name);  // ...and running, its id not stored
  ASSERT_TRUE(engine_->CancelJob(job.id, "stop").ok());
  engine_->RunUntilIdle();
  EXPECT_EQ(executor_.Terminated(), std::set<std::string>{name});
  Job stored = Read(job.id);
  EXPECT_EQ(TaskOf(stored, "start").status, TaskStatus::kAbortedByUser);
  EXPECT_EQ(TaskOf(stored, "start").id, name);
  EXPECT_NE(TaskOf(stored, "start").started_at, 0);
  EXPECT_NE(TaskOf(stored, "start").stopped_at, 0);
  EXPECT_EQ(executor_.Launches(), 1);
}

TEST(JobRules, ALongChainAdvancesInOneLinearPass) {
  Workflow w;
  w.name = "long";
  w.start_at = "s0";
  const int kStates = 20000;
  for (int i = 0; i < kStates; ++i) {
    bool last = i == kStates - 1;
    w.states.push_back(State{"s" + std::to_string(i), "Task", "",
                             last ? "" : "s" + std::to_string(i + 1), "echo", last});
  }
  Job job = NewJob(w, "j", "[]", 1);
  job.tasks[0].status = TaskStatus::kFailed;  // every other task must be aborted in one call
  SideEffects effects;
  Advance(job, 2, &effects);
  EXPECT_EQ(job.tasks.back().status, TaskStatus::kAbortedDepsFailed);
  EXPECT_EQ(job.status, JobStatus::kFailed);
}

}  // namespace
}  // namespace wfm
