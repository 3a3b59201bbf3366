// The Step Functions engine against the memory store, the fake executor and a fake clock: runs,
// stores, survives a restart, stops, redrives, hands activity tasks to workers.
#include "engine/execution_engine.h"

#include <gtest/gtest.h>

#include <future>

#include "engine/execution_tasks.h"
#include "executor/fake/fake_executor.h"
#include "store/memory/memory_store.h"

namespace wfm {
namespace {

using nlohmann::json;

constexpr const char* kMachineArn = "arn:aws:states:us-east-1:123456789012:stateMachine:m";

class ExecutionEngineTest : public ::testing::Test {
 protected:
  ExecutionEngineTest() { MakeEngine(); }

  void MakeEngine(double wait_time_scale = 1.0, size_t max_resident = 10000) {
    engine_.reset();
    ExecutionEngineOptions options;
    options.wait_time_scale = wait_time_scale;
    options.max_resident_executions = max_resident;
    engine_ = std::make_unique<ExecutionEngine>(store_, executor_, clock_, options);
  }

  // Starts an execution named `name` of `definition` with `input`.
  Record Start(const std::string& name, const json& definition,
               const json& input = json::object()) {
    StartExecutionRequest request;
    request.state_machine_arn = kMachineArn;
    request.state_machine_name = "m";
    request.definition = definition.dump();
    request.role_arn = "arn:aws:iam::123456789012:role/r";
    request.execution_arn = "arn:aws:states:us-east-1:123456789012:execution:m:" + name;
    request.name = name;
    request.input = input.dump();
    auto record = engine_->StartExecution(request);
    EXPECT_TRUE(record.ok()) << record.error().message;
    return record.value();
  }

  ExecutionInfo Info(const std::string& name) {
    auto record = store_.GetRecord(kRecordExecution,
                                   "arn:aws:states:us-east-1:123456789012:execution:m:" + name);
    EXPECT_TRUE(record.ok());
    return ExecutionInfoOf(record.value()).value();
  }

  std::vector<std::string> EventTypes(const std::string& name) {
    auto events = store_.ReadHistory("arn:aws:states:us-east-1:123456789012:execution:m:" + name, 1,
                                     1000, false);
    EXPECT_TRUE(events.ok());
    std::vector<std::string> types;
    int64_t expected_id = 1;
    for (const auto& event : events.value()) {
      EXPECT_EQ(event.id, expected_id++);  // no gaps
      types.push_back(json::parse(event.body)["type"].get<std::string>());
    }
    return types;
  }

  // A function resource `name` whose script answers `output` with `exit_code`.
  void Script(const std::string& name, std::function<FakeTaskResult(const TaskSpec&)> script) {
    executor_.ScriptResource(name, std::move(script));
  }

