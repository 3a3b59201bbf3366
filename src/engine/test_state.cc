#include "engine/test_state.h"

#include <thread>

#include "asl/paths.h"
#include "asl/payload.h"
#include "engine/execution_tasks.h"

namespace wfm {
namespace {

using asl::Json;

constexpr const char* kTestedName = "TestState";

Error InvalidDefinition(const std::string& message) {
  return Error{ErrorCode::kInvalidArgument, "Invalid State Machine Definition: " + message,
               "InvalidDefinition"};
}

// The names a state may go to next (Next, Default, every Choice rule's and Catcher's Next).
std::vector<std::string> Targets(const Json& state) {
  std::vector<std::string> out;
  auto add = [&out](const Json& value) {
    if (value.is_string()) out.push_back(value.get<std::string>());
  };
  add(state.value("Next", Json()));
  add(state.value("Default", Json()));
  for (const char* list : {"Choices", "Catch"}) {
    if (!state.contains(list) || !state[list].is_array()) continue;
    for (const Json& item : state[list]) {
      if (item.is_object()) add(item.value("Next", Json()));
    }
  }
  return out;
}

// The task of the tested state, run to its end on `executor`.
asl::Outcome<Json> RunTask(const asl::TaskAttempt& task, const asl::ExecutionContext& context,
                           Executor& executor) {
  asl::TaskResource resource = asl::ClassifyResource(task.resource);
  if (resource.kind == asl::ResourceKind::kActivity || resource.wait_for_token) {
    return asl::Failure{asl::kStatesRuntime,
                        "TestState runs no activity or callback (.waitForTaskToken) task"};
  }
  auto spec = TaskSpecFor(task, resource, context, kTestedName, 0);
  if (!spec.ok()) return spec.failure();
  spec.value().fresh = true;
  auto id = executor.Submit(spec.value());
  if (!id.ok()) return asl::Failure{asl::kStatesTaskFailed, id.error().message};
  std::string current = id.value();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (std::chrono::steady_clock::now() < deadline) {
    TaskObservation seen = executor.Describe({current}).at(0);
    if (!seen.new_id.empty()) current = seen.new_id;
    bool submitted = !seen.description_json.empty() || seen.status == TaskStatus::kSucceeded;
    if (resource.kind == asl::ResourceKind::kBatchSubmit && submitted) {
      return SubmitJobResult(current, task.name, context.execution_arn, seen.description_json);
    }
    if (IsTerminal(seen.status)) return TaskResultOf(seen, resource);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  executor.Terminate({current}, "TestState waited a minute");
  return asl::Failure{asl::kStatesTimeout, "TestState waits a minute at most for a task"};
}

Error InvalidMock(const std::string& message) {
  return Error{ErrorCode::kInvalidArgument, message, "ValidationException"};
}

// A Map or Parallel state whose result is mocked, as a Task state: its own data processing
// (InputPath, Parameters of Parallel, ResultSelector, ResultPath, OutputPath, Retry, Catch)
// around the mocked result.
Json AsMockedTask(Json state) {
  bool map = state.value("Type", std::string()) == "Map";
  for (const char* field : {"Branches", "ItemProcessor", "Iterator", "ItemsPath", "ItemSelector",
                            "MaxConcurrency", "MaxConcurrencyPath", "ItemBatcher", "ItemReader",
                            "ResultWriter", "ToleratedFailureCount", "ToleratedFailureCountPath",
                            "ToleratedFailurePercentage", "ToleratedFailurePercentagePath",
                            "Label"}) {
    state.erase(field);
  }
  if (map) state.erase("Parameters");  // Map's older name for ItemSelector
  state["Type"] = "Task";
  state["Resource"] = "arn:aws:lambda:us-east-1:123456789012:function:TestStateMock";  // never run
  return state;
}

// What the mock of the request says the task did: its result, or its failure.
asl::Outcome<Json> MockedOutcome(const Json& mock) {
  if (mock.contains("errorOutput")) {
    const Json& error = mock["errorOutput"];
    return asl::Failure{error.value("error", std::string()), error.value("cause", std::string())};
  }
  return Json::parse(mock.value("result", std::string("null")));
}

}  // namespace

Result<nlohmann::json> RunTestState(const nlohmann::json& wire_request, Executor& executor,
                                    Clock& clock, const asl::InterpreterOptions& options) {
  const Json request = wire_request;  // its payloads are JSON text: their member order is kept
  Json given = Json::parse(request.value("definition", std::string()), nullptr, false);
  if (given.is_discarded() || !given.is_object()) {
    return InvalidDefinition("the definition must be a JSON object");
  }
  Json state = given;
  if (given.contains("States")) {  // a whole state machine: the state named stateName
    std::string name = request.value("stateName", given.value("StartAt", std::string()));
    if (!given["States"].is_object() || !given["States"].contains(name)) {
      return InvalidDefinition("the state machine has no state '" + name + "'");
    }
    state = given["States"][name];
  }
  if (!state.is_object()) return InvalidDefinition("a state must be a JSON object");
  std::string type = state.value("Type", std::string());
  Json mock = request.value("mock", Json());
  if (!mock.is_null()) {
    if (!mock.is_object() || mock.contains("result") == mock.contains("errorOutput")) {
      return InvalidMock("a mock gives either a result or an errorOutput");
    }
    if (mock.contains("result") &&
        (!mock["result"].is_string() ||
         Json::parse(mock["result"].get<std::string>(), nullptr, false).is_discarded())) {
      return InvalidMock("the mock's result must be JSON text");
    }
    if (mock.contains("errorOutput") && !mock["errorOutput"].is_object()) {
      return InvalidMock("the mock's errorOutput must be an object with error and cause");
    }
    if (type != "Task" && type != "Map" && type != "Parallel") {
      return InvalidMock("a mock can only be given for a Task, Map or Parallel state");
    }
    if (type != "Task") state = AsMockedTask(state);
  } else if (request.contains("context")) {
    return InvalidMock("a context can only be given with a mock");
  } else if (type == "Parallel" || type == "Map") {
    return InvalidDefinition("TestState runs a " + type + " state only with a mock of its result");
  }
  // The state alone in a machine, each of its targets a Succeed state that ends the test there.
  Json machine = {{"StartAt", kTestedName}, {"States", {{kTestedName, state}}}};
  for (const std::string& target : Targets(state)) {
    if (target != kTestedName) machine["States"][target] = {{"Type", "Succeed"}};
  }
  auto definition = asl::ParseDefinition(machine.dump());
  if (!definition.ok()) return InvalidDefinition(definition.error().message);

  Json input = Json::parse(request.value("input", std::string("{}")), nullptr, false);
  Json variables = Json::parse(request.value("variables", std::string("{}")), nullptr, false);
  asl::ExecutionContext context;
  context.execution_arn = "arn:aws:states:us-east-1:123456789012:execution:TestState:test";
  context.execution_name = "test";
  context.role_arn = request.value("roleArn", std::string());
  context.input = input;
  context.start_ms = clock.Now();
  context.task_prefix = "sfn-test-" + std::to_string(options.random() % 1000000000000ULL);
  asl::ExecutionState run;
  asl::Interpreter interpreter(run, definition.value(), context, options);
  int64_t now = clock.Now();
  Json inspection = {{"input", input.dump()}};
  interpreter.Inspect(&inspection);
  interpreter.Start(now, variables.is_object() ? variables : Json::object());
  for (int step = 0; step < 4 && run.status == "RUNNING"; ++step) {
    for (int64_t frame_id : interpreter.TakeTasksToStart()) {
      const asl::TaskAttempt task = *run.frames.at(frame_id).task;
      auto result = mock.is_null() ? RunTask(task, context, executor) : MockedOutcome(mock);
      if (result.ok()) {
        interpreter.TaskSucceeded(task.name, result.value(), clock.Now());
      } else {
        interpreter.TaskFailed(task.name, result.failure(), clock.Now());
      }
    }
    // A Wait ends at once (its due time is given to the interpreter); a Retry ends the test.
    bool retrying = false;
    std::vector<int64_t> waits_due;
    for (const auto& [id, frame] : run.frames) {
      if (frame.phase == asl::FramePhase::kRetryTimer) retrying = true;
      if (frame.phase == asl::FramePhase::kWaitTimer) waits_due.push_back(frame.due_ms);
    }
    if (retrying) break;
    for (int64_t due : waits_due) interpreter.Advance(due);  // changes run.frames
  }
  // Where it went: the first state entered after the tested one.
  Json answer = Json::object();
  std::string next, failed_error, failed_cause, exited_output;
  bool caught = false;
  for (const Json& event : interpreter.TakeEvents()) {
    std::string kind = event["type"].get<std::string>();
    if (kind.ends_with("StateEntered") && event.contains("stateEnteredEventDetails")) {
      std::string name = event["stateEnteredEventDetails"]["name"].get<std::string>();
      if (name != kTestedName && next.empty()) next = name;
    } else if (kind.ends_with("StateExited") && event.contains("stateExitedEventDetails") &&
               event["stateExitedEventDetails"]["name"] == kTestedName) {
      exited_output = event["stateExitedEventDetails"]["output"].get<std::string>();
    } else if (kind.ends_with("Failed") && kind != "ExecutionFailed") {
      for (const auto& [key, details] : event.items()) {
        if (key.ends_with("EventDetails") && details.contains("error")) {
          failed_error = details["error"].get<std::string>();
          failed_cause = details.value("cause", std::string());
          caught = true;  // until the execution's own failure says otherwise
        }
      }
    }
  }
  if (run.status == "RUNNING") {
    answer["status"] = "RETRIABLE";
    answer["error"] = failed_error;
    answer["cause"] = failed_cause;
  } else if (run.status == "FAILED") {
    answer["status"] = "FAILED";
    answer["error"] = run.error;
    answer["cause"] = run.cause;
  } else if (caught && !next.empty()) {
    answer["status"] = "CAUGHT_ERROR";
    answer["error"] = failed_error;
    answer["cause"] = failed_cause;
    answer["nextState"] = next;
    answer["output"] = exited_output;
  } else {
    answer["status"] = "SUCCEEDED";
    answer["output"] = exited_output.empty() ? run.output.dump() : exited_output;
    if (!next.empty()) answer["nextState"] = next;
  }
  std::string level = request.value("inspectionLevel", std::string("INFO"));
  if (level != "INFO") answer["inspectionData"] = inspection;
  return nlohmann::json(answer);
}

}  // namespace wfm
