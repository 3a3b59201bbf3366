// One conformance suite for every executor that runs real commands from a job definitions file:
// the local executor, and the Slurm executor through Slurm's command-line tools and through
// slurmrestd (the private Slurm of WFM_TEST_SLURM_ENV, started by the slurm_start fixture; its one
// node is this machine). Only the Executor interface is used, plus each executor's ReadLog; every
// wait is a bounded poll of Describe, never a timing assertion. Each executor must:
//   - run a definition's command to kSucceeded with exit code 0 and its output in its log;
//   - fail a command exiting 7 with exit code 7 and a reason naming it;
//   - fail a command outliving its definition's time limit, saying so;
//   - stop a running command on Terminate (its process gone) and report it failed;
//   - give the command the definition's and the task's variables, and none of its own process;
//   - pass a task variable full of shell metacharacters, newlines and unicode byte for byte;
//   - run 20 tasks submitted at once, each exactly once;
//   - run an attempt once however often it is submitted, by this executor or by a new one over
//     the same directory (adoption by name);
//   - refuse an unknown job definition with kInvalidArgument in CheckResource and Submit.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "../slurm/slurm_cluster_env.h"
#include "aws/http_client.h"
#include "core/ids.h"
#include "executor/local/local_executor.h"
#include "executor/slurm/slurm_cli_client.h"
#include "executor/slurm/slurm_executor.h"
#include "executor/slurm/slurm_rest_client.h"

namespace wfm {
namespace {

namespace fs = std::filesystem;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;

// Generous bounds on waiting, not timing assertions.
constexpr auto kPatience = std::chrono::seconds(60);
// A time limit: Slurm's smallest is one minute (the definition's 1 s is rounded up to it), and
// slurmctld enforces limits in passes about 30 s apart, so a Slurm job may run ~1.5 minutes before
// it is stopped; 3 minutes leaves room for that and for the poll.
constexpr auto kTimeLimitPatience = std::chrono::minutes(3);

// A variable of this test process: no task may see it.
constexpr char kServiceSecret[] = "WFM_CONFORMANCE_SECRET";

const char* kDefinitions = R"json({"jobDefinitions": [
  {"jobDefinitionName": "hello", "revision": 1,
   "containerProperties": {"command": ["echo", "conformance says hello"]}},
  {"jobDefinitionName": "exit7", "revision": 1,
   "containerProperties": {"command": ["sh", "-c", "exit 7"]}},
  {"jobDefinitionName": "past-time-limit", "revision": 1, "timeout": {"attemptDurationSeconds": 1},
   "containerProperties": {"command": ["sleep", "300"]}},
  {"jobDefinitionName": "sleep-with-pid", "revision": 1,
   "containerProperties": {"command": ["sh", "-c", "echo $$ > \"$PID_FILE\"; exec sleep 300"]}},
  {"jobDefinitionName": "environment", "revision": 1,
   "containerProperties": {
     "command": ["sh", "-c", "echo \"definition=${FROM_DEFINITION-unset}\"; echo \"task=${FROM_TASK-unset}\"; echo \"service=${WFM_CONFORMANCE_SECRET-unset}\""],
     "environment": [{"name": "FROM_DEFINITION", "value": "definition-value"}]}},
  {"jobDefinitionName": "print-data", "revision": 1,
   "containerProperties": {"command": ["sh", "-c", "printf %s \"$DATA\""]}},
  {"jobDefinitionName": "append-name", "revision": 1,
   "containerProperties": {"command": ["sh", "-c", "echo \"$TASK_NAME\" >> \"$SHARED_FILE\""]}}
]})json";

SystemClock& TheClock() {
  static SystemClock clock;
  return clock;
}

// One kind of executor under test.
struct ExecutorKind {
  std::string name;
  // A new executor running `definitions` with its files in `dir` (a second executor over the
  // same `dir` finds the first one's tasks); null, with a test failure, when it can't be made.
  std::function<std::unique_ptr<Executor>(JobDefinitions definitions, const fs::path& dir)> make;
  // The output of the task that `executor` (made by `make`) knows as `id`.
  std::function<Result<std::string>(Executor& executor, const std::string& id)> read_log;
};

constexpr size_t kMaxLogBytes = 1 << 20;

std::unique_ptr<Executor> MakeLocalExecutor(JobDefinitions definitions, const fs::path& dir) {
  LocalExecutorOptions options;
  options.tasks_dir = (dir / "tasks").string();
  options.runner_path = WFM_TASK_RUNNER;
  options.max_parallel = 4;
  options.kill_grace_seconds = 1;
  auto executor = LocalExecutor::Create(options, std::move(definitions), TheClock());
  if (!executor.ok()) {
    ADD_FAILURE() << "local executor: " << executor.error().message;
    return nullptr;
  }
  return std::move(executor.value());
}