  FakeClock clock_;
  MemoryStore store_;
  FakeExecutor executor_{clock_, FakeExecutor::Mode::kSucceedAtOnce};
  std::unique_ptr<ExecutionEngine> engine_;
};

std::string Fn(const std::string& name) {
  return "arn:aws:lambda:us-east-1:123456789012:function:" + name;
}

TEST_F(ExecutionEngineTest, PassStatesRunToTheEndWithTheirHistory) {
  json definition = {
      {"StartAt", "A"},
      {"States",
       {{"A", {{"Type", "Pass"}, {"Result", {{"x", 1}}}, {"ResultPath", "$.a"}, {"Next", "B"}}},
        {"B", {{"Type", "Pass"}, {"End", true}}}}}};
  Start("one", definition, {{"in", true}});
  engine_->RunUntilIdle();
  ExecutionInfo info = Info("one");
  EXPECT_EQ(info.status, kExecutionSucceeded);
  EXPECT_EQ(json::parse(*info.output), json({{"in", true}, {"a", {{"x", 1}}}}));
  EXPECT_EQ(EventTypes("one"), (std::vector<std::string>{"ExecutionStarted", "PassStateEntered",
                                                         "PassStateExited", "PassStateEntered",
                                                         "PassStateExited", "ExecutionSucceeded"}));
}

TEST_F(ExecutionEngineTest, AFunctionGetsItsInputAndItsResultFlowsOn) {
  Script("double", [](const TaskSpec& spec) {
    json in = json::parse(*spec.function_input);
    return FakeTaskResult{0, json({{"value", in["n"].get<int>() * 2}}).dump(), ""};
  });
  json definition = {{"StartAt", "T"},
                     {"States",
                      {{"T",
                        {{"Type", "Task"},
                         {"Resource", Fn("double")},
                         {"Parameters", {{"n.$", "$.n"}}},
                         {"ResultPath", "$.r"},
                         {"End", true}}}}}};
  Start("fn", definition, {{"n", 21}});
  engine_->RunUntilIdle();
  ExecutionInfo info = Info("fn");
  ASSERT_EQ(info.status, kExecutionSucceeded) << info.error << " " << info.cause;
  EXPECT_EQ(json::parse(*info.output), json({{"n", 21}, {"r", {{"value", 42}}}}));
  auto specs = executor_.Specs();
  ASSERT_EQ(specs.size(), 1u);
  bool has_state_name = false;
  for (const auto& [name, value] : specs[0].environment) {
    if (name == "WFM_STATE_NAME" && value == "T") has_state_name = true;
  }
  EXPECT_TRUE(has_state_name);
}

TEST_F(ExecutionEngineTest, AFailedTaskSaysItsExitCodeOnce) {
  Script("exits-3", [](const TaskSpec&) { return FakeTaskResult{3, "", ""}; });
  json definition = {
      {"StartAt", "T"},
      {"States", {{"T", {{"Type", "Task"}, {"Resource", Fn("exits-3")}, {"End", true}}}}}};
  Start("exit", definition);
  engine_->RunUntilIdle();
  ExecutionInfo info = Info("exit");
  EXPECT_EQ(info.status, kExecutionFailed);
  EXPECT_EQ(info.error, "States.TaskFailed");
  EXPECT_EQ(info.cause, "exit code 3");
}

TEST_F(ExecutionEngineTest, RetriesThenCatches) {
  int calls = 0;
  Script("flaky", [&calls](const TaskSpec&) {
    ++calls;
    return FakeTaskResult{1, R"({"Error":"Custom.Flaky","Cause":"again"})", ""};
  });
  json definition = {
      {"StartAt", "T"},
      {"States",
       {{"T",
         {{"Type", "Task"},
          {"Resource", Fn("flaky")},
          {"Retry",
           json::array(
               {{{"ErrorEquals", {"Custom.Flaky"}}, {"IntervalSeconds", 1}, {"MaxAttempts", 2}}})},
          {"Catch",
           json::array(
               {{{"ErrorEquals", {"States.ALL"}}, {"Next", "Caught"}, {"ResultPath", "$.error"}}})},
          {"End", true}}},
        {"Caught", {{"Type", "Pass"}, {"End", true}}}}}};
  MakeEngine(/*wait_time_scale=*/0);
  Start("retry", definition);
  engine_->RunUntilIdle();
  ExecutionInfo info = Info("retry");
  ASSERT_EQ(info.status, kExecutionSucceeded) << info.error << " " << info.cause;
  EXPECT_EQ(calls, 3);  // the first call and two retries
  EXPECT_EQ(json::parse(*info.output)["error"],
            json({{"Error", "Custom.Flaky"}, {"Cause", "again"}}));
}

TEST_F(ExecutionEngineTest, ParallelAndMapCollectTheirOutputsInOrder) {
  Script("inc", [](const TaskSpec& spec) {
    return FakeTaskResult{0, std::to_string(json::parse(*spec.function_input).get<int>() + 1), ""};
  });
  json branch = {{"StartAt", "I"},
                 {"States", {{"I", {{"Type", "Task"}, {"Resource", Fn("inc")}, {"End", true}}}}}};
  json definition = {
      {"StartAt", "P"},
      {"States",
       {{"P",
         {{"Type", "Parallel"},
          {"Branches",
           json::array(
               {{{"StartAt", "X"},
                 {"States", {{"X", {{"Type", "Pass"}, {"Result", "x"}, {"End", true}}}}}},
                {{"StartAt", "Y"},
                 {"States", {{"Y", {{"Type", "Pass"}, {"Result", "y"}, {"End", true}}}}}}})},
          {"ResultPath", "$.parallel"},
          {"Next", "M"}}},
        {"M",
         {{"Type", "Map"},
          {"ItemsPath", "$.items"},
          {"MaxConcurrency", 2},
          {"ItemProcessor", branch},
          {"ResultPath", "$.mapped"},
          {"End", true}}}}}};
  Start("fan", definition, {{"items", {1, 2, 3, 4, 5}}});
  engine_->RunUntilIdle();
  ExecutionInfo info = Info("fan");
  ASSERT_EQ(info.status, kExecutionSucceeded) << info.error << " " << info.cause;
  json output = json::parse(*info.output);
  EXPECT_EQ(output["parallel"], json({"x", "y"}));
  EXPECT_EQ(output["mapped"], json({2, 3, 4, 5, 6}));
}

TEST_F(ExecutionEngineTest, AWaitSurvivesARestartAndEndsOnTime) {
  json definition = {{"StartAt", "W"},
                     {"States", {{"W", {{"Type", "Wait"}, {"Seconds", 3600}, {"End", true}}}}}};
  Start("wait", definition);
  engine_->RunUntilIdle();
  EXPECT_EQ(Info("wait").status, kExecutionRunning);
  clock_.Advance(1800 * 1000);
  MakeEngine();  // a restart: a new engine on the same store
  engine_->RunUntilIdle();
  EXPECT_EQ(Info("wait").status, kExecutionRunning);
  clock_.Advance(1800 * 1000);
  engine_->RunUntilIdle();
  EXPECT_EQ(Info("wait").status, kExecutionSucceeded);
}

TEST_F(ExecutionEngineTest, ATimerPathOverTheLargestAllowedNumberFailsInsteadOfOverflowing) {
  json wait = {{"StartAt", "W"},
               {"States", {{"W", {{"Type", "Wait"}, {"SecondsPath", "$.s"}, {"End", true}}}}}};
  json task = {{"StartAt", "T"},
               {"States",
                {{"T",
                  {{"Type", "Task"},
                   {"Resource", Fn("slow")},
                   {"TimeoutSecondsPath", "$.s"},
                   {"HeartbeatSecondsPath", "$.h"},
                   {"End", true}}}}}};
  // 2^61 seconds: in milliseconds past int64, the timer would have been due at once.
  Start("wait-huge", wait, {{"s", 2305843009213693952LL}});
  Start("wait-float", wait, {{"s", 1e300}});
  Start("timeout-huge", task, {{"s", 2305843009213693954LL}, {"h", 1}});
  Start("heartbeat-huge", task, {{"s", 10}, {"h", 100000000}});
  Start("wait-largest", wait, {{"s", 99999999}});
  engine_->RunUntilIdle();
  for (const char* name : {"wait-huge", "wait-float", "timeout-huge", "heartbeat-huge"}) {
    ExecutionInfo info = Info(name);
    EXPECT_EQ(info.status, kExecutionFailed) << name;
    EXPECT_EQ(info.error, "States.Runtime") << name;
    EXPECT_NE(info.cause.find("over 99999999"), std::string::npos) << name << ": " << info.cause;
  }
  clock_.Advance(3600 * 1000);
  engine_->RunUntilIdle();
  EXPECT_EQ(Info("wait-largest").status, kExecutionRunning);  // the largest allowed: it waits
}

TEST_F(ExecutionEngineTest, TimersOverdueTogetherFireInTheOrderTheyFellDue) {
  // As after an outage: the clock jumps past several timers of one execution at once.
  json wait_then_timeout = {{"TimeoutSeconds", 3},
                            {"StartAt", "W"},
                            {"States", {{"W", {{"Type", "Wait"}, {"Seconds", 2}, {"End", true}}}}}};
  auto branch = [](int seconds, const std::string& error) {  // state names unique per machine
    return json{{"StartAt", "W" + error},
                {"States",
                 {{"W" + error, {{"Type", "Wait"}, {"Seconds", seconds}, {"Next", "F" + error}}},
                  {"F" + error, {{"Type", "Fail"}, {"Error", error}}}}}};
  };
  json later_branch_first = {{"StartAt", "P"},
                             {"States",
                              {{"P",
                                {{"Type", "Parallel"},
                                 {"Branches", {branch(3, "Later"), branch(1, "Earlier")}},
                                 {"End", true}}}}}};
  Start("wait-then-timeout", wait_then_timeout);
  Start("later-branch-first", later_branch_first);
  engine_->RunUntilIdle();
  clock_.Advance(5000);
  engine_->RunUntilIdle();
  EXPECT_EQ(Info("wait-then-timeout").status, kExecutionSucceeded);  // the Wait ended first
  ExecutionInfo parallel = Info("later-branch-first");
  EXPECT_EQ(parallel.status, kExecutionFailed);
  EXPECT_EQ(parallel.error, "Earlier");
}

TEST_F(ExecutionEngineTest, ARestartAdoptsARunningTaskInsteadOfStartingItAgain) {
  FakeExecutor manual(clock_, FakeExecutor::Mode::kManual);
  auto engine = std::make_unique<ExecutionEngine>(store_, manual, clock_);
  StartExecutionRequest request;
  request.state_machine_arn = kMachineArn;
  request.state_machine_name = "m";
  request.definition =
      json({{"StartAt", "T"},
            {"States", {{"T", {{"Type", "Task"}, {"Resource", Fn("slow")}, {"End", true}}}}}})
          .dump();
  request.execution_arn = "arn:aws:states:us-east-1:123456789012:execution:m:adopt";
  request.name = "adopt";
  ASSERT_TRUE(engine->StartExecution(request).ok());
  engine->RunUntilIdle();
  ASSERT_EQ(manual.Launches(), 1);
  std::string id = manual.Specs()[0].name;
  engine.reset();  // the service dies while the task runs
  engine = std::make_unique<ExecutionEngine>(store_, manual, clock_);
  engine->RunUntilIdle();
  EXPECT_EQ(manual.Launches(), 1);  // adopted, not started again
  manual.Finish(id, 0, R"({"done": true})");
  engine->RunUntilIdle();
  EXPECT_EQ(Info("adopt").status, kExecutionSucceeded);
  EXPECT_EQ(json::parse(*Info("adopt").output), json({{"done", true}}));
}

TEST_F(ExecutionEngineTest, StopAbortsAndTerminatesTheRunningTask) {
  FakeExecutor manual(clock_, FakeExecutor::Mode::kManual);
  ExecutionEngine engine(store_, manual, clock_);
  StartExecutionRequest request;
  request.state_machine_arn = kMachineArn;
  request.definition =
      json({{"StartAt", "T"},
            {"States", {{"T", {{"Type", "Task"}, {"Resource", Fn("slow")}, {"End", true}}}}}})
          .dump();
  request.execution_arn = "arn:aws:states:us-east-1:123456789012:execution:m:stop";
  request.name = "stop";
  ASSERT_TRUE(engine.StartExecution(request).ok());
  engine.RunUntilIdle();
  auto stopped = engine.StopExecution(request.execution_arn, "User.Stop", "enough");
  ASSERT_TRUE(stopped.ok()) << stopped.error().message;
  engine.RunUntilIdle();
  ExecutionInfo info = Info("stop");
  EXPECT_EQ(info.status, kExecutionAborted);
  EXPECT_EQ(info.error, "User.Stop");
  EXPECT_EQ(manual.Terminated().size(), 1u);
  auto again = engine.StopExecution(request.execution_arn, "x", "y");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value(), stopped.value());  // stopping a stopped execution changes nothing
  auto missing = engine.StopExecution(request.execution_arn + "-no", "", "");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().type, "ExecutionDoesNotExist");
}

