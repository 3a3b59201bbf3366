#include "asl/interpreter.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "asl/choice.h"
#include "asl/paths.h"
#include "asl/payload.h"
#include "asl/retry.h"
#include "core/clock.h"

namespace wfm::asl {
namespace {

Json Text(const Json& value) { return value.dump(); }
Json NotTruncated() { return {{"truncated", false}}; }

// InputPath and OutputPath: the default keeps the value, null gives {}.
Outcome<Json> SelectPath(const PathField& field, const Json& value, const PathScope& scope) {
  if (field.kind == PathField::Kind::kDefault) return value;
  if (field.kind == PathField::Kind::kNull) return Json::object();
  auto selected = EvaluatePath(field.path, scope);
  if (!selected.ok()) return Failure{kStatesRuntime, selected.error().message};
  return std::move(selected).value();
}

Outcome<Json> PlaceResult(const PathField& field, const Json& input, const Json& result) {
  if (field.kind == PathField::Kind::kDefault) return result;
  if (field.kind == PathField::Kind::kNull) return input;
  auto placed = ApplyResultPath(field.path, input, result);
  if (!placed.ok()) {
    return Failure{kStatesResultPathMatchFailure, placed.error().message};
  }
  return std::move(placed).value();
}

std::string RegionOf(const std::string& arn) {
  // arn:aws:states:<region>:...
  size_t start = 0;
  for (int i = 0; i < 3; ++i) {
    start = arn.find(':', start);
    if (start == std::string::npos) return "";
    ++start;
  }
  return arn.substr(start, arn.find(':', start) - start);
}

// The largest value the States Language allows in the fields that a ...Path stands for (Seconds,
// TimeoutSeconds, MaxConcurrency, ...), as the validator requires of their literal forms.
constexpr double kMaxPathNumber = 99999999;

// A whole number from 0 to kMaxPathNumber from a ...Path (TimeoutSecondsPath, MaxConcurrencyPath,
// ...): a larger one would overflow the timers it sets.
Outcome<int64_t> NumberAt(const std::string& path, const PathScope& scope, const char* field) {
  auto value = EvaluatePath(path, scope);
  if (!value.ok() || !value.value().is_number() || value.value().get<double>() < 0 ||
      std::floor(value.value().get<double>()) != value.value().get<double>()) {
    return Failure{kStatesRuntime,
                   std::string(field) + " '" + path + "' does not select a non-negative integer"};
  }
  if (value.value().get<double>() > kMaxPathNumber) {
    return Failure{kStatesRuntime, std::string(field) + " '" + path +
                                       "' selects a number over 99999999, the largest allowed"};
  }
  return value.value().get<int64_t>();
}

// When `task`'s timeout or heartbeat deadline fell due, the earlier of the two that are due by
// `now`; 0 when neither is.
int64_t TaskTimerDue(const TaskAttempt& task, int64_t now) {
  int64_t at = 0;
  for (int64_t deadline : {task.timeout_at_ms, task.heartbeat_at_ms}) {
    if (deadline > 0 && deadline <= now && (at == 0 || deadline < at)) at = deadline;
  }
  return at;
}

std::string NewToken(const RandomSource& random) {
  static const char* kHex = "0123456789abcdef";
  std::string token;
  for (int i = 0; i < 4; ++i) {
    uint64_t bits = random();
    for (int j = 0; j < 16; ++j) token += kHex[(bits >> (4 * j)) & 15];
  }
  return token;
}

}  // namespace

Interpreter::Interpreter(ExecutionState& state, std::shared_ptr<const StateMachine> definition,
                         const ExecutionContext& context, const InterpreterOptions& options)
    : state_(state), definition_(std::move(definition)), context_(context), options_(options) {
  context_object_ = {
      {"Execution",
       {{"Id", context.execution_arn},
        {"Input", context.input},
        {"Name", context.execution_name},
        {"RoleArn", context.role_arn},
        {"StartTime", FormatTimestamp(context.start_ms)},
        {"RedriveCount", state.redrive_count}}},
      {"StateMachine", {{"Id", context.state_machine_arn}, {"Name", context.state_machine_name}}},
      {"State", Json::object()}};
  for (auto& [id, frame] : state_.frames) Resolve(frame);
}

const StateMachine* Interpreter::Resolve(Frame& frame) {
  if (frame.machine) return frame.machine;
  const StateMachine* machine = definition_.get();
  for (const auto& [name, branch] : frame.scope) {
    const State* owner = machine->Find(name);
    machine = branch >= 0 ? owner->branches.at(branch).get() : owner->item_processor.get();
  }
  frame.machine = machine;
  return machine;
}

const State& Interpreter::CurrentState(Frame& frame) { return *Resolve(frame)->Find(frame.state); }

Frame& Interpreter::NewFrame(int64_t parent, int64_t index,
                             std::vector<std::pair<std::string, int64_t>> scope,
                             const std::string& start, Json input, Json variables, int64_t now) {
  int64_t id = state_.next_frame_id++;
  Frame& frame = state_.frames[id];
  frame.id = id;
  frame.parent = parent;
  frame.index = index;
  frame.scope = std::move(scope);
  frame.state = start;
  frame.input = std::move(input);
  frame.variables = std::move(variables);
  frame.entered_ms = now;
  if (parent != 0) frame.last_event_id = state_.frames.at(parent).last_event_id;
  Resolve(frame);
  runnable_.push_back(id);
  return frame;
}

void Interpreter::Start(int64_t now, Json variables) {
  Json details = {{"input", Text(context_.input)},
                  {"inputDetails", NotTruncated()},
                  {"roleArn", context_.role_arn}};
  if (!context_.state_machine_alias_arn.empty()) {
    details["stateMachineAliasArn"] = context_.state_machine_alias_arn;
  }
  if (!context_.state_machine_version_arn.empty()) {
    details["stateMachineVersionArn"] = context_.state_machine_version_arn;
  }
  Emit(nullptr, "ExecutionStarted", "executionStartedEventDetails", std::move(details), now);
  if (definition_->timeout_seconds) {
    state_.timeout_due_ms = now + *definition_->timeout_seconds * 1000;
  }
  NewFrame(0, 0, {}, definition_->start_at, context_.input, std::move(variables), now);
  RunQueue(now);
}

void Interpreter::Advance(int64_t now) {
  FireTimers(now);
  RunQueue(now);
}

void Interpreter::RunQueue(int64_t now) {
  while (!runnable_.empty() && state_.status == "RUNNING") {
    int64_t id = runnable_.front();
    runnable_.pop_front();
    auto it = state_.frames.find(id);
    if (it == state_.frames.end() || it->second.phase != FramePhase::kEnter) continue;
    Enter(it->second, now);
  }
  runnable_.clear();
}

void Interpreter::Enter(Frame& frame, int64_t now) {
  const State& state = CurrentState(frame);
  frame.entered_ms = now;
  frame.retry_count = 0;
  frame.retrier_counts.assign(state.retry.size(), 0);
  Emit(&frame, std::string(ToString(state.type)) + "StateEntered", "stateEnteredEventDetails",
       {{"name", state.name}, {"input", Text(frame.input)}, {"inputDetails", NotTruncated()}}, now);
  Act(frame, state, now);
}

void Interpreter::Act(Frame& frame, const State& state, int64_t now) {
  SetContext(frame);
  switch (state.type) {
    case StateType::kPass:
      return RunPass(frame, state, now);
    case StateType::kChoice:
      return RunChoice(frame, state, now);
    case StateType::kWait:
      return RunWait(frame, state, now);
    case StateType::kSucceed:
      return RunSucceed(frame, state, now);
    case StateType::kFail:
      return RunFail(frame, state, now);
    case StateType::kTask:
      return RunTask(frame, state, now);
    case StateType::kParallel:
      return RunParallel(frame, state, now);
    case StateType::kMap:
      return RunMap(frame, state, now);
  }
}

Outcome<Json> Interpreter::EffectiveInput(const Frame& frame, const State& state) {
  auto effective = SelectPath(state.input_path, frame.input, ScopeOf(frame.input, frame));
  if (!effective.ok()) return effective;
  Inspected("afterInputPath", effective.value());
  if (!state.parameters) return effective;
  auto built = EvaluatePayloadTemplate(*state.parameters, ScopeOf(effective.value(), frame),
                                       options_.random);
  if (!built.ok()) return built;
  Inspected("afterParameters", built.value());
  if (TooLarge(built.value())) return OverLimit("input", state);
  return built;
}

void Interpreter::RunPass(Frame& frame, const State& state, int64_t now) {
  auto effective = EffectiveInput(frame, state);
  if (!effective.ok()) return FailState(frame, state, effective.failure(), now);
  Json result = std::move(effective).value();
  if (state.result) result = *state.result;
  Inspected("result", result);
  Exit(frame, state, result, result, now);
}

namespace {

// The Assign of a Choice state whose rule `rule_assign` matched: the state's own assignments
// (which apply whatever rule matches), those of the rule replacing the ones of the same variable.
Json MergedAssign(const Json& state_assign, const Json& rule_assign) {
  if (!state_assign.is_object()) return rule_assign;
  auto variable = [](const std::string& key) {
    return key.ends_with(".$") ? key.substr(0, key.size() - 2) : key;
  };
  Json merged = Json::object();
  for (const auto& [key, value] : state_assign.items()) {
    if (!rule_assign.contains(variable(key)) && !rule_assign.contains(variable(key) + ".$")) {
      merged[key] = value;
    }
  }
  for (const auto& [key, value] : rule_assign.items()) merged[key] = value;
  return merged;
}

}  // namespace

void Interpreter::RunChoice(Frame& frame, const State& state, int64_t now) {
  auto effective = SelectPath(state.input_path, frame.input, ScopeOf(frame.input, frame));
  if (!effective.ok()) return FailState(frame, state, effective.failure(), now);
  const Json& input = effective.value();
  PathScope scope = ScopeOf(input, frame);
  for (const ChoiceRule& rule : state.choices) {
    auto matched = MatchesRule(rule, scope);
    if (!matched.ok()) return FailState(frame, state, matched.failure(), now);
    if (!matched.value()) continue;
    State chosen = state;  // the rule's Next; the state's Assign and then the rule's
    chosen.next = rule.next;
    chosen.end = false;
    if (!rule.assign.is_null()) chosen.assign = MergedAssign(state.assign, rule.assign);
    return Exit(frame, chosen, input, input, now);
  }
  if (state.default_next.empty()) {
    return FailState(frame, state,
                     Failure{kStatesNoChoiceMatched,
                             "No Choice Rules matched the input of state '" + state.name + "'"},
                     now);
  }
  State chosen = state;
  chosen.next = state.default_next;
  Exit(frame, chosen, input, input, now);
}

void Interpreter::RunWait(Frame& frame, const State& state, int64_t now) {
  PathScope scope = ScopeOf(frame.input, frame);
  auto effective = SelectPath(state.input_path, frame.input, scope);
  if (!effective.ok()) return FailState(frame, state, effective.failure(), now);
  frame.effective = std::move(effective).value();
  PathScope inner = ScopeOf(frame.effective, frame);
  int64_t target = now;
  if (state.seconds) {
    target = now + static_cast<int64_t>(*state.seconds * 1000);
  } else if (!state.seconds_path.empty()) {
    auto seconds = NumberAt(state.seconds_path, inner, "SecondsPath");
    if (!seconds.ok()) return FailState(frame, state, seconds.failure(), now);
    target = now + seconds.value() * 1000;
  } else {
    std::string text = state.timestamp;
    if (!state.timestamp_path.empty()) {
      auto value = EvaluatePath(state.timestamp_path, inner);
      if (!value.ok() || !value.value().is_string()) {
        return FailState(frame, state,
                         Failure{kStatesRuntime, "TimestampPath '" + state.timestamp_path +
                                                     "' does not select a timestamp string"},
                         now);
      }
      text = value.value().get<std::string>();
    }
    if (!ParseTimestamp(text, &target)) {
      return FailState(frame, state,
                       Failure{kStatesRuntime, "'" + text + "' is not a valid timestamp"}, now);
    }
  }
  int64_t wait = std::max<int64_t>(0, target - now);
  frame.phase = FramePhase::kWaitTimer;
  frame.due_ms = now + static_cast<int64_t>(static_cast<double>(wait) * options_.wait_time_scale);
  if (frame.due_ms <= now) FinishWait(frame, state, now);
}

void Interpreter::FinishWait(Frame& frame, const State& state, int64_t now) {
  frame.phase = FramePhase::kEnter;
  frame.due_ms = 0;
  Json effective = std::move(frame.effective);
  frame.effective = nullptr;
  Exit(frame, state, effective, effective, now);
}

void Interpreter::RunSucceed(Frame& frame, const State& state, int64_t now) {
  PathScope scope = ScopeOf(frame.input, frame);
  auto effective = SelectPath(state.input_path, frame.input, scope);
  if (!effective.ok()) return FailState(frame, state, effective.failure(), now);
  auto output = SelectPath(state.output_path, effective.value(), ScopeOf(effective.value(), frame));
  if (!output.ok()) return FailState(frame, state, output.failure(), now);
  Emit(&frame, "SucceedStateExited", "stateExitedEventDetails",
       {{"name", state.name}, {"output", Text(output.value())}, {"outputDetails", NotTruncated()}},
       now);
  FinishFrame(frame, true, std::move(output).value(), {}, now);
}

void Interpreter::RunFail(Frame& frame, const State& state, int64_t now) {
  Failure failure{state.error, state.cause};
  PathScope scope = ScopeOf(frame.input, frame);
  for (auto [path, out] : {std::pair{&state.error_path, &failure.error},
                           std::pair{&state.cause_path, &failure.cause}}) {
    if (path->empty()) continue;
    if (LooksLikeIntrinsic(*path)) {
      auto value = EvaluateIntrinsic(*path, scope, options_.random);
      if (!value.ok()) return FinishFrame(frame, false, nullptr, value.failure(), now);
      *out = value.value().is_string() ? value.value().get<std::string>() : value.value().dump();
      continue;
    }
    auto value = EvaluatePath(*path, scope);
    if (!value.ok() || !value.value().is_string()) {
      return FinishFrame(frame, false, nullptr,
                         Failure{kStatesRuntime, "'" + *path + "' does not select a string"}, now);
    }
    *out = value.value().get<std::string>();
  }
  FinishFrame(frame, false, nullptr, failure, now);
}

void Interpreter::RunTask(Frame& frame, const State& state, int64_t now) {
  auto effective = SelectPath(state.input_path, frame.input, ScopeOf(frame.input, frame));
  if (!effective.ok()) return FailState(frame, state, effective.failure(), now);
  Inspected("afterInputPath", effective.value());
  TaskResource resource = ClassifyResource(state.resource);
  TaskAttempt task;
  task.token = context_.token_prefix + NewToken(options_.random);
  context_object_["Task"] = {{"Token", task.token}};
  PathScope scope = ScopeOf(effective.value(), frame);
  Json input = effective.value();
  if (state.parameters) {
    auto built = EvaluatePayloadTemplate(*state.parameters, scope, options_.random);
    context_object_.erase("Task");
    if (!built.ok()) return FailState(frame, state, built.failure(), now);
    input = std::move(built).value();
  }
  context_object_.erase("Task");
  Inspected("afterParameters", input);
  if (TooLarge(input)) return FailState(frame, state, OverLimit("input", state), now);
  int64_t timeout = state.timeout_seconds.value_or(0);
  if (!state.timeout_seconds_path.empty()) {
    auto value = NumberAt(state.timeout_seconds_path, scope, "TimeoutSecondsPath");
    if (!value.ok()) return FailState(frame, state, value.failure(), now);
    timeout = value.value();
  }
  int64_t heartbeat = state.heartbeat_seconds.value_or(0);
  if (!state.heartbeat_seconds_path.empty()) {
    auto value = NumberAt(state.heartbeat_seconds_path, scope, "HeartbeatSecondsPath");
    if (!value.ok()) return FailState(frame, state, value.failure(), now);
    heartbeat = value.value();
  }
  // The specification: both paths must select positive integers, the heartbeat below the timeout.
  if ((!state.timeout_seconds_path.empty() && timeout == 0) ||
      (!state.heartbeat_seconds_path.empty() && heartbeat == 0)) {
    return FailState(frame, state,
                     Failure{kStatesRuntime,
                             "TimeoutSecondsPath and HeartbeatSecondsPath must "
                             "select positive integers"},
                     now);
  }
  if (heartbeat > 0 && timeout > 0 && heartbeat >= timeout) {
    return FailState(frame, state,
                     Failure{kStatesRuntime, "the heartbeat (" + std::to_string(heartbeat) +
                                                 " s) must be shorter than the timeout (" +
                                                 std::to_string(timeout) + " s)"},
                     now);
  }
  if (resource.kind == ResourceKind::kUnsupported) {
    return FailState(frame, state,
                     Failure{kStatesRuntime, "The resource '" + state.resource +
                                                 "' is not supported by this service"},
                     now);
  }
  ++frame.attempts;
  auto state_index = context_.state_indexes.find(frame.state);
  task.name = state_index == context_.state_indexes.end()
                  ? context_.task_prefix + "-" + std::to_string(frame.id) + "-" +
                        std::to_string(frame.attempts)
                  : context_.task_prefix + "-" + std::to_string(state_index->second) + "-" +
                        std::to_string(frame.retry_count + 1);
  task.resource = state.resource;
  task.input = input;
  task.scheduled_ms = now;
  task.timeout_at_ms = timeout > 0 ? now + timeout * 1000 : 0;
  bool callback = resource.kind == ResourceKind::kActivity || resource.wait_for_token;
  task.heartbeat_seconds = callback ? heartbeat : 0;
  // A callback's heartbeat clock starts now; an activity's when a worker takes it.
  if (resource.wait_for_token && heartbeat > 0) task.heartbeat_at_ms = now + heartbeat * 1000;
  frame.task = std::move(task);
  frame.phase = FramePhase::kTask;

  Json details;
  if (resource.kind == ResourceKind::kFunction) {
    details = {
        {"resource", state.resource}, {"input", Text(input)}, {"inputDetails", NotTruncated()}};
    if (timeout > 0) details["timeoutInSeconds"] = timeout;
    Emit(&frame, "LambdaFunctionScheduled", "lambdaFunctionScheduledEventDetails",
         std::move(details), now);
  } else if (resource.kind == ResourceKind::kActivity) {
    details = {
        {"resource", state.resource}, {"input", Text(input)}, {"inputDetails", NotTruncated()}};
    if (timeout > 0) details["timeoutInSeconds"] = timeout;
    if (heartbeat > 0) details["heartbeatInSeconds"] = heartbeat;
    Emit(&frame, "ActivityScheduled", "activityScheduledEventDetails", std::move(details), now);
  } else {
    details = {{"resourceType", resource.history_type},
               {"resource", resource.history_resource},
               {"region", RegionOf(context_.execution_arn)},
               {"parameters", Text(input)}};
    if (timeout > 0) details["timeoutInSeconds"] = timeout;
    if (heartbeat > 0) details["heartbeatInSeconds"] = heartbeat;
    Emit(&frame, "TaskScheduled", "taskScheduledEventDetails", std::move(details), now);
  }
  to_start_.push_back(frame.id);
}

void Interpreter::RunParallel(Frame& frame, const State& state, int64_t now) {
  auto effective = EffectiveInput(frame, state);
  if (!effective.ok()) return FailState(frame, state, effective.failure(), now);
  Json input = std::move(effective).value();
  Emit(&frame, "ParallelStateStarted", "", nullptr, now);
  frame.phase = FramePhase::kChildren;
  frame.total = static_cast<int64_t>(state.branches.size());
  frame.next_child = frame.total;
  frame.succeeded = frame.failed = 0;
  frame.results = Json::array();
  for (int64_t i = 0; i < frame.total; ++i) frame.results.push_back(nullptr);
  for (int64_t i = 0; i < frame.total; ++i) {
    auto scope = frame.scope;
    scope.emplace_back(state.name, i);
    NewFrame(frame.id, i, std::move(scope), state.branches[i]->start_at, input, frame.variables,
             now);
  }
}

void Interpreter::RunMap(Frame& frame, const State& state, int64_t now) {
  auto effective = SelectPath(state.input_path, frame.input, ScopeOf(frame.input, frame));
  if (!effective.ok()) return FailState(frame, state, effective.failure(), now);
  frame.effective = std::move(effective).value();
  PathScope scope = ScopeOf(frame.effective, frame);
  auto items = SelectPath(state.items_path, frame.effective, scope);
  if (!items.ok()) return FailState(frame, state, items.failure(), now);
  if (!items.value().is_array()) {
    return FailState(frame, state,
                     Failure{kStatesRuntime,
                             "Map state '" + state.name + "': ItemsPath does not select an array"},
                     now);
  }
  int64_t max_concurrency = state.max_concurrency.value_or(0);
  if (!state.max_concurrency_path.empty()) {
    auto value = NumberAt(state.max_concurrency_path, scope, "MaxConcurrencyPath");
    if (!value.ok()) return FailState(frame, state, value.failure(), now);
    max_concurrency = value.value();
  }
  frame.tolerated_count = state.tolerated_failure_count.value_or(-1);
  if (!state.tolerated_failure_count_path.empty()) {
    auto value = NumberAt(state.tolerated_failure_count_path, scope, "ToleratedFailureCountPath");
    if (!value.ok()) return FailState(frame, state, value.failure(), now);
    frame.tolerated_count = value.value();
  }
  frame.tolerated_percentage = state.tolerated_failure_percentage.value_or(-1);
  if (!state.tolerated_failure_percentage_path.empty()) {
    auto value = EvaluatePath(state.tolerated_failure_percentage_path, scope);
    if (!value.ok() || !value.value().is_number() || value.value().get<double>() < 0 ||
        value.value().get<double>() > 100) {
      return FailState(frame, state,
                       Failure{kStatesRuntime, "ToleratedFailurePercentagePath '" +
                                                   state.tolerated_failure_percentage_path +
                                                   "' does not select a number from 0 to 100"},
                       now);
    }
    frame.tolerated_percentage = value.value().get<double>();
  }
  // Items, each through ItemSelector with $$.Map.Item, then grouped by ItemBatcher.
  Json selected = Json::array();
  int64_t index = 0;
  for (Json& item : items.value()) {
    if (state.item_selector) {
      context_object_["Map"] = {{"Item", {{"Index", index}, {"Value", item}}}};
      auto built = EvaluatePayloadTemplate(*state.item_selector, scope, options_.random);
      context_object_.erase("Map");
      if (!built.ok()) return FailState(frame, state, built.failure(), now);
      selected.push_back(std::move(built).value());
    } else {
      selected.push_back(std::move(item));
    }
    ++index;
  }
  if (state.item_batcher) {
    const Json& batcher = *state.item_batcher;
    int64_t per_batch = batcher.value("MaxItemsPerBatch", int64_t{0});
    if (batcher.contains("MaxItemsPerBatchPath")) {
      auto value = NumberAt(batcher["MaxItemsPerBatchPath"].get<std::string>(), scope,
                            "MaxItemsPerBatchPath");
      if (!value.ok()) return FailState(frame, state, value.failure(), now);
      per_batch = value.value();
    }
    std::optional<Json> batch_input;
    if (batcher.contains("BatchInput")) {
      auto built = EvaluatePayloadTemplate(batcher["BatchInput"], scope, options_.random);
      if (!built.ok()) return FailState(frame, state, built.failure(), now);
      batch_input = std::move(built).value();
    }
    if (per_batch <= 0) per_batch = static_cast<int64_t>(selected.size());
    Json batches = Json::array();
    for (size_t i = 0; i < selected.size(); i += per_batch) {
      Json batch = {{"Items", Json::array()}};
      for (size_t j = i; j < selected.size() && j < i + per_batch; ++j) {
        batch["Items"].push_back(std::move(selected[j]));
      }
      if (batch_input) batch["BatchInput"] = *batch_input;
      batches.push_back(std::move(batch));
    }
    selected = std::move(batches);
  }
  frame.phase = FramePhase::kChildren;
  frame.items = std::move(selected);
  frame.total = static_cast<int64_t>(frame.items.size());
  frame.next_child = frame.succeeded = frame.failed = 0;
  frame.max_concurrency = max_concurrency;
  frame.results = Json::array();
  for (int64_t i = 0; i < frame.total; ++i) frame.results.push_back(nullptr);
  Emit(&frame, "MapStateStarted", "mapStateStartedEventDetails", {{"length", frame.total}}, now);
  if (frame.total == 0) {
    Emit(&frame, "MapStateSucceeded", "", nullptr, now);
    frame.phase = FramePhase::kEnter;
    return Exit(frame, state, Json::array(), Json::array(), now);
  }
  StartIterations(frame, state, now);
}

void Interpreter::StartIterations(Frame& frame, const State& state, int64_t now) {
  while (frame.next_child < frame.total &&
         (frame.max_concurrency <= 0 ||
          frame.next_child - frame.succeeded - frame.failed < frame.max_concurrency)) {
    int64_t index = frame.next_child++;
    Emit(&frame, "MapIterationStarted", "mapIterationStartedEventDetails",
         {{"name", state.name}, {"index", index}}, now);
    auto scope = frame.scope;
    scope.emplace_back(state.name, -1);
    Json input = std::move(frame.items[index]);
    frame.items[index] = nullptr;
    NewFrame(frame.id, index, std::move(scope), state.item_processor->start_at, std::move(input),
             frame.variables, now);
  }
}

void Interpreter::ChildFinished(int64_t parent_id, int64_t index, bool ok, const Json& output,
                                const Failure& failure, int64_t now) {
  Frame& frame = state_.frames.at(parent_id);
  const State& state = CurrentState(frame);
  if (state.type == StateType::kParallel) {
    if (!ok) {
      AbortChildren(frame.id, now);
      Emit(&frame, "ParallelStateFailed", "", nullptr, now);
      frame.phase = FramePhase::kEnter;
      return FailState(frame, state, failure, now);
    }
    frame.results[index] = output;
    if (++frame.succeeded < frame.total) return;
    Emit(&frame, "ParallelStateSucceeded", "", nullptr, now);
  } else {
    const char* event = ok ? "MapIterationSucceeded" : "MapIterationFailed";
    std::string key = ok ? "mapIterationSucceededEventDetails" : "mapIterationFailedEventDetails";
    Emit(&frame, event, key, {{"name", state.name}, {"index", index}}, now);
    if (ok) {
      frame.results[index] = output;
      ++frame.succeeded;
    } else {
      frame.results[index] = {{"Error", failure.error}, {"Cause", failure.cause}};
      ++frame.failed;
      // States.Runtime always fails the execution: no tolerance absorbs it.
      bool tolerant = (frame.tolerated_count >= 0 || frame.tolerated_percentage >= 0) &&
                      failure.error != kStatesRuntime;
      bool within = tolerant &&
                    (frame.tolerated_count < 0 || frame.failed <= frame.tolerated_count) &&
                    (frame.tolerated_percentage < 0 ||
                     100.0 * static_cast<double>(frame.failed) / static_cast<double>(frame.total) <=
                         frame.tolerated_percentage);
      if (!within) {
        AbortChildren(frame.id, now);
        Emit(&frame, "MapStateFailed", "", nullptr, now);
        frame.phase = FramePhase::kEnter;
        Failure reported = tolerant ? Failure{kStatesExceedToleratedFailureThreshold,
                                              "The Map state '" + state.name +
                                                  "' failed more iterations than tolerated"}
                                    : failure;
        return FailState(frame, state, reported, now);
      }
    }
    if (frame.succeeded + frame.failed < frame.total) return StartIterations(frame, state, now);
    Emit(&frame, "MapStateSucceeded", "", nullptr, now);
  }
  frame.phase = FramePhase::kEnter;
  Json results = std::move(frame.results);
  frame.results = Json::array();
  frame.items = Json::array();
  SetContext(frame);
  Exit(frame, state, results, results, now);
}

void Interpreter::Exit(Frame& frame, const State& state, const Json& result,
                       const Json& assign_input, int64_t now) {
  SetContext(frame);
  Json selected = result;
  if (state.result_selector) {
    auto built =
        EvaluatePayloadTemplate(*state.result_selector, ScopeOf(result, frame), options_.random);
    if (!built.ok()) return FailState(frame, state, built.failure(), now);
    selected = std::move(built).value();
    Inspected("afterResultSelector", selected);
  }
  auto placed = PlaceResult(state.result_path, frame.input, selected);
  if (!placed.ok()) return FailState(frame, state, placed.failure(), now);
  Inspected("afterResultPath", placed.value());
  auto output = SelectPath(state.output_path, placed.value(), ScopeOf(placed.value(), frame));
  if (!output.ok()) return FailState(frame, state, output.failure(), now);
  std::string text = output.value().dump();
  if (text.size() > options_.max_payload_bytes) {
    return FailState(frame, state, OverLimit("output", state), now);
  }
  Json details = {
      {"name", state.name}, {"output", std::move(text)}, {"outputDetails", NotTruncated()}};
  if (!state.assign.is_null()) {
    auto assigned =
        EvaluatePayloadTemplate(state.assign, ScopeOf(assign_input, frame), options_.random);
    if (!assigned.ok()) {
      return FailState(frame, state, Failure{kStatesRuntime, assigned.failure().cause}, now);
    }
    Json texts = Json::object();
    for (auto& [name, value] : assigned.value().items()) {
      texts[name] = value.dump();
      frame.variables[name] = value;
    }
    details["assignedVariables"] = std::move(texts);
    details["assignedVariablesDetails"] = NotTruncated();
  }
  Emit(&frame, std::string(ToString(state.type)) + "StateExited", "stateExitedEventDetails",
       std::move(details), now);
  if (state.end || state.next.empty()) {
    return FinishFrame(frame, true, std::move(output).value(), {}, now);
  }
  Transition(frame, state.next, std::move(output).value(), now);
}

void Interpreter::Transition(Frame& frame, const std::string& next, Json output, int64_t now) {
  (void)now;
  frame.state = next;
  frame.input = std::move(output);
  frame.phase = FramePhase::kEnter;
  frame.task.reset();
  frame.due_ms = 0;
  runnable_.push_back(frame.id);
}

void Interpreter::FailState(Frame& frame, const State& state, const Failure& failure, int64_t now) {
  frame.task.reset();
  frame.phase = FramePhase::kEnter;
  bool handles = state.type == StateType::kTask || state.type == StateType::kParallel ||
                 state.type == StateType::kMap;
  if (handles) {
    int retrier = MatchRetrier(state.retry, failure.error, state.type);
    if (retrier >= 0) {
      if (frame.retrier_counts.size() < state.retry.size()) {
        frame.retrier_counts.resize(state.retry.size(), 0);
      }
      int64_t& count = frame.retrier_counts[retrier];
      if (count < state.retry[retrier].max_attempts) {
        ++count;
        ++frame.retry_count;
        double random01 = static_cast<double>(options_.random() >> 11) * 0x1.0p-53;
        int64_t delay = RetryDelayMs(state.retry[retrier], count, random01);
        frame.phase = FramePhase::kRetryTimer;
        frame.due_ms =
            now + static_cast<int64_t>(static_cast<double>(delay) * options_.wait_time_scale);
        if (frame.due_ms <= now) {
          frame.phase = FramePhase::kEnter;
          Act(frame, state, now);
        }
        return;
      }
    }
    int catcher = MatchCatcher(state.catchers, failure.error, state.type);
    if (catcher >= 0) {
      const Catcher& c = state.catchers[catcher];
      Json error_output = {{"Error", failure.error}, {"Cause", failure.cause}};
      auto placed = PlaceResult(c.result_path, frame.input, error_output);
      if (!placed.ok()) return FinishFrame(frame, false, nullptr, placed.failure(), now);
      Json details = {{"name", state.name},
                      {"output", Text(placed.value())},
                      {"outputDetails", NotTruncated()}};
      if (!c.assign.is_null()) {
        SetContext(frame);
        auto assigned =
            EvaluatePayloadTemplate(c.assign, ScopeOf(error_output, frame), options_.random);
        if (!assigned.ok()) {
          return FinishFrame(frame, false, nullptr,
                             Failure{kStatesRuntime, assigned.failure().cause}, now);
        }
        for (auto& [name, value] : assigned.value().items()) frame.variables[name] = value;
      }
      Emit(&frame, std::string(ToString(state.type)) + "StateExited", "stateExitedEventDetails",
           std::move(details), now);
      return Transition(frame, c.next, std::move(placed).value(), now);
    }
  }
  FinishFrame(frame, false, nullptr, failure, now);
}

void Interpreter::FinishFrame(Frame& frame, bool ok, Json output, const Failure& failure,
                              int64_t now) {
  if (frame.parent == 0) {
    if (ok) {
      if (TooLarge(output)) {
        return FinishFrame(
            frame, false, nullptr,
            Failure{kStatesDataLimitExceeded, "The execution's output is over 256 KiB"}, now);
      }
      state_.output = std::move(output);
      state_.frames.erase(frame.id);
      EndExecution("SUCCEEDED", "", {}, now);
    } else {
      frame.phase = FramePhase::kStopped;
      frame.task.reset();
      EndExecution("FAILED", "ExecutionFailed", failure, now);
    }
    return;
  }
  int64_t parent = frame.parent, index = frame.index, id = frame.id;
  state_.frames.erase(id);  // a finishing frame has no children left
  ChildFinished(parent, index, ok, output, failure, now);
}

void Interpreter::EndExecution(const std::string& status, const std::string& event,
                               const Failure& failure, int64_t now) {
  state_.status = status;
  state_.stop_ms = now;
  state_.timeout_due_ms = 0;
  state_.error = failure.error;
  state_.cause = failure.cause;
  const Frame* root = nullptr;
  for (auto& [id, frame] : state_.frames) {
    if (frame.parent == 0) root = &frame;
  }
  int64_t previous = root ? root->last_event_id : state_.last_event_id;
  Json details;
  std::string type = event, key;
  if (status == "SUCCEEDED") {
    type = "ExecutionSucceeded";
    key = "executionSucceededEventDetails";
    details = {{"output", Text(state_.output)}, {"outputDetails", NotTruncated()}};
  } else {
    key = event == "ExecutionFailed"    ? "executionFailedEventDetails"
          : event == "ExecutionAborted" ? "executionAbortedEventDetails"
                                        : "executionTimedOutEventDetails";
    details = Json::object();  // an empty error or cause is left out, as Step Functions does
    if (!failure.error.empty()) details["error"] = failure.error;
    if (!failure.cause.empty()) details["cause"] = failure.cause;
  }
  Json e = {{"timestamp", static_cast<double>(now) / 1000.0},
            {"type", type},
            {"id", ++state_.last_event_id},
            {"previousEventId", previous},
            {key, std::move(details)}};
  events_.push_back(std::move(e));
  runnable_.clear();
}

void Interpreter::AbortTask(Frame& frame) {
  if (!frame.task) return;
  to_stop_.push_back({frame.task->name, frame.task->executor_id, frame.task->resource});
  frame.task.reset();
}

void Interpreter::AbortChildren(int64_t frame_id, int64_t now) {
  std::vector<int64_t> children;
  for (const auto& [id, frame] : state_.frames) {
    if (frame.parent == frame_id) children.push_back(id);
  }
  if (children.empty()) return;
  Frame& parent = state_.frames.at(frame_id);
  bool map = CurrentState(parent).type == StateType::kMap;
  for (int64_t id : children) {
    AbortChildren(id, now);
    Frame& child = state_.frames.at(id);
    AbortTask(child);
    if (map) {
      Emit(&parent, "MapIterationAborted", "mapIterationAbortedEventDetails",
           {{"name", parent.state}, {"index", child.index}}, now);
    }
    state_.frames.erase(id);
  }
}

bool Interpreter::TaskStarted(const std::string& attempt, const std::string& executor_id,
                              const std::string& worker, int64_t now) {
  Frame* frame = const_cast<Frame*>(FindAttempt(attempt));
  if (!frame || frame->phase != FramePhase::kTask) return false;
  TaskAttempt& task = *frame->task;
  if (!task.executor_id.empty() || !task.worker.empty()) return false;  // told already
  task.executor_id = executor_id;
  task.worker = worker;
  TaskResource resource = ClassifyResource(task.resource);
  if (resource.kind == ResourceKind::kFunction) {
    Emit(frame, "LambdaFunctionStarted", "", nullptr, now);
  } else if (resource.kind == ResourceKind::kActivity) {
    if (task.heartbeat_seconds > 0) task.heartbeat_at_ms = now + task.heartbeat_seconds * 1000;
    Emit(frame, "ActivityStarted", "activityStartedEventDetails",
         worker.empty() ? Json::object() : Json{{"workerName", worker}}, now);
  } else {
    Emit(frame, "TaskStarted", "taskStartedEventDetails",
         {{"resourceType", resource.history_type}, {"resource", resource.history_resource}}, now);
  }
  return true;
}

bool Interpreter::TaskSucceeded(const std::string& attempt, Json result, int64_t now) {
  Frame* frame = const_cast<Frame*>(FindAttempt(attempt));
  if (!frame || frame->phase != FramePhase::kTask) return false;
  const State& state = CurrentState(*frame);
  TaskResource resource = ClassifyResource(frame->task->resource);
  if (TooLarge(result)) {
    return TaskFailed(attempt,
                      Failure{kStatesDataLimitExceeded,
                              "The task result of state '" + state.name + "' is over 256 KiB"},
                      now);
  }
  Json details = {{"output", Text(result)}, {"outputDetails", NotTruncated()}};
  if (resource.kind == ResourceKind::kFunction) {
    Emit(frame, "LambdaFunctionSucceeded", "lambdaFunctionSucceededEventDetails",
         std::move(details), now);
  } else if (resource.kind == ResourceKind::kActivity) {
    Emit(frame, "ActivitySucceeded", "activitySucceededEventDetails", std::move(details), now);
  } else {
    details["resourceType"] = resource.history_type;
    details["resource"] = resource.history_resource;
    Emit(frame, "TaskSucceeded", "taskSucceededEventDetails", std::move(details), now);
  }
  frame->task.reset();
  frame->phase = FramePhase::kEnter;
  SetContext(*frame);
  Inspected("result", result);
  Exit(*frame, state, result, result, now);
  RunQueue(now);
  return true;
}

bool Interpreter::TaskFailed(const std::string& attempt, const Failure& failure, int64_t now) {
  Frame* frame = const_cast<Frame*>(FindAttempt(attempt));
  if (!frame || frame->phase != FramePhase::kTask) return false;
  const State& state = CurrentState(*frame);
  TaskResource resource = ClassifyResource(frame->task->resource);
  Json details = {{"error", failure.error}, {"cause", failure.cause}};
  if (resource.kind == ResourceKind::kFunction) {
    Emit(frame, "LambdaFunctionFailed", "lambdaFunctionFailedEventDetails", std::move(details),
         now);
  } else if (resource.kind == ResourceKind::kActivity) {
    Emit(frame, "ActivityFailed", "activityFailedEventDetails", std::move(details), now);
  } else {
    details["resourceType"] = resource.history_type;
    details["resource"] = resource.history_resource;
    Emit(frame, "TaskFailed", "taskFailedEventDetails", std::move(details), now);
  }
  SetContext(*frame);
  FailState(*frame, state, failure, now);
  RunQueue(now);
  return true;
}

bool Interpreter::TaskHeartbeat(const std::string& attempt, int64_t now) {
  Frame* frame = const_cast<Frame*>(FindAttempt(attempt));
  if (!frame || frame->phase != FramePhase::kTask) return false;
  if (frame->task->heartbeat_seconds > 0) {
    frame->task->heartbeat_at_ms = now + frame->task->heartbeat_seconds * 1000;
  }
  return true;
}

const Frame* Interpreter::FindAttempt(const std::string& name_or_token) const {
  for (const auto& [id, frame] : state_.frames) {
    if (frame.task && (frame.task->name == name_or_token || frame.task->token == name_or_token)) {
      return &frame;
    }
  }
  return nullptr;
}

void Interpreter::TaskTimedOut(Frame& frame, const Failure& failure, int64_t now) {
  const State& state = CurrentState(frame);
  TaskResource resource = ClassifyResource(frame.task->resource);
  Json details = {{"error", failure.error}, {"cause", failure.cause}};
  if (resource.kind == ResourceKind::kFunction) {
    Emit(&frame, "LambdaFunctionTimedOut", "lambdaFunctionTimedOutEventDetails", std::move(details),
         now);
  } else if (resource.kind == ResourceKind::kActivity) {
    Emit(&frame, "ActivityTimedOut", "activityTimedOutEventDetails", std::move(details), now);
  } else {
    details["resourceType"] = resource.history_type;
    details["resource"] = resource.history_resource;
    Emit(&frame, "TaskTimedOut", "taskTimedOutEventDetails", std::move(details), now);
  }
  AbortTask(frame);
  SetContext(frame);
  FailState(frame, state, failure, now);
}

void Interpreter::FireTimers(int64_t now) {
  if (state_.status != "RUNNING") return;
  // Every timer due by `now`, fired in the order they fell due (after an outage several may be):
  // the execution's own timeout is one of them, so a state whose timer came first still acts.
  constexpr int64_t kExecutionTimeout = -1;      // no frame has this id
  std::vector<std::pair<int64_t, int64_t>> due;  // (due time, frame id)
  if (state_.timeout_due_ms > 0 && state_.timeout_due_ms <= now) {
    due.emplace_back(state_.timeout_due_ms, kExecutionTimeout);
  }
  for (const auto& [id, frame] : state_.frames) {
    if ((frame.phase == FramePhase::kWaitTimer || frame.phase == FramePhase::kRetryTimer) &&
        frame.due_ms <= now) {
      due.emplace_back(frame.due_ms, id);
    } else if (frame.phase == FramePhase::kTask) {
      int64_t at = TaskTimerDue(*frame.task, now);
      if (at > 0) due.emplace_back(at, id);
    }
  }
  // Equal times: the states' timers first (their frames in id order), then the execution's.
  std::sort(due.begin(), due.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    auto rank = [](int64_t id) {
      return id == kExecutionTimeout ? std::numeric_limits<int64_t>::max() : id;
    };
    return rank(a.second) < rank(b.second);
  });
  for (const auto& [at, id] : due) {
    if (state_.status != "RUNNING") return;
    if (id == kExecutionTimeout) {
      StopAllFrames(now);
      EndExecution("TIMED_OUT", "ExecutionTimedOut",
                   Failure{kStatesTimeout, "The execution ran longer than its TimeoutSeconds"},
                   now);
      return;
    }
    auto it = state_.frames.find(id);
    if (it == state_.frames.end()) continue;
    Frame& frame = it->second;
    const State& state = CurrentState(frame);
    SetContext(frame);
    if (frame.phase == FramePhase::kWaitTimer && frame.due_ms <= now) {
      FinishWait(frame, state, now);
    } else if (frame.phase == FramePhase::kRetryTimer && frame.due_ms <= now) {
      frame.phase = FramePhase::kEnter;
      frame.due_ms = 0;
      Act(frame, state, now);
    } else if (frame.phase == FramePhase::kTask && TaskTimerDue(*frame.task, now) > 0) {
      const TaskAttempt& task = *frame.task;
      bool timed_out = task.timeout_at_ms > 0 && task.timeout_at_ms <= now &&
                       (task.heartbeat_at_ms <= 0 || task.heartbeat_at_ms > now ||
                        task.timeout_at_ms <= task.heartbeat_at_ms);
      TaskTimedOut(frame,
                   timed_out ? Failure{kStatesTimeout, "Task timed out"}
                             : Failure{kStatesHeartbeatTimeout, "Task missed its heartbeat"},
                   now);
    }
    RunQueue(now);
  }
}