Result<std::string> ReadLocalLog(Executor& executor, const std::string& id) {
  return static_cast<LocalExecutor&>(executor).ReadLog(id, kMaxLogBytes);
}

// The shared Slurm cluster; slurm_conf empty (with a test failure) when there is none.
testing::SlurmClusterEnv SlurmCluster() {
  testing::SlurmClusterEnv cluster = testing::SharedSlurmCluster();
  if (cluster.slurm_conf.empty()) {
    ADD_FAILURE() << "no Slurm test cluster: WFM_TEST_SLURM_ENV is unset or its file unreadable";
  }
  return cluster;
}

std::unique_ptr<Executor> MakeSlurmExecutor(std::unique_ptr<SlurmClient> client,
                                            JobDefinitions definitions, const fs::path& dir) {
  SlurmExecutorOptions options;
  options.scheduler.work_dir = (dir / "slurm-jobs").string();
  options.queue.poll_interval_ms = 200;
  return std::make_unique<SlurmExecutor>(std::move(client), std::move(definitions), TheClock(),
                                         options);
}

std::unique_ptr<Executor> MakeSlurmCliExecutor(JobDefinitions definitions, const fs::path& dir) {
  testing::SlurmClusterEnv cluster = SlurmCluster();
  if (cluster.slurm_conf.empty()) return nullptr;
  SlurmCliOptions options;
  options.slurm_conf = cluster.slurm_conf;
  return MakeSlurmExecutor(std::make_unique<SlurmCliClient>(options), std::move(definitions), dir);
}

std::unique_ptr<Executor> MakeSlurmRestExecutor(JobDefinitions definitions, const fs::path& dir) {
  static CurlHttpClient http;
  testing::SlurmClusterEnv cluster = SlurmCluster();
  if (cluster.slurm_conf.empty()) return nullptr;
  SlurmRestOptions options;
  options.url = cluster.rest_url;
  options.user_name = "root";
  options.token = cluster.jwt;
  return MakeSlurmExecutor(std::make_unique<SlurmRestClient>(http, options),
                           std::move(definitions), dir);
}

Result<std::string> ReadSlurmLog(Executor& executor, const std::string& id) {
  return static_cast<SlurmExecutor&>(executor).ReadLog(id, kMaxLogBytes);
}

// An attempt name as the engine makes them ("<job id>-<state index>-<attempt>"): unique, never
// all digits.
std::string AttemptName() { return NewUuid() + "-0-1"; }

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Whether process `pid` exists and has not exited (a zombie has).
bool ProcessRuns(int pid) {
  std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  size_t after_name = stat.rfind(") ");
  return after_name != std::string::npos && stat.compare(after_name + 2, 1, "Z") != 0;
}

// Printable for the test names: the kind's name.
void PrintTo(const ExecutorKind& kind, std::ostream* out) { *out << kind.name; }