// A request for execution `name` of a machine of one Task state running function `function`.
StartExecutionRequest OneTaskRequest(const std::string& name, const std::string& function) {
  StartExecutionRequest request;
  request.state_machine_arn = kMachineArn;
  request.state_machine_name = "m";
  request.definition =
      json({{"StartAt", "T"},
            {"States", {{"T", {{"Type", "Task"}, {"Resource", Fn(function)}, {"End", true}}}}}})
          .dump();
  request.execution_arn = "arn:aws:states:us-east-1:123456789012:execution:m:" + name;
  request.name = name;
  return request;
}

TEST_F(ExecutionEngineTest, AStopTheExecutorCannotTakeYetIsSentAgainUntilItIs) {
  FakeExecutor manual(clock_, FakeExecutor::Mode::kManual);
  ExecutionEngine engine(store_, manual, clock_);
  StartExecutionRequest request = OneTaskRequest("refused", "slow");
  ASSERT_TRUE(engine.StartExecution(request).ok());
  engine.RunUntilIdle();
  manual.RefuseTerminates(true);
  ASSERT_TRUE(engine.StopExecution(request.execution_arn, "User.Stop", "enough").ok());
  engine.RunUntilIdle();
  EXPECT_EQ(Info("refused").status, kExecutionAborted);
  EXPECT_TRUE(manual.Terminated().empty());
  EXPECT_EQ(store_.ListRecordsWithStatus("task-stop", "PENDING")->size(), 1u);

  manual.RefuseTerminates(false);
  engine.RunUntilIdle();
  EXPECT_EQ(manual.Terminated().size(), 1u);
  EXPECT_TRUE(store_.ListRecordsWithStatus("task-stop", "PENDING")->empty());
}