void Interpreter::StopAllFrames(int64_t now) {
  for (auto& [id, frame] : state_.frames) {
    if (frame.parent != 0) continue;
    AbortChildren(id, now);
    AbortTask(frame);
    frame.phase = FramePhase::kStopped;
    break;
  }
}

void Interpreter::Stop(const std::string& error, const std::string& cause, int64_t now) {
  if (state_.status != "RUNNING") return;
  StopAllFrames(now);
  EndExecution("ABORTED", "ExecutionAborted", Failure{error, cause}, now);
}

bool Interpreter::Redrive(int64_t now) {
  if (state_.status != "FAILED" && state_.status != "TIMED_OUT" && state_.status != "ABORTED") {
    return false;
  }
  Frame* root = nullptr;
  for (auto& [id, frame] : state_.frames) {
    if (frame.parent == 0 && frame.phase == FramePhase::kStopped) root = &frame;
  }
  if (!root) return false;
  state_.status = "RUNNING";
  state_.error.clear();
  state_.cause.clear();
  state_.stop_ms = 0;
  ++state_.redrive_count;
  context_object_["Execution"]["RedriveCount"] = state_.redrive_count;
  Emit(root, "ExecutionRedriven", "executionRedrivenEventDetails",
       {{"redriveCount", state_.redrive_count}}, now);
  if (definition_->timeout_seconds) {
    state_.timeout_due_ms = now + *definition_->timeout_seconds * 1000;
  }
  root->phase = FramePhase::kEnter;
  root->task.reset();
  runnable_.push_back(root->id);
  RunQueue(now);
  return true;
}

