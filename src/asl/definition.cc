// ParseDefinition: a validated definition text turned into the structs of definition.h.
#include "asl/definition.h"

namespace wfm::asl {

namespace {

StateType TypeOf(const std::string& type) {
  static const std::map<std::string, StateType> kTypes = {
      {"Task", StateType::kTask},         {"Pass", StateType::kPass},
      {"Choice", StateType::kChoice},     {"Wait", StateType::kWait},
      {"Succeed", StateType::kSucceed},   {"Fail", StateType::kFail},
      {"Parallel", StateType::kParallel}, {"Map", StateType::kMap}};
  return kTypes.at(type);
}

std::string StringOr(const Json& object, const char* name, std::string fallback = {}) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

std::optional<Json> Optional(const Json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end()) return std::nullopt;
  return *it;
}

template <typename T>
std::optional<T> Number(const Json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  return it->get<T>();
}

Json OrNull(const Json& object, const char* name) {
  auto it = object.find(name);
  return it == object.end() ? Json() : *it;
}

PathField PathOf(const Json& object, const char* name) {
  PathField field;
  auto it = object.find(name);
  if (it == object.end()) return field;
  if (it->is_null()) {
    field.kind = PathField::Kind::kNull;
  } else {
    field.kind = PathField::Kind::kPath;
    field.path = it->get<std::string>();
  }
  return field;
}

std::vector<std::string> ErrorEqualsOf(const Json& element) {
  return element.at("ErrorEquals").get<std::vector<std::string>>();
}

Retrier RetrierOf(const Json& element) {
  Retrier retrier;
  retrier.error_equals = ErrorEqualsOf(element);
  retrier.interval_seconds = Number<double>(element, "IntervalSeconds").value_or(1);
  retrier.max_attempts = Number<int64_t>(element, "MaxAttempts").value_or(3);
  retrier.backoff_rate = Number<double>(element, "BackoffRate").value_or(2.0);
  retrier.max_delay_seconds = Number<int64_t>(element, "MaxDelaySeconds");
  retrier.full_jitter = StringOr(element, "JitterStrategy") == "FULL";
  return retrier;
}

Catcher CatcherOf(const Json& element) {
  Catcher catcher;
  catcher.error_equals = ErrorEqualsOf(element);
  catcher.next = element.at("Next").get<std::string>();
  catcher.result_path = PathOf(element, "ResultPath");
  catcher.assign = OrNull(element, "Assign");
  return catcher;
}

ChoiceRule RuleOf(const Json& element) {
  ChoiceRule rule;
  rule.next = StringOr(element, "Next");
  rule.assign = OrNull(element, "Assign");
  for (const auto& [key, value] : element.items()) {
    if (key == "And" || key == "Or") {
      rule.kind = key == "And" ? ChoiceRule::Kind::kAnd : ChoiceRule::Kind::kOr;
      for (const Json& child : value) rule.children.push_back(RuleOf(child));
    } else if (key == "Not") {
      rule.kind = ChoiceRule::Kind::kNot;
      rule.children.push_back(RuleOf(value));
    } else if (key == "Variable") {
      rule.variable = value.get<std::string>();
    } else if (key != "Next" && key != "Assign" && key != "Comment") {
      rule.kind = ChoiceRule::Kind::kComparison;
      rule.op = key;
      rule.operand = value;
    }
  }
  return rule;
}

std::shared_ptr<const StateMachine> MachineOf(const Json& machine);

State StateOf(const std::string& name, const Json& object) {
  State state;
  state.name = name;
  state.type = TypeOf(object.at("Type").get<std::string>());
  state.comment = StringOr(object, "Comment");
  state.next = StringOr(object, "Next");
  state.end = object.value("End", false);
  state.input_path = PathOf(object, "InputPath");
  state.output_path = PathOf(object, "OutputPath");
  state.result_path = PathOf(object, "ResultPath");
  state.result_selector = Optional(object, "ResultSelector");
  state.result = Optional(object, "Result");
  state.assign = OrNull(object, "Assign");
  if (state.type == StateType::kMap) {
    state.item_selector = Optional(object, "ItemSelector");
    if (!state.item_selector) state.item_selector = Optional(object, "Parameters");
  } else {
    state.parameters = Optional(object, "Parameters");
  }

  state.resource = StringOr(object, "Resource");
  state.timeout_seconds = Number<int64_t>(object, "TimeoutSeconds");
  state.timeout_seconds_path = StringOr(object, "TimeoutSecondsPath");
  state.heartbeat_seconds = Number<int64_t>(object, "HeartbeatSeconds");
  state.heartbeat_seconds_path = StringOr(object, "HeartbeatSecondsPath");
  if (auto retry = object.find("Retry"); retry != object.end()) {
    for (const Json& element : *retry) state.retry.push_back(RetrierOf(element));
  }
  if (auto catchers = object.find("Catch"); catchers != object.end()) {
    for (const Json& element : *catchers) state.catchers.push_back(CatcherOf(element));
  }

  if (auto choices = object.find("Choices"); choices != object.end()) {
    for (const Json& element : *choices) state.choices.push_back(RuleOf(element));
  }
  state.default_next = StringOr(object, "Default");

  state.seconds = Number<double>(object, "Seconds");
  state.timestamp = StringOr(object, "Timestamp");
  state.seconds_path = StringOr(object, "SecondsPath");
  state.timestamp_path = StringOr(object, "TimestampPath");

  state.error = StringOr(object, "Error");
  state.cause = StringOr(object, "Cause");
  state.error_path = StringOr(object, "ErrorPath");
  state.cause_path = StringOr(object, "CausePath");

  if (auto branches = object.find("Branches"); branches != object.end()) {
    for (const Json& branch : *branches) state.branches.push_back(MachineOf(branch));
  }
  if (auto processor = object.find("ItemProcessor"); processor != object.end()) {
    state.item_processor = MachineOf(*processor);
  } else if (auto iterator = object.find("Iterator"); iterator != object.end()) {
    state.item_processor = MachineOf(*iterator);
  }
  state.items_path = PathOf(object, "ItemsPath");
  state.max_concurrency = Number<int64_t>(object, "MaxConcurrency");
  state.max_concurrency_path = StringOr(object, "MaxConcurrencyPath");
  state.tolerated_failure_percentage = Number<double>(object, "ToleratedFailurePercentage");
  state.tolerated_failure_percentage_path = StringOr(object, "ToleratedFailurePercentagePath");
  state.tolerated_failure_count = Number<int64_t>(object, "ToleratedFailureCount");
  state.tolerated_failure_count_path = StringOr(object, "ToleratedFailureCountPath");
  state.item_batcher = Optional(object, "ItemBatcher");
  return state;
}

std::shared_ptr<const StateMachine> MachineOf(const Json& object) {
  auto machine = std::make_shared<StateMachine>();
  machine->start_at = object.at("StartAt").get<std::string>();
  machine->comment = StringOr(object, "Comment");
  machine->timeout_seconds = Number<int64_t>(object, "TimeoutSeconds");
  for (const auto& [name, state] : object.at("States").items()) {
    machine->states.emplace(name, StateOf(name, state));
  }
  return machine;
}

}  // namespace

Result<std::shared_ptr<const StateMachine>> ParseDefinition(std::string_view text) {
  for (const Diagnostic& diagnostic : ValidateDefinition(text)) {
    if (diagnostic.severity == "ERROR") {
      return Error{
          ErrorCode::kInvalidArgument,
          (diagnostic.location.empty() ? "/" : diagnostic.location) + ": " + diagnostic.message};
    }
  }
  // Validation has parsed the same text and checked every type read here.
  return MachineOf(Json::parse(text));
}

}  // namespace wfm::asl