TEST_F(ExecutionEngineTest, AStopDecidedBeforeACrashIsSentAfterTheRestart) {
  FakeExecutor manual(clock_, FakeExecutor::Mode::kManual);
  auto engine = std::make_unique<ExecutionEngine>(store_, manual, clock_);
  StartExecutionRequest request = OneTaskRequest("crash", "slow");
  ASSERT_TRUE(engine->StartExecution(request).ok());
  engine->RunUntilIdle();
  manual.RefuseTerminates(true);  // the executor is away when the stop is decided
  ASSERT_TRUE(engine->StopExecution(request.execution_arn, "User.Stop", "enough").ok());
  engine->RunUntilIdle();
  engine.reset();  // the service dies with the stop unsent
  ASSERT_TRUE(manual.Terminated().empty());

  manual.RefuseTerminates(false);
  engine = std::make_unique<ExecutionEngine>(store_, manual, clock_);
  engine->RunUntilIdle();
  EXPECT_EQ(manual.Terminated(), std::set<std::string>{manual.Specs()[0].name});
  EXPECT_TRUE(store_.ListRecordsWithStatus("task-stop", "PENDING")->empty());
  EXPECT_EQ(Info("crash").status, kExecutionAborted);
}

TEST_F(ExecutionEngineTest, StartIsIdempotentByNameAndInput) {
  json definition = {{"StartAt", "W"},
                     {"States", {{"W", {{"Type", "Wait"}, {"Seconds", 10}, {"End", true}}}}}};
  Record first = Start("same", definition, {{"a", 1}});
  Record second = Start("same", definition, {{"a", 1}});
  EXPECT_EQ(first.key, second.key);
  StartExecutionRequest request;
  request.state_machine_arn = kMachineArn;
  request.definition = definition.dump();
  request.execution_arn = first.key;
  request.name = "same";
  request.input = R"({"a": 2})";
  auto other = engine_->StartExecution(request);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().type, "ExecutionAlreadyExists");
}

