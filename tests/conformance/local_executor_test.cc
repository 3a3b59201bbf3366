// The local executor with real child processes in a temporary directory.
#include "executor/local/local_executor.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <set>

#include <signal.h>
#include <sys/wait.h>

#include "core/ids.h"

namespace wfm {
namespace {

namespace fs = std::filesystem;

constexpr auto kPatience = std::chrono::seconds(60);  // a generous bound, not a timing assertion

const char* kDefinitions = R"json({"jobDefinitions": [
  {"jobDefinitionName": "ok", "revision": 1,
   "containerProperties": {"command": ["sh", "-c", "echo out; echo err >&2"]}},
  {"jobDefinitionName": "exit3", "revision": 1,
   "containerProperties": {"command": ["sh", "-c", "exit 3"]}},
  {"jobDefinitionName": "env", "revision": 1,
   "containerProperties": {"command": ["printenv", "FROM_DEFINITION", "_BATCH_START"],
                           "environment": [{"name": "FROM_DEFINITION", "value": "def-value"}]}},
  {"jobDefinitionName": "argv", "revision": 1,
   "containerProperties": {"command": ["printf", "%s|", "$(touch pwned)", "; rm -rf /", "a b"]}},
  {"jobDefinitionName": "slow", "revision": 1, "timeout": {"attemptDurationSeconds": 1},
   "containerProperties": {"command": ["sleep", "30"]}},
  {"jobDefinitionName": "sleep", "revision": 1,
   "containerProperties": {"command": ["sh", "-c", "echo ran >> \"$MARKER\"; exec sleep \"$SECONDS_TO_SLEEP\""]}},
  {"jobDefinitionName": "sleep", "revision": 2,
   "containerProperties": {"command": ["sleep", "0"]}},
  {"jobDefinitionName": "nosuchbinary", "revision": 1,
   "containerProperties": {"command": ["/nonexistent/binary"]}}
]})json";

class LocalExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wfm-local-" + NewUuid());
    fs::create_directories(dir_);
    executor_ = Make(2);
  }
  void TearDown() override {
    executor_.reset();
    fs::remove_all(dir_);
  }

  std::unique_ptr<LocalExecutor> Make(int max_parallel) {
    auto definitions = JobDefinitions::Parse(kDefinitions, "test");
    EXPECT_TRUE(definitions.ok()) << definitions.error().message;
    LocalExecutorOptions options{(dir_ / "tasks").string(), WFM_TASK_RUNNER, max_parallel, 1};
    auto executor = LocalExecutor::Create(options, definitions.value(), clock_);
    EXPECT_TRUE(executor.ok());
    executor.value()->SetChangeListener([this](const std::vector<std::string>&) {
      std::lock_guard lock(mu_);
      ++changes_;
      changed_.notify_all();
    });
    return std::move(executor.value());
  }

  TaskSpec Spec(const std::string& resource, Environment env = {}) {
    return TaskSpec{"t-" + NewUuid(), "", resource, std::move(env)};
  }

  // Waits until the executor reports `id` terminal.
  TaskObservation WaitDone(LocalExecutor& executor, const std::string& id) {
    auto deadline = std::chrono::steady_clock::now() + kPatience;
    while (std::chrono::steady_clock::now() < deadline) {
      auto seen = executor.Describe({id})[0];
      if (IsTerminal(seen.status)) return seen;
      std::unique_lock lock(mu_);
      changed_.wait_for(lock, std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "task " << id << " did not finish";
    return {};
  }

  std::string Log(const std::string& id) { return executor_->ReadLog(id, 1 << 20).value(); }

  SystemClock clock_;
  fs::path dir_;
  std::unique_ptr<LocalExecutor> executor_;
  std::mutex mu_;
  std::condition_variable changed_;
  int changes_ = 0;
};

TEST_F(LocalExecutorTest, SucceedsAndCapturesOutput) {
  auto id = executor_->Submit(Spec("ok")).value();
  auto seen = WaitDone(*executor_, id);
  EXPECT_EQ(seen.status, TaskStatus::kSucceeded);
  EXPECT_EQ(seen.exit_code, 0);
  EXPECT_NE(seen.started_at, 0);
  EXPECT_GE(seen.stopped_at, seen.started_at);
  EXPECT_NE(Log(id).find("out\n"), std::string::npos);
  EXPECT_NE(Log(id).find("err\n"), std::string::npos);
}

TEST_F(LocalExecutorTest, FailsWithTheExitCode) {
  auto id = executor_->Submit(Spec("exit3")).value();
  auto seen = WaitDone(*executor_, id);
  EXPECT_EQ(seen.status, TaskStatus::kFailed);
  EXPECT_EQ(seen.exit_code, 3);
  EXPECT_EQ(seen.status_reason, "exit code 3");
}

TEST_F(LocalExecutorTest, ReportsACommandThatCantRun) {
  auto id = executor_->Submit(Spec("nosuchbinary")).value();
  auto seen = WaitDone(*executor_, id);
  EXPECT_EQ(seen.status, TaskStatus::kFailed);
  EXPECT_EQ(seen.exit_code, 127);
  EXPECT_NE(Log(id).find("can't run '/nonexistent/binary'"), std::string::npos);
}

TEST_F(LocalExecutorTest, RejectsUnknownDefinitions) {
  auto result = executor_->Submit(Spec("nope:1"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(result.error().message, "no job definition named 'nope'");
  EXPECT_EQ(executor_->Submit(Spec("ok:9")).error().message, "no job definition 'ok:9'");
}

TEST_F(LocalExecutorTest, TimesOut) {
  auto id = executor_->Submit(Spec("slow")).value();
  auto seen = WaitDone(*executor_, id);
  EXPECT_EQ(seen.status, TaskStatus::kFailed);
  EXPECT_NE(seen.status_reason.find("timed out after 1s"), std::string::npos) << seen.status_reason;
}

TEST_F(LocalExecutorTest, TerminatesARunningTask) {
  fs::path marker = dir_ / "marker";
  auto id =
      executor_->Submit(Spec("sleep:1", {{"MARKER", marker.string()}, {"SECONDS_TO_SLEEP", "60"}}))
          .value();
  while (!fs::exists(marker)) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  executor_->Terminate({id}, "user asked");
  auto seen = WaitDone(*executor_, id);
  EXPECT_EQ(seen.status, TaskStatus::kFailed);
  EXPECT_NE(seen.status_reason.find("terminated"), std::string::npos) << seen.status_reason;
}

TEST_F(LocalExecutorTest, PassesEnvironmentFromDefinitionAndEngine) {
  auto id = executor_->Submit(Spec("env", {{"_BATCH_START", R"(["a","b"])"}})).value();
  ASSERT_EQ(WaitDone(*executor_, id).status, TaskStatus::kSucceeded);
  EXPECT_EQ(Log(id), "def-value\n[\"a\",\"b\"]\n");
}

TEST_F(LocalExecutorTest, PassesMetacharactersVerbatim) {
  std::string data = R"x(["$(touch pwned)", "`id`", "; rm -rf / && echo \"hi\" | cat > x", "*"])x";
  auto env_id = executor_->Submit(Spec("env", {{"_BATCH_START", data}})).value();
  auto argv_id = executor_->Submit(Spec("argv")).value();
  ASSERT_EQ(WaitDone(*executor_, env_id).status, TaskStatus::kSucceeded);
  ASSERT_EQ(WaitDone(*executor_, argv_id).status, TaskStatus::kSucceeded);
  EXPECT_EQ(Log(env_id), "def-value\n" + data + "\n");
  EXPECT_EQ(Log(argv_id), "$(touch pwned)|; rm -rf /|a b|");
  EXPECT_FALSE(fs::exists("pwned"));
}

TEST_F(LocalExecutorTest, RunsAtMostMaxParallelAtOnce) {
  auto executor = Make(1);
  fs::path marker = dir_ / "m1";
  auto first =
      executor->Submit(Spec("sleep:1", {{"MARKER", marker.string()}, {"SECONDS_TO_SLEEP", "60"}}))
          .value();
  auto second = executor->Submit(Spec("ok")).value();
  while (!fs::exists(marker)) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(executor->Describe({first})[0].status, TaskStatus::kRunning);
  EXPECT_EQ(executor->Describe({second})[0].status, TaskStatus::kQueued);
  executor->Terminate({first}, "make room");
  EXPECT_EQ(WaitDone(*executor, second).status, TaskStatus::kSucceeded);
}

TEST_F(LocalExecutorTest, ResubmittingTheSameNameNeverRunsItTwice) {
  fs::path marker = dir_ / "once";
  TaskSpec spec = Spec("sleep:1", {{"MARKER", marker.string()}, {"SECONDS_TO_SLEEP", "1"}});
  auto id = executor_->Submit(spec).value();
  EXPECT_EQ(executor_->Submit(spec).value(), id);
  ASSERT_EQ(WaitDone(*executor_, id).status, TaskStatus::kSucceeded);
  EXPECT_EQ(executor_->Submit(spec).value(), id);  // after it finished, too
  EXPECT_EQ(WaitDone(*executor_, id).status, TaskStatus::kSucceeded);
  std::ifstream in(marker);
  std::string all((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(all, "ran\n");
}

TEST_F(LocalExecutorTest, ANewProcessAdoptsARunningTaskAndRecordsItsOutcome) {
  fs::path marker = dir_ / "adopt";
  TaskSpec spec = Spec("sleep:1", {{"MARKER", marker.string()}, {"SECONDS_TO_SLEEP", "2"}});
  auto id = executor_->Submit(spec).value();
  while (!fs::exists(marker)) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  executor_.reset();  // the service goes away; the task runs on

  executor_ = Make(2);
  EXPECT_EQ(executor_->Submit(spec).value(), id);
  EXPECT_EQ(executor_->Describe({id})[0].status, TaskStatus::kRunning);
  EXPECT_EQ(WaitDone(*executor_, id).status, TaskStatus::kSucceeded);
  std::ifstream in(marker);
  std::string all((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(all, "ran\n");
}

}  // namespace
}  // namespace wfm

namespace wfm {
namespace {

// The runner's pid, from the attempt's state file ("started {"runnerPid": N, ...}").
pid_t RunnerPidOf(const fs::path& tasks_dir, const std::string& id) {
  std::ifstream in(tasks_dir / (id + ".state"));
  std::string line;
  std::getline(in, line);
  size_t at = line.find("\"runnerPid\":");
  return at == std::string::npos ? 0 : std::atoi(line.c_str() + at + 12);
}

TEST_F(LocalExecutorTest, AKilledRunnerFailsTheTaskWithAClearReason) {
  fs::path marker = dir_ / "killed";
  auto id = executor_->Submit(Spec("sleep:1", {{"MARKER", marker.string()},
                                               {"SECONDS_TO_SLEEP", "60"}}))
                .value();
  while (!fs::exists(marker)) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  pid_t runner = RunnerPidOf(dir_ / "tasks", id);
  ASSERT_GT(runner, 0);
  kill(runner, SIGKILL);
  auto seen = WaitDone(*executor_, id);
  EXPECT_EQ(seen.status, TaskStatus::kFailed);
  EXPECT_NE(seen.status_reason.find("without recording an outcome"), std::string::npos)
      << seen.status_reason;
}

TEST_F(LocalExecutorTest, ARunnerKilledWhileTheServiceWasDownIsReportedUnknown) {
  fs::path marker = dir_ / "down";
  TaskSpec spec = Spec("sleep:1", {{"MARKER", marker.string()}, {"SECONDS_TO_SLEEP", "60"}});
  auto id = executor_->Submit(spec).value();
  while (!fs::exists(marker)) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  pid_t runner = RunnerPidOf(dir_ / "tasks", id);
  executor_.reset();  // the service is down...
  kill(runner, SIGKILL);  // ...when the runner dies
  int status = 0;
  waitpid(runner, &status, 0);  // it was this test's child: reap it so its lock is gone

  executor_ = Make(2);
  EXPECT_EQ(executor_->Submit(spec).value(), id);  // adopted, not started again
  auto seen = WaitDone(*executor_, id);
  EXPECT_EQ(seen.status, TaskStatus::kFailed);
  EXPECT_NE(seen.status_reason.find("outcome unknown"), std::string::npos) << seen.status_reason;
  std::ifstream in(marker);
  std::string all((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(all, "ran\n");
}

}  // namespace
}  // namespace wfm