std::vector<Json> Interpreter::TakeEvents() { return std::exchange(events_, {}); }
std::vector<int64_t> Interpreter::TakeTasksToStart() { return std::exchange(to_start_, {}); }
std::vector<TaskToStop> Interpreter::TakeTasksToStop() { return std::exchange(to_stop_, {}); }

int64_t Interpreter::NextDueMs() const {
  if (state_.status != "RUNNING") return 0;
  int64_t next = state_.timeout_due_ms;
  auto consider = [&next](int64_t due) {
    if (due > 0 && (next == 0 || due < next)) next = due;
  };
  for (const auto& [id, frame] : state_.frames) {
    if (frame.phase == FramePhase::kWaitTimer || frame.phase == FramePhase::kRetryTimer) {
      consider(frame.due_ms);
    } else if (frame.phase == FramePhase::kTask) {
      consider(frame.task->timeout_at_ms);
      consider(frame.task->heartbeat_at_ms);
    }
  }
  return next;
}

void Interpreter::Emit(Frame* frame, const std::string& type, const std::string& details_key,
                       Json details, int64_t now) {
  Json event = {{"timestamp", static_cast<double>(now) / 1000.0},
                {"type", type},
                {"id", ++state_.last_event_id},
                {"previousEventId", frame ? frame->last_event_id : state_.last_event_id - 1}};
  if (!details_key.empty()) event[details_key] = std::move(details);
  if (frame) frame->last_event_id = state_.last_event_id;
  events_.push_back(std::move(event));
}

void Interpreter::SetContext(const Frame& frame) {
  context_object_["State"] = {{"Name", frame.state},
                              {"EnteredTime", FormatTimestamp(frame.entered_ms)},
                              {"RetryCount", frame.retry_count}};
}

PathScope Interpreter::ScopeOf(const Json& input, const Frame& frame) const {
  return PathScope{&input, &context_object_, &frame.variables};
}

Failure Interpreter::OverLimit(const char* what, const State& state) const {
  return Failure{kStatesDataLimitExceeded,
                 std::string("The ") + what + " of state '" + state.name + "' is over " +
                     std::to_string(options_.max_payload_bytes / 1024) + " KiB"};
}

bool Interpreter::TooLarge(const Json& value) const {
  // Cheap for small values; only task payloads and the final output are measured.
  return value.dump().size() > options_.max_payload_bytes;
}

}  // namespace wfm::asl