TEST_F(ExecutionEngineTest, AnActivityWorkerTakesTheTaskAndAnswersIt) {
  std::string activity = "arn:aws:states:us-east-1:123456789012:activity:work";
  json definition = {
      {"StartAt", "A"},
      {"States", {{"A", {{"Type", "Task"}, {"Resource", activity}, {"End", true}}}}}};
  Start("act", definition, {{"job", 7}});
  engine_->RunUntilIdle();
  std::promise<std::optional<ActivityTask>> got;
  engine_->GetActivityTask(activity, "worker-1", std::chrono::milliseconds(5000),
                           [&got](std::optional<ActivityTask> task) { got.set_value(task); });
  auto task = got.get_future().get();
  ASSERT_TRUE(task.has_value());
  EXPECT_EQ(json::parse(task->input), json({{"job", 7}}));
  engine_->RunUntilIdle();
  EXPECT_TRUE(engine_->SendTaskHeartbeat(task->task_token).ok());
  ASSERT_TRUE(engine_->SendTaskSuccess(task->task_token, R"({"ok": 1})").ok());
  engine_->RunUntilIdle();
  EXPECT_EQ(Info("act").status, kExecutionSucceeded);
  auto late = engine_->SendTaskSuccess(task->task_token, "{}");
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().type, "TaskTimedOut");
  auto bad = engine_->SendTaskSuccess("nonsense", "{}");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().type, "InvalidToken");
  auto types = EventTypes("act");
  EXPECT_NE(std::find(types.begin(), types.end(), "ActivityStarted"), types.end());
}

// Held small while it waits (no execution held whole), an execution is woken from the store by
// its Wait's timer, by the worker that takes its activity task and by the worker's answer, and
// runs on as it would have, its history whole.
TEST_F(ExecutionEngineTest, ADormantExecutionIsWokenByItsTimerAndItsActivityWorker) {
  MakeEngine(1.0, /*max_resident=*/0);
  std::string activity = "arn:aws:states:us-east-1:123456789012:activity:work";
  json definition = {
      {"StartAt", "W"},
      {"States",
       {{"W", {{"Type", "Wait"}, {"Seconds", 5}, {"Next", "A"}}},
        {"A", {{"Type", "Task"}, {"Resource", activity}, {"ResultPath", "$.a"}, {"Next", "T"}}},
        {"T", {{"Type", "Task"}, {"Resource", Fn("double")}, {"ResultPath", "$.t"}, {"End", true}}}}}};
  Script("double", [](const TaskSpec&) { return FakeTaskResult{0, R"({"v": 2})", ""}; });
  Start("dormant", definition, {{"n", 1}});
  engine_->RunUntilIdle();
  EXPECT_EQ(engine_->Stats().executions_dormant, 1u);
  clock_.Advance(5000);
  engine_->RunUntilIdle();  // the timer wakes it; it waits for a worker, held small again
  EXPECT_EQ(engine_->Stats().wakes, 1u);
  EXPECT_EQ(engine_->Stats().executions_dormant, 1u);
  std::promise<std::optional<ActivityTask>> got;
  engine_->GetActivityTask(activity, "worker-1", std::chrono::milliseconds(5000),
                           [&got](std::optional<ActivityTask> task) { got.set_value(task); });
  auto task = got.get_future().get();
  ASSERT_TRUE(task.has_value());
  engine_->RunUntilIdle();  // taken: woken to record its worker
  EXPECT_EQ(engine_->Stats().wakes, 2u);
  ASSERT_TRUE(engine_->SendTaskSuccess(task->task_token, R"({"ok": 1})").ok());
  engine_->RunUntilIdle();
  ExecutionInfo info = Info("dormant");
  ASSERT_EQ(info.status, kExecutionSucceeded) << info.error << " " << info.cause;
  EXPECT_EQ(json::parse(*info.output), json({{"n", 1}, {"a", {{"ok", 1}}}, {"t", {{"v", 2}}}}));
  auto types = EventTypes("dormant");
  for (const char* type : {"WaitStateExited", "ActivityStarted", "ActivitySucceeded",
                           "LambdaFunctionSucceeded", "ExecutionSucceeded"}) {
    EXPECT_NE(std::find(types.begin(), types.end(), type), types.end()) << type;
  }
  EXPECT_EQ(engine_->ActiveCount(), 0u);
  EXPECT_EQ(engine_->BookkeepingSize(), 0u);
}