class ExecutorConformance : public ::testing::TestWithParam<ExecutorKind> {
 protected:
  static void SetUpTestSuite() { setenv(kServiceSecret, "the service's own", 1); }

  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wfm-executor-conformance-" + NewUuid());
    fs::create_directories(dir_);
    executor_ = Make();
    ASSERT_NE(executor_, nullptr);
  }

  // Stops what a failed test left running, then removes the directory.
  void TearDown() override {
    if (executor_ != nullptr && !unfinished_.empty()) {
      std::vector<std::string> ids(unfinished_.begin(), unfinished_.end());
      executor_->Terminate(ids, "the test is over");
      for (const auto& id : ids) WaitDone(id, std::chrono::seconds(10), /*report=*/false);
    }
    executor_.reset();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  // A new executor of the kind under test over this test's directory, reporting changes.
  std::unique_ptr<Executor> Make() {
    auto definitions = JobDefinitions::Parse(kDefinitions, "conformance");
    EXPECT_TRUE(definitions.ok()) << definitions.error().message;
    if (!definitions.ok()) return nullptr;
    auto executor = GetParam().make(std::move(definitions.value()), dir_);
    if (executor == nullptr) return nullptr;
    executor->SetChangeListener([this](const std::vector<std::string>&) {
      std::lock_guard lock(mu_);
      changed_.notify_all();
    });
    return executor;
  }

  TaskSpec Spec(const std::string& resource, Environment environment = {}) {
    TaskSpec spec;
    spec.name = AttemptName();
    spec.resource = resource;
    spec.environment = std::move(environment);
    spec.fresh = true;
    return spec;
  }

  // Submits `spec` to executor_; the id ("" with a test failure when refused).
  std::string Submit(const TaskSpec& spec) {
    auto id = executor_->Submit(spec);
    EXPECT_TRUE(id.ok()) << id.error().message;
    if (!id.ok()) return "";
    unfinished_.insert(id.value());
    return id.value();
  }

  // Polls Describe until the task is terminal, following its lasting id (new_id): the returned
  // observation's id is the one the executor knows it by in the end. When it is not terminal
  // within `patience`: a test failure if `report`, and the last observation.
  TaskObservation WaitDone(std::string id, std::chrono::seconds patience = kPatience,
                           bool report = true) {
    unfinished_.erase(id);
    auto deadline = std::chrono::steady_clock::now() + patience;
    TaskObservation seen;
    while (true) {
      seen = executor_->Describe({id})[0];
      if (!seen.new_id.empty()) id = seen.new_id;
      seen.id = id;
      if (IsTerminal(seen.status)) return seen;
      if (std::chrono::steady_clock::now() >= deadline) break;
      std::unique_lock lock(mu_);
      changed_.wait_for(lock, std::chrono::milliseconds(200));
    }
    unfinished_.insert(id);
    if (report) {
      ADD_FAILURE() << "task " << id << " not finished after " << patience.count()
                    << " s: " << ToString(seen.status) << " (" << seen.status_reason << ")";
    }
    return seen;
  }

  std::string Log(const std::string& id) {
    auto log = GetParam().read_log(*executor_, id);
    EXPECT_TRUE(log.ok()) << "log of " << id << ": " << log.error().message;
    return log.ok() ? log.value() : "";
  }

  fs::path dir_;
  std::unique_ptr<Executor> executor_;
  std::set<std::string> unfinished_;  // ids submitted and not yet seen terminal
  std::mutex mu_;
  std::condition_variable changed_;
};

TEST_P(ExecutorConformance, RunsTheCommandToSuccessWithItsOutputInTheLog) {
  auto seen = WaitDone(Submit(Spec("hello")));
  EXPECT_EQ(seen.status, TaskStatus::kSucceeded) << seen.status_reason;
  EXPECT_EQ(seen.exit_code, 0);
  EXPECT_THAT(Log(seen.id), HasSubstr("conformance says hello\n"));
}

TEST_P(ExecutorConformance, FailsWithTheCommandsExitCode) {
  auto seen = WaitDone(Submit(Spec("exit7")));
  EXPECT_EQ(seen.status, TaskStatus::kFailed);
  EXPECT_EQ(seen.exit_code, 7);
  EXPECT_THAT(seen.status_reason, ContainsRegex("exit code 7"));
}

TEST_P(ExecutorConformance, FailsACommandThatOutlivesItsTimeLimit) {
  auto seen = WaitDone(Submit(Spec("past-time-limit")), kTimeLimitPatience);
  EXPECT_EQ(seen.status, TaskStatus::kFailed);
  EXPECT_THAT(seen.status_reason, ContainsRegex("timed out|time limit"));
}

