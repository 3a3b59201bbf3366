// The local executor with real child processes in a temporary directory.
#include "executor/local/local_executor.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

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
   "containerProperties": {"command": ["/nonexistent/binary"]}},
  {"jobDefinitionName": "printenv", "revision": 1,
   "containerProperties": {"command": ["printenv"],
                           "environment": [{"name": "FROM_DEFINITION", "value": "def-value"}]}},
  {"jobDefinitionName": "pwd", "revision": 1, "containerProperties": {"command": ["pwd"]}},
  {"jobDefinitionName": "function", "revision": 3,
   "containerProperties": {"command": ["sh", "-c", "cat > \"$WFM_TASK_OUTPUT\""],
                           "environment": [{"name": "FROM_DEFINITION", "value": "def-value"}]}},
  {"jobDefinitionName": "leaver", "revision": 1,
   "containerProperties": {"command": ["sh", "-c", "sleep 60 & echo $! > \"$MARKER\""]}},
  {"jobDefinitionName": "parent", "revision": 1,
   "containerProperties": {"command": ["sh", "-c", "sleep 60 & echo $! > \"$MARKER\"; wait"]}},
  {"jobDefinitionName": "signals", "revision": 1,
   "containerProperties": {"command": ["grep", "-E", "^Sig(Ign|Blk)", "/proc/self/status"]}},
  {"jobDefinitionName": "true", "revision": 1, "containerProperties": {"command": ["true"]}},
  {"jobDefinitionName": "data", "revision": 1,
   "containerProperties": {"command": ["sh", "-c", "test -z \"${_BATCH_START+set}\" && cat \"$_BATCH_START_FILE\""]}}
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

  std::unique_ptr<LocalExecutor> Make(int max_parallel, std::vector<std::string> pass = {}) {
    auto definitions = JobDefinitions::Parse(kDefinitions, "test");
    EXPECT_TRUE(definitions.ok()) << definitions.error().message;
    LocalExecutorOptions options{(dir_ / "tasks").string(), WFM_TASK_RUNNER, max_parallel, 1,
                                 std::move(pass)};
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

TEST(JobDefinitionsFile, RefusesNumbersOutOfRangeAndUnusableNames) {
  auto parse = [](const std::string& definition) {
    auto parsed = JobDefinitions::Parse("[" + definition + "]", "t.json");
    return parsed.ok() ? std::string() : parsed.error().message;
  };
  const std::string command = R"("containerProperties":{"command":["true"]})";
  EXPECT_EQ(parse(R"({"jobDefinitionName":"a","revision":2,)" + command + "}"), "");
  EXPECT_EQ(parse(R"({"jobDefinitionName":"a","revision":1e10,)" + command + "}"),
            "job definitions 't.json': definition 0: revision must be an integer from 1 to "
            "999999999");
  EXPECT_EQ(parse(R"({"jobDefinitionName":"a","revision":0,)" + command + "}"),
            "job definitions 't.json': definition 0: revision must be an integer from 1 to "
            "999999999");
  EXPECT_NE(parse(R"({"jobDefinitionName":"a","timeout":{"attemptDurationSeconds":-1.5e19},)" +
                  command + "}")
                .find("attemptDurationSeconds must be an integer"),
            std::string::npos);
  EXPECT_NE(parse(R"({"jobDefinitionName":"a:b",)" + command + "}").find("'a:b' must be"),
            std::string::npos);
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
  EXPECT_EQ(executor_->Terminate({id}, "user asked"), std::vector<std::string>{id});
  auto seen = WaitDone(*executor_, id);
  EXPECT_EQ(seen.status, TaskStatus::kFailed);
  EXPECT_NE(seen.status_reason.find("terminated"), std::string::npos) << seen.status_reason;
  EXPECT_GE(seen.stopped_at, seen.started_at);
  EXPECT_NE(seen.started_at, 0);
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

// The pid of the task's supervisor, from the attempt's state file ("started {"runnerPid": N,
// ...}").
pid_t RunnerPidOf(const fs::path& tasks_dir, const std::string& id) {
  std::ifstream in(tasks_dir / (id + ".state"));
  std::string line;
  std::getline(in, line);
  size_t at = line.find("\"runnerPid\":");
  return at == std::string::npos ? 0 : std::atoi(line.c_str() + at + 12);
}

TEST_F(LocalExecutorTest, AKilledRunnerFailsTheTaskWithAClearReason) {
  fs::path marker = dir_ / "killed";
  auto id =
      executor_->Submit(Spec("sleep:1", {{"MARKER", marker.string()}, {"SECONDS_TO_SLEEP", "60"}}))
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
  executor_.reset();      // the service is down...
  kill(runner, SIGKILL);  // ...when the supervisor dies (and its commands with it)

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

namespace wfm {
namespace {

// The pid of the attempt's command, from its state file ("command {"pid": N}").
pid_t CommandPidOf(const fs::path& tasks_dir, const std::string& id) {
  std::ifstream in(tasks_dir / (id + ".state"));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("command ", 0) == 0) return std::atoi(line.c_str() + line.find(':') + 1);
  }
  return 0;
}

// The descriptors a process has open: number -> what it points at.
std::map<int, std::string> OpenDescriptors(pid_t pid) {
  std::map<int, std::string> open;
  fs::path fds = "/proc/" + std::to_string(pid) + "/fd";
  for (const auto& entry : fs::directory_iterator(fds)) {
    std::error_code ec;
    open[std::stoi(entry.path().filename().string())] = fs::read_symlink(entry.path(), ec).string();
  }
  return open;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// The pid of the attempt's command once it is `sleep` (the "sleep" definition's shell has
// exec-ed it), or 0.
pid_t AwaitSleepingCommand(const fs::path& tasks_dir, const std::string& id) {
  auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (std::chrono::steady_clock::now() < deadline) {
    pid_t command = CommandPidOf(tasks_dir, id);
    if (command > 0 && ReadFile("/proc/" + std::to_string(command) + "/comm") == "sleep\n") {
      return command;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return 0;
}

TEST_F(LocalExecutorTest, NoDescriptorOfTheServiceReachesTheTask) {
  // What a service holds and could leak: a listening socket and a database file, neither of them
  // close-on-exec.
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(listener, 8), 0);
  int database = open((dir_ / "service.db").c_str(), O_CREAT | O_RDWR, 0600);
  ASSERT_GE(database, 0);

  fs::path marker = dir_ / "fds";
  auto id =
      executor_->Submit(Spec("sleep:1", {{"MARKER", marker.string()}, {"SECONDS_TO_SLEEP", "60"}}))
          .value();
  fs::path tasks = dir_ / "tasks";
  pid_t command = AwaitSleepingCommand(tasks, id);
  pid_t runner = RunnerPidOf(tasks, id);
  ASSERT_GT(command, 0);
  ASSERT_GT(runner, 0);

  std::string log = fs::canonical(tasks / (id + ".log")).string();
  std::map<int, std::string> expected = {{0, "/dev/null"}, {1, log}, {2, log}};
  // Polled: while `sleep` starts, the dynamic loader briefly has its libraries open.
  auto command_fds = OpenDescriptors(command);
  auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (command_fds != expected && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    command_fds = OpenDescriptors(command);
  }
  EXPECT_EQ(command_fds, expected);
  // The supervisor has descriptors of its own (its socket, the tasks' state files), none of the
  // service's.
  struct stat listener_stat {};
  fstat(listener, &listener_stat);
  std::string listener_target = "socket:[" + std::to_string(listener_stat.st_ino) + "]";
  std::string database_target = fs::canonical(dir_ / "service.db").string();
  for (const auto& [fd, target] : OpenDescriptors(runner)) {
    EXPECT_TRUE(target != listener_target && target != database_target)
        << "the supervisor holds descriptor " << fd << " on " << target;
  }

  executor_->Terminate({id}, "done");
  WaitDone(*executor_, id);
  close(listener);
  close(database);
}

TEST_F(LocalExecutorTest, TasksGetOnlyTheAllowedEnvironment) {
  setenv("AWS_SECRET_ACCESS_KEY", "service-secret", 1);
  setenv("WFM_STORE", "postgresql://wfm:password@db/wfm", 1);
  setenv("WFM_TEST_PASSED", "passed-value", 1);
  auto executor = Make(2, {"WFM_TEST_PASSED", "WFM_TEST_UNSET"});
  unsetenv("AWS_SECRET_ACCESS_KEY");
  unsetenv("WFM_STORE");
  unsetenv("WFM_TEST_PASSED");

  auto id = executor
                ->Submit(Spec("printenv", {{"_BATCH_START", "[1]"},
                                           {"WORKFLOW_MANAGER_JOB_ID", "job-1"},
                                           {"FROM_DEFINITION", "engine-wins"}}))
                .value();
  ASSERT_EQ(WaitDone(*executor, id).status, TaskStatus::kSucceeded);
  std::map<std::string, std::string> seen;
  std::istringstream lines(executor->ReadLog(id, 1 << 20).value());
  for (std::string line; std::getline(lines, line);) {
    seen[line.substr(0, line.find('='))] = line.substr(line.find('=') + 1);
  }
  std::map<std::string, std::string> expected = {
      {"WFM_TEST_PASSED", "passed-value"},
      {"FROM_DEFINITION", "engine-wins"},
      {"WORKFLOW_MANAGER_JOB_ID", "job-1"},
      {"_BATCH_START", "[1]"},
      {"_BATCH_START_FILE", (dir_ / "tasks" / (id + ".d") / "batch-start.json").string()}};
  for (const char* name : {"PATH", "HOME", "LANG", "TZ"}) {
    if (const char* value = std::getenv(name)) expected[name] = value;
  }
  EXPECT_EQ(seen, expected);
}

TEST_F(LocalExecutorTest, RefusesABadPassedVariableName) {
  auto definitions = JobDefinitions::Parse(kDefinitions, "test");
  LocalExecutorOptions options{(dir_ / "tasks").string(), WFM_TASK_RUNNER, 1, 1, {"A=B"}};
  auto executor = LocalExecutor::Create(options, definitions.value(), clock_);
  ASSERT_FALSE(executor.ok());
  EXPECT_EQ(executor.error().message, "--task-env-pass 'A=B' is not an environment variable name");
}

TEST_F(LocalExecutorTest, EachTaskRunsInADirectoryOfItsOwn) {
  auto first = executor_->Submit(Spec("pwd")).value();
  auto second = executor_->Submit(Spec("pwd")).value();
  ASSERT_EQ(WaitDone(*executor_, first).status, TaskStatus::kSucceeded);
  ASSERT_EQ(WaitDone(*executor_, second).status, TaskStatus::kSucceeded);
  EXPECT_EQ(Log(first), fs::canonical(dir_ / "tasks" / (first + ".d")).string() + "\n");
  EXPECT_EQ(Log(second), fs::canonical(dir_ / "tasks" / (second + ".d")).string() + "\n");
}

TEST_F(LocalExecutorTest, LargeDataReachesTheTaskWholeThroughAFile) {
  std::string data = "[";
  while (data.size() < 200 * 1024) data += "\"" + std::string(1000, 'x') + "\",";
  data += "\"end\"]";
  auto id = executor_->Submit(Spec("data", {{"_BATCH_START", data}})).value();
  auto seen = WaitDone(*executor_, id);
  ASSERT_EQ(seen.status, TaskStatus::kSucceeded) << seen.status_reason;
  EXPECT_EQ(Log(id), data);
}

TEST_F(LocalExecutorTest, TerminatesARunningTaskOfAnEarlierProcess) {
  fs::path marker = dir_ / "earlier";
  TaskSpec spec = Spec("sleep:1", {{"MARKER", marker.string()}, {"SECONDS_TO_SLEEP", "60"}});
  auto id = executor_->Submit(spec).value();
  pid_t command = AwaitSleepingCommand(dir_ / "tasks", id);
  ASSERT_GT(command, 0);
  executor_.reset();  // the service goes away; a cancel is pending when it comes back

  executor_ = Make(2);
  EXPECT_EQ(executor_->Terminate({id}, "cancelled across a restart"), std::vector<std::string>{id});
  auto seen = WaitDone(*executor_, id);
  EXPECT_EQ(seen.status, TaskStatus::kFailed);
  EXPECT_NE(seen.status_reason.find("terminated"), std::string::npos) << seen.status_reason;
  EXPECT_NE(seen.started_at, 0);
  EXPECT_GE(seen.stopped_at, seen.started_at);
  EXPECT_NE(kill(command, 0), 0) << "the command still runs";
  EXPECT_EQ(ReadFile(marker), "ran\n");
}

TEST_F(LocalExecutorTest, AnAttemptTerminatedBeforeItStartedNeverStarts) {
  fs::path marker = dir_ / "never";
  TaskSpec spec = Spec("sleep:1", {{"MARKER", marker.string()}, {"SECONDS_TO_SLEEP", "0"}});
  // Unknown to this process, no file yet: an attempt whose submission a crash prevented.
  EXPECT_EQ(executor_->Terminate({spec.name}, "cancelled early"),
            std::vector<std::string>{spec.name});
  auto seen = executor_->Describe({spec.name})[0];
  EXPECT_EQ(seen.status, TaskStatus::kFailed);
  EXPECT_EQ(seen.status_reason, "terminated before it started: cancelled early");
  EXPECT_NE(seen.stopped_at, 0);

  // Submitted later, by this process or by another sharing the directory, it still never runs.
  auto other = Make(2);
  EXPECT_EQ(other->Submit(spec).value(), spec.name);
  EXPECT_EQ(WaitDone(*other, spec.name).status_reason, seen.status_reason);
  EXPECT_EQ(executor_->Submit(spec).value(), spec.name);
  EXPECT_EQ(WaitDone(*executor_, spec.name).status, TaskStatus::kFailed);
  EXPECT_FALSE(fs::exists(marker));
}

TEST_F(LocalExecutorTest, AnAttemptAnEarlierProcessNeverSpawnedIsTerminatedForGood) {
  fs::path marker = dir_ / "unspawned";
  TaskSpec spec = Spec("sleep:1", {{"MARKER", marker.string()}, {"SECONDS_TO_SLEEP", "0"}});
  fs::create_directories(dir_ / "tasks");
  std::ofstream(dir_ / "tasks" / (spec.name + ".state")).close();  // died before the spawn
  EXPECT_EQ(executor_->Terminate({spec.name}, "cancelled"), std::vector<std::string>{spec.name});
  EXPECT_EQ(WaitDone(*executor_, spec.name).status_reason,
            "terminated before it started: cancelled");
  EXPECT_EQ(executor_->Submit(spec).value(), spec.name);
  EXPECT_EQ(WaitDone(*executor_, spec.name).status, TaskStatus::kFailed);
  EXPECT_FALSE(fs::exists(marker));
}

TEST_F(LocalExecutorTest, ChecksResourcesAgainstTheDefinitions) {
  EXPECT_TRUE(executor_->CheckResource("ok").ok());
  EXPECT_TRUE(executor_->CheckResource("sleep:2").ok());
  for (std::string resource : {"nope", "sleep:3", "sleep:1x", "ok:"}) {
    auto status = executor_->CheckResource(resource);
    ASSERT_FALSE(status.ok()) << resource;
    EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(status.error().message.rfind("resource '" + resource + "': ", 0), 0)
        << status.error().message;
  }
}

}  // namespace
}  // namespace wfm

namespace wfm {
namespace {

// Step Functions tasks: local functions (stdin, WFM_TASK_OUTPUT) and SubmitJob's overrides.

TaskSpec FunctionSpec(const std::string& input, nlohmann::json submit_job = nullptr) {
  TaskSpec spec{"f-" + NewUuid(), "", "function", {}};
  spec.function_input = input;
  spec.submit_job = std::move(submit_job);
  return spec;
}

// SubmitJob fields running `script` with sh instead of the definition's command.
nlohmann::json RunScript(const std::string& script) {
  return {{"containerOverrides", {{"command", {"sh", "-c", script}}}}};
}

TEST_F(LocalExecutorTest, AFunctionReadsItsInputOnStdinAndItsOutputIsObserved) {
  std::string input = R"({"list":[1,2,3],"text":"a \"quoted\" line\n"})";
  auto id = executor_->Submit(FunctionSpec(input)).value();
  auto seen = WaitDone(*executor_, id);
  ASSERT_EQ(seen.status, TaskStatus::kSucceeded) << seen.status_reason;
  EXPECT_EQ(seen.output_json, input);
  auto job = nlohmann::json::parse(seen.description_json);
  EXPECT_EQ(job["jobId"], id);
  EXPECT_EQ(job["jobName"], id);
  EXPECT_EQ(job["jobDefinition"], "function:3");
  EXPECT_EQ(job["jobQueue"], "local");
  EXPECT_EQ(job["status"], "SUCCEEDED");
  EXPECT_EQ(job["container"]["exitCode"], 0);
  EXPECT_EQ(job["container"]["command"][2], "cat > \"$WFM_TASK_OUTPUT\"");
  EXPECT_EQ(job["startedAt"], seen.started_at);
  EXPECT_EQ(job["stoppedAt"], seen.stopped_at);
  EXPECT_GT(job["createdAt"].get<int64_t>(), 0);
  EXPECT_LE(job["createdAt"].get<int64_t>(), job["startedAt"].get<int64_t>());
}

TEST_F(LocalExecutorTest, AFunctionThatWritesNothingHasAnEmptyOutput) {
  auto id = executor_->Submit(FunctionSpec("{}", RunScript("true"))).value();
  auto seen = WaitDone(*executor_, id);
  ASSERT_EQ(seen.status, TaskStatus::kSucceeded) << seen.status_reason;
  EXPECT_EQ(seen.output_json, "");
}

TEST_F(LocalExecutorTest, AFailingFunctionKeepsWhatItWroteAndItsExitCode) {
  auto id =
      executor_
          ->Submit(FunctionSpec("{}", RunScript("printf '{\"Error\":\"Bad\",\"Cause\":\"c\"}' > "
                                                "\"$WFM_TASK_OUTPUT\"; exit 4")))
          .value();
  auto seen = WaitDone(*executor_, id);
  ASSERT_EQ(seen.status, TaskStatus::kFailed);
  EXPECT_EQ(seen.exit_code, 4);
  EXPECT_EQ(seen.output_json, R"({"Error":"Bad","Cause":"c"})");
  auto job = nlohmann::json::parse(seen.description_json);
  EXPECT_EQ(job["status"], "FAILED");
  EXPECT_EQ(job["container"]["exitCode"], 4);
  EXPECT_EQ(job["statusReason"], "exit code 4");
}

TEST_F(LocalExecutorTest, HostileInputSizesReachTheFunctionWhole) {
  std::string large(4 << 20, 'x');  // far beyond what an environment or a pipe buffer holds
  for (const std::string& input : {std::string(), large}) {
    auto id =
        executor_->Submit(FunctionSpec(input, RunScript("wc -c > \"$WFM_TASK_OUTPUT\""))).value();
    auto seen = WaitDone(*executor_, id);
    ASSERT_EQ(seen.status, TaskStatus::kSucceeded) << seen.status_reason;
    EXPECT_EQ(std::stoul(seen.output_json), input.size());
  }
}

TEST_F(LocalExecutorTest, AnOutputOfMoreThan256KiBFailsTheTask) {
  std::string write_bytes = "head -c %d /dev/zero | tr '\\0' 1 > \"$WFM_TASK_OUTPUT\"";
  auto script = [&](int bytes) {
    std::string text = write_bytes;
    return text.replace(text.find("%d"), 2, std::to_string(bytes));
  };
  auto fits = executor_->Submit(FunctionSpec("{}", RunScript(script(256 * 1024)))).value();
  auto seen = WaitDone(*executor_, fits);
  ASSERT_EQ(seen.status, TaskStatus::kSucceeded) << seen.status_reason;
  EXPECT_EQ(seen.output_json, std::string(256 * 1024, '1'));

  auto too_large = executor_->Submit(FunctionSpec("{}", RunScript(script(256 * 1024 + 1)))).value();
  seen = WaitDone(*executor_, too_large);
  EXPECT_EQ(seen.status, TaskStatus::kFailed);
  EXPECT_EQ(seen.status_reason, "output larger than 256 KiB");
  EXPECT_EQ(nlohmann::json::parse(seen.output_json)["Error"], "States.DataLimitExceeded");
}

TEST_F(LocalExecutorTest, AnOutputReplacedByALinkOrAFifoFailsTheTaskInsteadOfBlocking) {
  for (const char* script : {"ln -sf /dev/zero \"$WFM_TASK_OUTPUT\"",
                             "rm \"$WFM_TASK_OUTPUT\" && mkfifo \"$WFM_TASK_OUTPUT\""}) {
    auto id = executor_->Submit(FunctionSpec("{}", RunScript(script))).value();
    auto seen = WaitDone(*executor_, id);
    EXPECT_EQ(seen.status, TaskStatus::kFailed) << script;
    EXPECT_NE(seen.status_reason.find("output"), std::string::npos) << seen.status_reason;
  }
}

// After a restart the engine only Describes: a task adopted that way while its runner still runs
// must be watched, and its end seen, with nothing else happening in the executor.
TEST_F(LocalExecutorTest, ATaskAdoptedByDescribeAloneIsSeenEnding) {
  fs::path started = dir_ / "started", release = dir_ / "release";
  std::string script = "echo ran >> '" + started.string() + "'; while [ ! -e '" + release.string() +
                       "' ]; do sleep 0.05; done; cat > \"$WFM_TASK_OUTPUT\"";
  auto spec = FunctionSpec(R"({"n":1})", RunScript(script));
  executor_->Submit(spec).value();
  while (ReadFile(started) != "ran\n") std::this_thread::sleep_for(std::chrono::milliseconds(10));
  executor_.reset();  // as after kill -9

  executor_ = Make(2);
  auto quick = executor_->Submit(FunctionSpec("{}", RunScript("true"))).value();
  WaitDone(*executor_, quick);  // the watcher is polling what it watched until now
  ASSERT_EQ(executor_->Describe({spec.name})[0].status, TaskStatus::kRunning);
  std::ofstream(release).close();
  auto seen = WaitDone(*executor_, spec.name);
  ASSERT_EQ(seen.status, TaskStatus::kSucceeded) << seen.status_reason;
  EXPECT_EQ(seen.output_json, R"({"n":1})");
}

TEST_F(LocalExecutorTest, AFunctionsOutputIsReadByAFreshExecutorAfterTheServiceDied) {
  fs::path started = dir_ / "started", release = dir_ / "release";
  std::string script = "echo ran >> '" + started.string() + "'; while [ ! -e '" + release.string() +
                       "' ]; do sleep 0.05; done; cat > \"$WFM_TASK_OUTPUT\"";
  // One adopted while it runs, one that ends while no service watches it.
  auto running = FunctionSpec(R"({"n":1})", RunScript(script));
  auto ended = FunctionSpec(R"({"n":2})", RunScript(script));
  executor_->Submit(running).value();
  executor_->Submit(ended).value();
  while (ReadFile(started) != "ran\nran\n") {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  executor_.reset();  // as after kill -9: nothing of the service's memory survives
  std::ofstream(release).close();
  auto ended_state = dir_ / "tasks" / (ended.name + ".state");
  while (ReadFile(ended_state).find("\nexit ") == std::string::npos) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  executor_ = Make(2);
  auto seen = WaitDone(*executor_, ended.name);  // Describe alone, as the engine does at restart
  ASSERT_EQ(seen.status, TaskStatus::kSucceeded) << seen.status_reason;
  EXPECT_EQ(seen.output_json, R"({"n":2})");
  EXPECT_EQ(nlohmann::json::parse(seen.description_json)["status"], "SUCCEEDED");
  EXPECT_EQ(executor_->Submit(running).value(), running.name);  // adopted, never started again
  seen = WaitDone(*executor_, running.name);
  ASSERT_EQ(seen.status, TaskStatus::kSucceeded) << seen.status_reason;
  EXPECT_EQ(seen.output_json, R"({"n":1})");
  EXPECT_EQ(nlohmann::json::parse(seen.description_json)["container"]["command"][0], "sh");
  EXPECT_EQ(ReadFile(started), "ran\nran\n");
}

TEST_F(LocalExecutorTest, SubmitJobOverridesTheCommandAndAddsEnvironment) {
  TaskSpec spec = Spec("printenv", {{"FROM_ENGINE", "engine-value"}});
  spec.submit_job = {{"jobQueue", "ignored-locally"},
                     {"parameters", {{"p", "v"}}},
                     {"containerOverrides",
                      {{"command", {"printenv", "FROM_DEFINITION", "FROM_OVERRIDE", "FROM_ENGINE"}},
                       {"environment",
                        {{{"name", "FROM_DEFINITION"}, {"value", "overridden"}},
                         {{"name", "FROM_OVERRIDE"}, {"value", "a b;$(c)"}}}},
                       {"resourceRequirements", {{{"type", "VCPU"}, {"value", "1"}}}}}},
                     {"retryStrategy", {{"attempts", 2}}},
                     {"tags", {{"k", "v"}}},
                     {"arrayProperties", {{"size", 2}}}};
  auto id = executor_->Submit(spec).value();
  auto seen = WaitDone(*executor_, id);
  ASSERT_EQ(seen.status, TaskStatus::kSucceeded) << seen.status_reason;
  EXPECT_EQ(Log(id), "overridden\na b;$(c)\nengine-value\n");
  EXPECT_EQ(seen.output_json, "");  // not a function
  auto job = nlohmann::json::parse(seen.description_json);
  EXPECT_EQ(job["container"]["command"],
            nlohmann::json({"printenv", "FROM_DEFINITION", "FROM_OVERRIDE", "FROM_ENGINE"}));
  EXPECT_EQ(job["container"]["environment"],
            nlohmann::json::parse(R"json([{"name":"FROM_DEFINITION","value":"def-value"},
                                          {"name":"FROM_DEFINITION","value":"overridden"},
                                          {"name":"FROM_OVERRIDE","value":"a b;$(c)"}])json"));
}

TEST_F(LocalExecutorTest, SubmitJobOverridesTheTimeout) {
  TaskSpec spec = Spec("pwd");  // no timeout of its own
  spec.submit_job = RunScript("exec sleep 30");
  spec.submit_job["timeout"] = {{"attemptDurationSeconds", 1}};
  auto id = executor_->Submit(spec).value();
  auto seen = WaitDone(*executor_, id);
  EXPECT_EQ(seen.status, TaskStatus::kFailed);
  EXPECT_NE(seen.status_reason.find("timed out after 1s"), std::string::npos) << seen.status_reason;
}

TEST_F(LocalExecutorTest, ARunningStepFunctionsTaskIsDescribedRunning) {
  fs::path release = dir_ / "release";
  auto id = executor_
                ->Submit(FunctionSpec("{}", RunScript("while [ ! -e '" + release.string() +
                                                      "' ]; do sleep 0.05; done")))
                .value();
  auto seen = executor_->Describe({id})[0];
  EXPECT_EQ(seen.status, TaskStatus::kRunning);
  auto job = nlohmann::json::parse(seen.description_json);
  EXPECT_EQ(job["status"], "RUNNING");
  EXPECT_FALSE(job.contains("stoppedAt"));
  EXPECT_FALSE(job["container"].contains("exitCode"));
  std::ofstream(release).close();
  EXPECT_EQ(WaitDone(*executor_, id).status, TaskStatus::kSucceeded);
}

TEST_F(LocalExecutorTest, V1TasksHaveNoStepFunctionsObservations) {
  auto id = executor_->Submit(Spec("ok")).value();
  auto seen = WaitDone(*executor_, id);
  EXPECT_EQ(seen.description_json, "");
  EXPECT_EQ(seen.output_json, "");
  EXPECT_FALSE(fs::exists(dir_ / "tasks" / (id + ".d") / "job.json"));
}

TEST_F(LocalExecutorTest, RefusesMalformedSubmitJobFieldsAndRunsNothing) {
  const char* bad[] = {
      R"("not an object")",
      R"({"containerOverrides": []})",
      R"({"containerOverrides": {"command": "echo hi"}})",
      R"({"containerOverrides": {"command": []}})",
      R"({"containerOverrides": {"command": ["echo", ""]}})",
      R"({"containerOverrides": {"command": ["echo", 1]}})",
      R"({"containerOverrides": {"environment": {"A": "b"}}})",
      R"({"containerOverrides": {"environment": [{"name": "A", "value": 1}]}})",
      R"({"containerOverrides": {"environment": [{"value": "x"}]}})",
      R"({"containerOverrides": {"environment": [{"name": "A=B", "value": "x"}]}})",
      R"({"containerOverrides": {"environment": [{"name": "", "value": "x"}]}})",
      R"({"timeout": 60})",
      R"({"timeout": {"attemptDurationSeconds": "60"}})",
      R"({"timeout": {"attemptDurationSeconds": 0}})",
      R"({"timeout": {"attemptDurationSeconds": 1.5}})",
      R"({"timeout": {"attemptDurationSeconds": 18446744073709551615}})",
  };
  for (const char* fields : bad) {
    TaskSpec spec = Spec("ok");
    spec.submit_job = nlohmann::json::parse(fields);
    auto submitted = executor_->Submit(spec);
    ASSERT_FALSE(submitted.ok()) << fields;
    EXPECT_EQ(submitted.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(submitted.error().message.rfind("SubmitJob parameters: ", 0), 0)
        << submitted.error().message;
    EXPECT_FALSE(fs::exists(dir_ / "tasks" / (spec.name + ".state"))) << fields;
  }
}

// The supervisor's promises that a long-lived process shared by services has to keep.

// The pid written to `marker` by a task, once it is there.
pid_t PidIn(const fs::path& marker) {
  auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(marker);
    pid_t pid = 0;
    if (in >> pid && pid > 0) return pid;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return 0;
}

// Whether `pid` still runs (a zombie does not), waiting for it to end for up to kPatience.
bool StillRuns(pid_t pid) {
  auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (std::chrono::steady_clock::now() < deadline) {
    std::string status = ReadFile("/proc/" + std::to_string(pid) + "/status");
    if (status.empty() || status.find("State:\tZ") != std::string::npos) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

TEST_F(LocalExecutorTest, WhatACommandLeavesInItsProcessGroupEndsWithIt) {
  fs::path marker = dir_ / "left";
  auto id = executor_->Submit(Spec("leaver:1", {{"MARKER", marker.string()}})).value();
  pid_t left = PidIn(marker);
  ASSERT_GT(left, 0);
  EXPECT_EQ(WaitDone(*executor_, id).status, TaskStatus::kSucceeded);
  EXPECT_FALSE(StillRuns(left)) << "the command's child " << left << " outlived it";
}

TEST_F(LocalExecutorTest, AKilledSupervisorTakesTheCommandsChildrenWithIt) {
  fs::path marker = dir_ / "child";
  auto id = executor_->Submit(Spec("parent:1", {{"MARKER", marker.string()}})).value();
  pid_t child = PidIn(marker);
  ASSERT_GT(child, 0);
  pid_t supervisor = RunnerPidOf(dir_ / "tasks", id);
  ASSERT_GT(supervisor, 0);
  kill(supervisor, SIGKILL);
  auto seen = WaitDone(*executor_, id);
  EXPECT_EQ(seen.status, TaskStatus::kFailed);
  EXPECT_NE(seen.status_reason.find("outcome unknown"), std::string::npos) << seen.status_reason;
  EXPECT_FALSE(StillRuns(child)) << "the command's child " << child << " outlived its supervisor";
  // A new supervisor runs the next task.
  EXPECT_EQ(WaitDone(*executor_, executor_->Submit(Spec("true:1")).value()).status,
            TaskStatus::kSucceeded);
}

TEST_F(LocalExecutorTest, AConnectedProcessThatNeverReadsHoldsUpNoTask) {
  ASSERT_EQ(WaitDone(*executor_, executor_->Submit(Spec("true:1")).value()).status,
            TaskStatus::kSucceeded);  // the supervisor runs
  int silent = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::string path = (dir_ / "tasks" / "supervisor.sock").string();
  snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
  ASSERT_EQ(connect(silent, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  // Far more "started" and "done" words than a socket buffer holds, none of them read.
  std::vector<std::string> ids;
  for (int i = 0; i < 400; ++i) ids.push_back(executor_->Submit(Spec("true:1")).value());
  for (const auto& id : ids) {
    ASSERT_EQ(WaitDone(*executor_, id).status, TaskStatus::kSucceeded) << id;
  }
  close(silent);
}

TEST_F(LocalExecutorTest, AnotherUserCanNotReachTheSupervisor) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root, to become another user";
  ASSERT_EQ(WaitDone(*executor_, executor_->Submit(Spec("true:1")).value()).status,
            TaskStatus::kSucceeded);
  std::string path = (dir_ / "tasks" / "supervisor.sock").string();
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
  pid_t child = fork();
  if (child == 0) {  // system calls only: this process has other threads
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(3);
    int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    _exit(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 ? 1 : 0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "user nobody could connect to the supervisor";
  struct stat socket_stat {};
  ASSERT_EQ(stat(path.c_str(), &socket_stat), 0);
  EXPECT_EQ(socket_stat.st_mode & 077, 0u) << std::oct << socket_stat.st_mode;
}

TEST_F(LocalExecutorTest, ATaskStartsWithEverySignalAtItsDefault) {
  auto id = executor_->Submit(Spec("signals:1")).value();
  ASSERT_EQ(WaitDone(*executor_, id).status, TaskStatus::kSucceeded);
  EXPECT_EQ(Log(id), "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
}

TEST(JobDefinitionsTest, RefusesWhatCanNotReachATaskIntact) {
  auto parse = [](const std::string& container) {
    return JobDefinitions::Parse(
        R"({"jobDefinitions": [{"jobDefinitionName": "d", "revision": 2, "containerProperties": )" +
            container + "}]}",
        "test");
  };
  EXPECT_TRUE(parse(R"({"command": ["a"], "environment": [{"name": "A", "value": "b=c"}]})").ok());
  for (const char* bad : {R"({"command": ["a\u0000b"]})",
                          R"({"command": ["a"], "environment": [{"name": "A=B", "value": "v"}]})",
                          R"({"command": ["a"], "environment": [{"name": "", "value": "v"}]})",
                          R"({"command": ["a"], "environment": [{"name": "A", "value": "\u0000"}]})"}) {
    auto parsed = parse(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.error().message.find("d:2"), std::string::npos) << parsed.error().message;
  }
}

}  // namespace
}  // namespace wfm