// Held small while its task runs, an execution is stopped: its task is terminated and it ends.
TEST_F(ExecutionEngineTest, ADormantExecutionIsStoppedAndItsTaskTerminated) {
  FakeExecutor manual(clock_, FakeExecutor::Mode::kManual);
  ExecutionEngineOptions options;
  options.max_resident_executions = 0;
  ExecutionEngine engine(store_, manual, clock_, options);
  StartExecutionRequest request = OneTaskRequest("stop-dormant", "slow");
  ASSERT_TRUE(engine.StartExecution(request).ok());
  engine.RunUntilIdle();
  EXPECT_EQ(engine.Stats().executions_dormant, 1u);
  ASSERT_TRUE(engine.StopExecution(request.execution_arn, "User.Stop", "enough").ok());
  engine.RunUntilIdle();
  EXPECT_EQ(Info("stop-dormant").status, kExecutionAborted);
  EXPECT_EQ(manual.Terminated().size(), 1u);
  EXPECT_EQ(engine.ActiveCount(), 0u);
  EXPECT_EQ(engine.BookkeepingSize(), 0u);
}

TEST_F(ExecutionEngineTest, AFailedExecutionIsRedrivenFromTheStateThatFailed) {
  int calls = 0;
  Script("once", [&calls](const TaskSpec&) {
    return ++calls == 1 ? FakeTaskResult{1, R"({"Error":"Boom","Cause":"first"})", ""}
                        : FakeTaskResult{0, R"("fine")", ""};
  });
  json definition = {{"StartAt", "P"},
                     {"States",
                      {{"P", {{"Type", "Pass"}, {"Next", "T"}}},
                       {"T", {{"Type", "Task"}, {"Resource", Fn("once")}, {"End", true}}}}}};
  Start("redrive", definition);
  engine_->RunUntilIdle();
  ASSERT_EQ(Info("redrive").status, kExecutionFailed);
  EXPECT_EQ(Info("redrive").error, "Boom");
  auto redriven =
      engine_->RedriveExecution("arn:aws:states:us-east-1:123456789012:execution:m:redrive");
  ASSERT_TRUE(redriven.ok()) << redriven.error().message;
  engine_->RunUntilIdle();
  ExecutionInfo info = Info("redrive");
  EXPECT_EQ(info.status, kExecutionSucceeded);
  EXPECT_EQ(info.redrive_count, 1);
  EXPECT_EQ(calls, 2);
  auto again =
      engine_->RedriveExecution("arn:aws:states:us-east-1:123456789012:execution:m:redrive");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().type, "ExecutionNotRedrivable");
}

}  // namespace
}  // namespace wfm