TEST_P(ExecutorConformance, TerminateStopsARunningCommand) {
  fs::path pid_file = dir_ / "pid";
  std::string id = Submit(Spec("sleep-with-pid", {{"PID_FILE", pid_file.string()}}));
  int pid = 0;
  for (auto deadline = std::chrono::steady_clock::now() + kPatience;
       pid == 0 && std::chrono::steady_clock::now() < deadline;
       std::this_thread::sleep_for(std::chrono::milliseconds(50))) {
    std::string written = ReadFile(pid_file);
    if (!written.empty() && written.back() == '\n') pid = std::stoi(written);
  }
  ASSERT_NE(pid, 0) << "the command did not start";
  EXPECT_TRUE(ProcessRuns(pid));

  auto taken = executor_->Terminate({id}, "the conformance test asked");
  EXPECT_EQ(taken, std::vector<std::string>{id});
  auto seen = WaitDone(id);
  EXPECT_EQ(seen.status, TaskStatus::kFailed);
  auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (ProcessRuns(pid) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_FALSE(ProcessRuns(pid)) << "process " << pid << " outlived its terminated task";
}

TEST_P(ExecutorConformance, PassesTheDefinitionsAndTheTasksVariablesButNoneOfItsOwn) {
  auto seen = WaitDone(Submit(Spec("environment", {{"FROM_TASK", "task-value"}})));
  ASSERT_EQ(seen.status, TaskStatus::kSucceeded) << seen.status_reason;
  EXPECT_EQ(Log(seen.id), "definition=definition-value\ntask=task-value\nservice=unset\n");
}

TEST_P(ExecutorConformance, PassesShellMetacharactersByteForByte) {
  const std::string piece =
      "single ' double \" dollar $HOME ${HOME} $(id) backticks `id` ; semicolon | pipe & amp "
      "> redirect < * glob ? [a] ~ # \\ backslash \\n not a newline\nnewline\r\ncrlf\ttab "
      "  spaces  %s %j %% percent é ü 日本語 🙂 ";
  std::string data;
  while (data.size() + piece.size() <= 10 * 1024) data += piece;
  data.resize(10 * 1024, '.');

  auto seen = WaitDone(Submit(Spec("print-data", {{"DATA", data}})));
  ASSERT_EQ(seen.status, TaskStatus::kSucceeded) << seen.status_reason;
  std::string log = Log(seen.id);
  EXPECT_EQ(log.size(), data.size());
  EXPECT_TRUE(log == data) << "the log differs from the data from byte "
                           << std::mismatch(log.begin(), log.end(), data.begin(), data.end())
                                      .first -
                                  log.begin();
}

TEST_P(ExecutorConformance, RunsTasksSubmittedAtOnceEachExactlyOnce) {
  constexpr int kTasks = 20;
  fs::path shared = dir_ / "ran";
  std::map<std::string, std::string> ids;  // by task name
  for (int i = 0; i < kTasks; ++i) {
    TaskSpec spec = Spec("append-name");
    spec.environment = {{"TASK_NAME", spec.name}, {"SHARED_FILE", shared.string()}};
    ids[spec.name] = Submit(spec);
  }
  for (const auto& [name, id] : ids) {
    auto seen = WaitDone(id);
    EXPECT_EQ(seen.status, TaskStatus::kSucceeded) << name << ": " << seen.status_reason;
  }
  std::map<std::string, int> runs;
  for (const auto& line : Lines(ReadFile(shared))) ++runs[line];
  std::map<std::string, int> once;
  for (const auto& [name, id] : ids) once[name] = 1;
  EXPECT_EQ(runs, once);
}

TEST_P(ExecutorConformance, RunsAnAttemptOnceHoweverOftenItIsSubmitted) {
  fs::path shared = dir_ / "ran";
  TaskSpec spec = Spec("append-name");
  spec.environment = {{"TASK_NAME", spec.name}, {"SHARED_FILE", shared.string()}};
  std::string first = Submit(spec);
  TaskSpec again = spec;
  again.fresh = false;
  std::string second = Submit(again);
  EXPECT_EQ(WaitDone(first).status, TaskStatus::kSucceeded);
  EXPECT_EQ(WaitDone(second).status, TaskStatus::kSucceeded);
  EXPECT_EQ(Lines(ReadFile(shared)), std::vector<std::string>{spec.name});

  // A new process asks for the same attempt without the id the first one gave.
  executor_.reset();
  executor_ = Make();
  ASSERT_NE(executor_, nullptr);
  auto adopted = WaitDone(Submit(again));
  EXPECT_EQ(adopted.status, TaskStatus::kSucceeded) << adopted.status_reason;
  EXPECT_EQ(Lines(ReadFile(shared)), std::vector<std::string>{spec.name});
}

TEST_P(ExecutorConformance, RefusesAnUnknownJobDefinition) {
  for (const char* resource : {"no-such-definition", "hello:99"}) {
    Status checked = executor_->CheckResource(resource);
    ASSERT_FALSE(checked.ok()) << resource;
    EXPECT_EQ(checked.error().code, ErrorCode::kInvalidArgument) << checked.error().message;
    auto submitted = executor_->Submit(Spec(resource));
    ASSERT_FALSE(submitted.ok()) << resource;
    EXPECT_EQ(submitted.error().code, ErrorCode::kInvalidArgument) << submitted.error().message;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Executors, ExecutorConformance,
    ::testing::Values(ExecutorKind{"Local", MakeLocalExecutor, ReadLocalLog},
                      ExecutorKind{"SlurmCli", MakeSlurmCliExecutor, ReadSlurmLog},
                      ExecutorKind{"SlurmRest", MakeSlurmRestExecutor, ReadSlurmLog}),
    [](const ::testing::TestParamInfo<ExecutorKind>& info) { return info.param.name; });

}  // namespace
}  // namespace wfm
