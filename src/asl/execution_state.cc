#include "asl/execution_state.h"

namespace wfm::asl {
namespace {

Json ToJson(const TaskAttempt& task) {
  return {{"name", task.name},
          {"resource", task.resource},
          {"input", task.input},
          {"token", task.token},
          {"executorId", task.executor_id},
          {"worker", task.worker},
          {"scheduledMs", task.scheduled_ms},
          {"timeoutAtMs", task.timeout_at_ms},
          {"heartbeatSeconds", task.heartbeat_seconds},
          {"heartbeatAtMs", task.heartbeat_at_ms}};
}

TaskAttempt TaskAttemptFromJson(const Json& json) {
  TaskAttempt task;
  task.name = json.at("name").get<std::string>();
  task.resource = json.at("resource").get<std::string>();
  task.input = json.at("input");
  task.token = json.at("token").get<std::string>();
  task.executor_id = json.at("executorId").get<std::string>();
  task.worker = json.at("worker").get<std::string>();
  task.scheduled_ms = json.at("scheduledMs").get<int64_t>();
  task.timeout_at_ms = json.at("timeoutAtMs").get<int64_t>();
  task.heartbeat_seconds = json.at("heartbeatSeconds").get<int64_t>();
  task.heartbeat_at_ms = json.at("heartbeatAtMs").get<int64_t>();
  return task;
}

Json ToJson(const Frame& frame) {
  Json scope = Json::array();
  for (const auto& [state, branch] : frame.scope) scope.push_back(Json::array({state, branch}));
  Json out = {{"id", frame.id},
              {"parent", frame.parent},
              {"index", frame.index},
              {"scope", std::move(scope)},
              {"state", frame.state},
              {"phase", static_cast<int>(frame.phase)},
              {"input", frame.input},
              {"variables", frame.variables},
              {"enteredMs", frame.entered_ms},
              {"retryCount", frame.retry_count},
              {"retrierCounts", frame.retrier_counts},
              {"dueMs", frame.due_ms},
              {"attempts", frame.attempts},
              {"lastEventId", frame.last_event_id}};
  if (!frame.effective.is_null()) out["effective"] = frame.effective;
  if (frame.task) out["task"] = ToJson(*frame.task);
  if (frame.phase == FramePhase::kChildren) {
    out["items"] = frame.items;
    out["results"] = frame.results;
    out["children"] = {
        frame.total,           frame.next_child,      frame.succeeded,           frame.failed,
        frame.max_concurrency, frame.tolerated_count, frame.tolerated_percentage};
  }
  return out;
}

Frame FrameFromJson(const Json& json) {
  Frame frame;
  frame.id = json.at("id").get<int64_t>();
  frame.parent = json.at("parent").get<int64_t>();
  frame.index = json.at("index").get<int64_t>();
  for (const Json& step : json.at("scope")) {
    frame.scope.emplace_back(step.at(0).get<std::string>(), step.at(1).get<int64_t>());
  }
  frame.state = json.at("state").get<std::string>();
  int phase = json.at("phase").get<int>();
  if (phase < 0 || phase > static_cast<int>(FramePhase::kStopped)) {
    throw std::out_of_range("frame phase");
  }
  frame.phase = static_cast<FramePhase>(phase);
  frame.input = json.at("input");
  frame.variables = json.at("variables");
  frame.entered_ms = json.at("enteredMs").get<int64_t>();
  frame.retry_count = json.at("retryCount").get<int64_t>();
  frame.retrier_counts = json.at("retrierCounts").get<std::vector<int64_t>>();
  frame.due_ms = json.at("dueMs").get<int64_t>();
  frame.attempts = json.at("attempts").get<int64_t>();
  frame.last_event_id = json.at("lastEventId").get<int64_t>();
  if (json.contains("effective")) frame.effective = json["effective"];
  if (json.contains("task")) frame.task = TaskAttemptFromJson(json["task"]);
  if (json.contains("children")) {
    frame.items = json.at("items");
    frame.results = json.at("results");
    const Json& c = json["children"];
    frame.total = c.at(0).get<int64_t>();
    frame.next_child = c.at(1).get<int64_t>();
    frame.succeeded = c.at(2).get<int64_t>();
    frame.failed = c.at(3).get<int64_t>();
    frame.max_concurrency = c.at(4).get<int64_t>();
    frame.tolerated_count = c.at(5).get<int64_t>();
    frame.tolerated_percentage = c.at(6).get<double>();
  }
  return frame;
}

}  // namespace

Json ToJson(const ExecutionState& state) {
  Json frames = Json::array();
  for (const auto& [id, frame] : state.frames) frames.push_back(ToJson(frame));
  return {{"status", state.status},
          {"output", state.output},
          {"error", state.error},
          {"cause", state.cause},
          {"stopMs", state.stop_ms},
          {"redriveCount", state.redrive_count},
          {"lastEventId", state.last_event_id},
          {"nextFrameId", state.next_frame_id},
          {"timeoutDueMs", state.timeout_due_ms},
          {"frames", std::move(frames)}};
}

Result<ExecutionState> ExecutionStateFromJson(const Json& json) {
  try {
    ExecutionState state;
    state.status = json.at("status").get<std::string>();
    state.output = json.at("output");
    state.error = json.at("error").get<std::string>();
    state.cause = json.at("cause").get<std::string>();
    state.stop_ms = json.at("stopMs").get<int64_t>();
    state.redrive_count = json.at("redriveCount").get<int64_t>();
    state.last_event_id = json.at("lastEventId").get<int64_t>();
    state.next_frame_id = json.at("nextFrameId").get<int64_t>();
    state.timeout_due_ms = json.at("timeoutDueMs").get<int64_t>();
    for (const Json& item : json.at("frames")) {
      Frame frame = FrameFromJson(item);
      int64_t id = frame.id;
      state.frames.emplace(id, std::move(frame));
    }
    return state;
  } catch (const std::exception& e) {
    return Error{ErrorCode::kInternal, std::string("corrupt execution state: ") + e.what()};
  }
}

}  // namespace wfm::asl