namespace wfm {
namespace {

class TestStateTest : public ExecutionEngineTest {
 protected:
  json Test(const json& state, const json& input = json::object(),
            const std::string& level = "DEBUG") {
    json request = {
        {"definition", state.dump()}, {"input", input.dump()}, {"inspectionLevel", level}};
    auto answer = engine_->TestState(request);
    EXPECT_TRUE(answer.ok()) << answer.error().message;
    return answer.ok() ? answer.value() : json();
  }
};

TEST_F(TestStateTest, APassStateGivesItsOutputAndNextState) {
  json answer =
      Test({{"Type", "Pass"}, {"Result", 5}, {"ResultPath", "$.r"}, {"Next", "After"}}, {{"a", 1}});
  EXPECT_EQ(answer["status"], "SUCCEEDED");
  EXPECT_EQ(answer["nextState"], "After");
  EXPECT_EQ(json::parse(answer["output"].get<std::string>()), json({{"a", 1}, {"r", 5}}));
}

TEST_F(TestStateTest, AChoiceNamesTheRuleItTook) {
  json state = {
      {"Type", "Choice"},
      {"Choices", json::array({{{"Variable", "$.n"}, {"NumericGreaterThan", 3}, {"Next", "Big"}}})},
      {"Default", "Small"}};
  EXPECT_EQ(Test(state, {{"n", 5}})["nextState"], "Big");
  EXPECT_EQ(Test(state, {{"n", 1}})["nextState"], "Small");
}

TEST_F(TestStateTest, ATaskRunsAndItsErrorsAreRetriableCaughtOrFailed) {
  Script("half", [](const TaskSpec& spec) {
    int n = json::parse(*spec.function_input)["n"].get<int>();
    return n % 2 ? FakeTaskResult{1, R"({"Error":"Odd","Cause":"n is odd"})", ""}
                 : FakeTaskResult{0, json(n / 2).dump(), ""};
  });
  json task = {{"Type", "Task"}, {"Resource", Fn("half")}, {"End", true}};
  json ok = Test(task, {{"n", 8}});
  EXPECT_EQ(ok["status"], "SUCCEEDED");
  EXPECT_EQ(ok["output"], "4");
  EXPECT_EQ(ok["inspectionData"]["result"], "4");
  EXPECT_EQ(Test(task, {{"n", 3}})["status"], "FAILED");
  json retried = task;
  retried["Retry"] = json::array({{{"ErrorEquals", {"Odd"}}}});
  EXPECT_EQ(Test(retried, {{"n", 3}})["status"], "RETRIABLE");
  json caught = task;
  caught.erase("End");
  caught["Next"] = "Fine";
  caught["Catch"] = json::array({{{"ErrorEquals", {"States.ALL"}}, {"Next", "Recover"}}});
  json answer = Test(caught, {{"n", 3}});
  EXPECT_EQ(answer["status"], "CAUGHT_ERROR");
  EXPECT_EQ(answer["nextState"], "Recover");
  EXPECT_EQ(answer["error"], "Odd");
}

TEST_F(TestStateTest, AWaitEndsAtOnceAndGoesOn) {
  for (json wait :
       {json({{"Type", "Wait"}, {"Seconds", 5}, {"Next", "After"}}),
        json({{"Type", "Wait"}, {"Timestamp", "2999-01-01T00:00:00Z"}, {"End", true}})}) {
    json answer = Test(wait, {{"a", 1}});
    EXPECT_EQ(answer["status"], "SUCCEEDED") << wait;
    EXPECT_EQ(json::parse(answer["output"].get<std::string>()), json({{"a", 1}}));
  }
}

TEST_F(TestStateTest, DebugShowsEveryDataProcessingStep) {
  Script("echo", [](const TaskSpec& spec) {
    return FakeTaskResult{0, json({{"got", json::parse(*spec.function_input)}}).dump(), ""};
  });
  json task = {{"Type", "Task"},
               {"Resource", Fn("echo")},
               {"InputPath", "$.in"},
               {"Parameters", {{"x.$", "$.x"}}},
               {"ResultSelector", {{"y.$", "$.got.x"}}},
               {"ResultPath", "$.out"},
               {"End", true}};
  json data = Test(task, {{"in", {{"x", 7}}}})["inspectionData"];
  EXPECT_EQ(data["afterInputPath"], R"({"x":7})");
  EXPECT_EQ(data["afterParameters"], R"({"x":7})");
  EXPECT_EQ(data["result"], R"({"got":{"x":7}})");
  EXPECT_EQ(data["afterResultSelector"], R"({"y":7})");
  EXPECT_EQ(data["afterResultPath"], R"({"in":{"x":7},"out":{"y":7}})");
}

TEST_F(TestStateTest, AMockStandsForTheTaskMapOrParallel) {
  auto run = [this](const json& state, const json& mock) {
    json request = {{"definition", state.dump()}, {"input", "{}"}, {"mock", mock}};
    return engine_->TestState(request);
  };
  json task = {
      {"Type", "Task"}, {"Resource", Fn("never-run")}, {"ResultPath", "$.r"}, {"Next", "N"}};
  auto mocked = run(task, {{"result", R"({"mocked":1})"}});
  ASSERT_TRUE(mocked.ok()) << mocked.error().message;
  EXPECT_EQ(json::parse(mocked.value()["output"].get<std::string>()),
            json({{"r", {{"mocked", 1}}}}));
  EXPECT_TRUE(executor_.Specs().empty());  // nothing ran

  json caught = task;
  caught["Catch"] = json::array({{{"ErrorEquals", {"States.ALL"}}, {"Next", "Recover"}}});
  auto failed = run(caught, {{"errorOutput", {{"error", "Mock.Err"}, {"cause", "why"}}}});
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed.value()["status"], "CAUGHT_ERROR");
  EXPECT_EQ(failed.value()["error"], "Mock.Err");

  json map = {
      {"Type", "Map"},
      {"ItemProcessor", {{"StartAt", "P"}, {"States", {{"P", {{"Type", "Pass"}, {"End", true}}}}}}},
      {"End", true}};
  auto mapped = run(map, {{"result", "[1,2]"}});
  ASSERT_TRUE(mapped.ok()) << mapped.error().message;
  EXPECT_EQ(mapped.value()["output"], "[1,2]");

  auto on_pass = run({{"Type", "Pass"}, {"End", true}}, {{"result", "1"}});
  ASSERT_FALSE(on_pass.ok());
  EXPECT_EQ(on_pass.error().type, "ValidationException");
  auto both = run(task, {{"result", "1"}, {"errorOutput", {{"error", "E"}}}});
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.error().type, "ValidationException");
}

TEST_F(TestStateTest, AnInvalidStateIsRefused) {
  auto answer = engine_->TestState({{"definition", R"({"Type":"Pass"})"}});
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().type, "InvalidDefinition");
}

}  // namespace
}  // namespace wfm

#include "engine/execution_view.h"

namespace wfm {
namespace {

TEST_F(ExecutionEngineTest, TheViewListsEveryVisitWithItsAttempts) {
  Script("flaky-once", [calls = 0](const TaskSpec&) mutable {
    return ++calls == 1 ? FakeTaskResult{1, R"({"Error":"E","Cause":"c"})", ""}
                        : FakeTaskResult{0, R"({"ok":true})", ""};
  });
  json definition = {{"StartAt", "P"},
                     {"States",
                      {{"P", {{"Type", "Pass"}, {"Next", "T"}}},
                       {"T",
                        {{"Type", "Task"},
                         {"Resource", Fn("flaky-once")},
                         {"Retry", json::array({{{"ErrorEquals", {"E"}}}})},
                         {"End", true}}}}}};
  MakeEngine(0);
  Record record = Start("view", definition, {{"x", 1}});
  engine_->RunUntilIdle();
  ExecutionInfo info = Info("view");
  auto events = store_.ReadHistory(record.key, 1, 1000, false);
  ASSERT_TRUE(events.ok());
  json view = ExecutionView(info, events.value());
  EXPECT_EQ(view["status"], "SUCCEEDED");
  ASSERT_EQ(view["states"].size(), 2u);
  EXPECT_EQ(view["states"][0]["name"], "P");
  EXPECT_EQ(view["states"][0]["input"], json({{"x", 1}}));
  json task = view["states"][1];
  EXPECT_EQ(task["name"], "T");
  EXPECT_EQ(task["status"], "SUCCEEDED");
  EXPECT_EQ(task["output"], json({{"ok", true}}));
  ASSERT_EQ(task["attempts"].size(), 2u);
  EXPECT_EQ(task["attempts"][0]["status"], "FAILED");
  EXPECT_EQ(task["attempts"][0]["error"], "E");
  EXPECT_EQ(task["attempts"][1]["status"], "SUCCEEDED");
  EXPECT_EQ(ExecutionView(info, events.value(), 1)["truncated"], true);
}

TEST_F(ExecutionEngineTest, TheViewShowsAnAttemptItsExecutionsEndInterruptedAsAborted) {
  FakeExecutor manual(clock_, FakeExecutor::Mode::kManual);  // the task never ends by itself
  ExecutionEngine engine(store_, manual, clock_);
  StartExecutionRequest request;
  request.state_machine_arn = kMachineArn;
  request.definition =
      json({{"TimeoutSeconds", 3},
            {"StartAt", "T"},
            {"States", {{"T", {{"Type", "Task"}, {"Resource", Fn("slow")}, {"End", true}}}}}})
          .dump();
  request.execution_arn = "arn:aws:states:us-east-1:123456789012:execution:m:interrupted";
  request.name = "interrupted";
  ASSERT_TRUE(engine.StartExecution(request).ok());
  engine.RunUntilIdle();
  clock_.Advance(4000);
  engine.RunUntilIdle();
  ExecutionInfo info = Info("interrupted");
  ASSERT_EQ(info.status, kExecutionTimedOut);
  auto events = store_.ReadHistory(request.execution_arn, 1, 1000, false);
  ASSERT_TRUE(events.ok());
  json task = ExecutionView(info, events.value())["states"][0];
  EXPECT_EQ(task["status"], "FAILED");
  ASSERT_EQ(task["attempts"].size(), 1u);
  EXPECT_EQ(task["attempts"][0]["status"], "ABORTED");
  EXPECT_EQ(task["attempts"][0]["endedAt"], FormatTimestamp(info.stop_date));
}

}  // namespace
}  // namespace wfm

namespace wfm {
namespace {

// An executor's own error name for a failed task (Slurm.Timeout, say) is what Retry and Catch
// match; without one, States.TaskFailed. For v1-style resources and Batch resources alike.
TEST(TaskResultOfTest, AnExecutorsErrorNameReplacesStatesTaskFailed) {
  TaskObservation seen;
  seen.status = TaskStatus::kFailed;
  seen.status_reason = "Slurm.Timeout: the job reached its time limit";
  for (const char* resource : {"echo", "arn:aws:states:::batch:submitJob.sync"}) {
    auto kind = asl::ClassifyResource(resource);
    seen.error = "";
    EXPECT_EQ(TaskResultOf(seen, kind).failure().error, asl::kStatesTaskFailed) << resource;
    seen.error = "Slurm.Timeout";
    auto failed = TaskResultOf(seen, kind);
    ASSERT_FALSE(failed.ok()) << resource;
    EXPECT_EQ(failed.failure().error, "Slurm.Timeout") << resource;
    EXPECT_NE(failed.failure().cause.find("time limit"), std::string::npos) << resource;
  }
}

}  // namespace
}  // namespace wfm
