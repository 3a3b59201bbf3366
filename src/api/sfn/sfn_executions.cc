// Executions: start, describe, stop, list, history, redrive; and TestState.
#include "api/sfn/sfn_api.h"
#include "core/ids.h"

namespace wfm::sfn {
namespace {

// How long after its end a failed execution may still be redriven (Step Functions: 14 days).
constexpr TimestampMs kRedrivePeriodMs = 14LL * 24 * 3600 * 1000;

Result<ExecutionInfo> InfoOf(const Record& record) { return ExecutionInfoOf(record); }

// Removes execution data (inputs, outputs and their details) from an event's details.
void StripExecutionData(json& event) {
  for (auto& [key, details] : event.items()) {
    if (key.size() < 12 || key.compare(key.size() - 12, 12, "EventDetails") != 0) continue;
    if (!details.is_object()) continue;
    for (const char* field : {"input", "inputDetails", "output", "outputDetails"}) {
      details.erase(field);
    }
  }
}

// A history page token: the id of the first event of the next page.
bool ParseEventId(const std::string& token, int64_t* id) {
  if (token.empty() || token.size() > 18) return false;
  for (char c : token) {
    if (c < '0' || c > '9') return false;
  }
  *id = std::stoll(token);
  return *id > 0;
}

}  // namespace

std::pair<bool, std::string> SfnApi::Redrivable(const ExecutionInfo& info) const {
  if (info.status == kExecutionRunning || info.status == kExecutionSucceeded ||
      info.status == kExecutionPendingRedrive) {
    return {false, "Execution is " + info.status + " and cannot be redriven"};
  }
  if (clock_.Now() - info.stop_date > kRedrivePeriodMs) {
    return {false, "Execution redrivable period exceeded"};
  }
  return {true, ""};
}

Result<json> SfnApi::StartExecution(Params& p) {
  auto arn = p.String("stateMachineArn", 1, 256, true);
  auto name = p.String("name", 1, 80, false);
  auto input = p.String("input", 0, 256 * 1024, false);
  p.String("traceHeader", 0, 256, false);
  if (!p.ok()) return p.error();
  auto parsed = ParseStateMachineArn(*arn);
  if (!parsed.ok()) return parsed.error();
  if (name) {
    if (auto s = CheckResourceName(*name, "execution"); !s.ok()) return s.error();
  }
  if (input) {
    if (auto s = CheckJsonText(*input, "execution input", "InvalidExecutionInput"); !s.ok()) {
      return s.error();
    }
  }
  auto machine = Get(kRecordStateMachine, parsed->base, "StateMachineDoesNotExist");
  if (!machine.ok()) return machine.error();
  StartExecutionRequest request;
  request.state_machine_arn = parsed->base;
  request.state_machine_name = parsed->name;
  Record source = machine.value();
  if (parsed->IsAlias()) {
    auto alias = Get(kRecordStateMachineAlias, *arn, "StateMachineDoesNotExist");
    if (!alias.ok()) return alias.error();
    auto body = BodyOf(alias.value());
    if (!body.ok()) return body.error();
    request.alias_arn = *arn;
    request.version_arn = PickVersion((*body)["routingConfiguration"]);
  } else if (parsed->IsVersion()) {
    request.version_arn = *arn;
  }
  if (!request.version_arn.empty()) {
    auto version = Get(kRecordStateMachineVersion, request.version_arn, "StateMachineDoesNotExist");
    if (!version.ok()) return version.error();
    source = version.value();
  }
  auto body = BodyOf(source);
  if (!body.ok()) return body.error();
  request.definition = (*body)["definition"].get<std::string>();
  request.role_arn = (*body)["roleArn"].get<std::string>();
  request.name = name.value_or(NewUuid());
  request.execution_arn = arns_.Execution(parsed->name, request.name);
  request.input = input.value_or("{}");
  auto engine = Engine();
  if (!engine.ok()) return engine.error();
  auto started = (*engine)->StartExecution(request);
  if (!started.ok()) {
    return WithType(started.error(), started.error().code == ErrorCode::kAlreadyExists
                                         ? "ExecutionAlreadyExists"
                                         : "");
  }
  auto info = InfoOf(started.value());
  if (!info.ok()) return info.error();
  return json{{"executionArn", info->arn}, {"startDate", EpochSeconds(info->start_date)}};
}

Result<json> SfnApi::DescribeExecution(Params& p) {
  auto arn = p.String("executionArn", 1, 256, true);
  auto included = p.Enum("includedData", {"ALL_DATA", "METADATA_ONLY"}, false);
  if (!p.ok()) return p.error();
  if (auto s = CheckExecutionArn(*arn); !s.ok()) return s.error();
  auto record = Get(kRecordExecution, *arn, "ExecutionDoesNotExist");
  if (!record.ok()) return record.error();
  auto info = InfoOf(record.value());
  if (!info.ok()) return info.error();
  bool data = included != "METADATA_ONLY";
  json out = {{"executionArn", info->arn},
              {"stateMachineArn", info->state_machine_arn},
              {"name", info->name},
              {"status", info->status},
              {"startDate", EpochSeconds(info->start_date)},
              {"redriveCount", info->redrive_count}};
  if (info->stop_date != 0) out["stopDate"] = EpochSeconds(info->stop_date);
  if (data) {
    out["input"] = info->input;
    out["inputDetails"] = {{"included", true}};
    if (info->output) {
      out["output"] = *info->output;
      out["outputDetails"] = {{"included", true}};
    }
  }
  if (!info->error.empty()) out["error"] = info->error;
  if (!info->cause.empty()) out["cause"] = info->cause;
  if (!info->state_machine_version_arn.empty()) {
    out["stateMachineVersionArn"] = info->state_machine_version_arn;
  }
  if (!info->state_machine_alias_arn.empty()) {
    out["stateMachineAliasArn"] = info->state_machine_alias_arn;
  }
  if (info->redrive_date != 0) out["redriveDate"] = EpochSeconds(info->redrive_date);
  auto [redrivable, reason] = Redrivable(info.value());
  out["redriveStatus"] = redrivable ? "REDRIVABLE" : "NOT_REDRIVABLE";
  if (!redrivable) out["redriveStatusReason"] = reason;
  return out;
}

Result<json> SfnApi::DescribeStateMachineForExecution(Params& p) {
  auto arn = p.String("executionArn", 1, 256, true);
  p.Enum("includedData", {"ALL_DATA", "METADATA_ONLY"}, false);
  if (!p.ok()) return p.error();
  if (auto s = CheckExecutionArn(*arn); !s.ok()) return s.error();
  auto record = Get(kRecordExecution, *arn, "ExecutionDoesNotExist");
  if (!record.ok()) return record.error();
  auto info = InfoOf(record.value());
  if (!info.ok()) return info.error();
  json out = {{"stateMachineArn", info->state_machine_arn},
              {"name", info->state_machine_name},
              {"definition", info->definition},
              {"roleArn", info->role_arn},
              {"updateDate", EpochSeconds(info->start_date)}};
  // The revision the execution runs: its version's, or the machine's while it still holds the
  // same definition (the execution's start date stands in for a revision since replaced).
  bool versioned = !info->state_machine_version_arn.empty();
  auto source = versioned
                    ? store_.GetRecord(kRecordStateMachineVersion, info->state_machine_version_arn)
                    : store_.GetRecord(kRecordStateMachine, info->state_machine_arn);
  if (source.ok()) {
    auto body = BodyOf(source.value());
    if (body.ok() && (*body)["definition"] == info->definition) {
      out["revisionId"] = (*body)["revisionId"];
      out["updateDate"] =
          EpochSeconds((*body)[versioned ? "creationDate" : "updateDate"].get<TimestampMs>());
      out["loggingConfiguration"] = (*body)["loggingConfiguration"];
      out["tracingConfiguration"] = (*body)["tracingConfiguration"];
    }
  }
  return out;
}

Result<json> SfnApi::StopExecution(Params& p) {
  auto arn = p.String("executionArn", 1, 256, true);
  auto error = p.String("error", 0, 256, false);
  auto cause = p.String("cause", 0, 32768, false);
  if (!p.ok()) return p.error();
  if (auto s = CheckExecutionArn(*arn); !s.ok()) return s.error();
  auto engine = Engine();
  if (!engine.ok()) return engine.error();
  auto stopped = (*engine)->StopExecution(*arn, error.value_or(""), cause.value_or(""));
  if (!stopped.ok()) {
    return WithType(stopped.error(),
                    stopped.error().code == ErrorCode::kNotFound ? "ExecutionDoesNotExist" : "");
  }
  return json{{"stopDate", EpochSeconds(stopped.value())}};
}

Result<json> SfnApi::ListExecutions(Params& p) {
  auto arn = p.String("stateMachineArn", 1, 256, false);
  auto status = p.Enum("statusFilter",
                       {kExecutionRunning, kExecutionSucceeded, kExecutionFailed,
                        kExecutionTimedOut, kExecutionAborted, kExecutionPendingRedrive},
                       false);
  auto max_results = p.Integer("maxResults", 0, 1000);
  auto token = p.String("nextToken", 1, 3096, false);
  auto map_run = p.String("mapRunArn", 1, 2000, false);
  auto redrive = p.Enum("redriveFilter", {"REDRIVEN", "NOT_REDRIVEN"}, false);
  if (!p.ok()) return p.error();
  if (map_run && arn) {
    return TypedError("ValidationException",
                      "give either a stateMachineArn or a mapRunArn, not both");
  }
  if (map_run) {
    return TypedError("ResourceNotFound", "Map Runs are not supported: Map states run inline here");
  }
  if (!arn) {
    return TypedError("ValidationException", "stateMachineArn is required");
  }
  if (status == kExecutionPendingRedrive) {
    return TypedError("ValidationException",
                      "the PENDING_REDRIVE statusFilter cannot be used with a stateMachineArn");
  }
  auto parsed = ParseStateMachineArn(*arn);
  if (!parsed.ok()) return parsed.error();
  auto machine = Get(kRecordStateMachine, parsed->base, "StateMachineDoesNotExist");
  if (!machine.ok()) return machine.error();
  if (parsed->IsVersion() || parsed->IsAlias()) {
    auto qualified =
        Get(parsed->IsVersion() ? kRecordStateMachineVersion : kRecordStateMachineAlias, *arn,
            "StateMachineDoesNotExist");
    if (!qualified.ok()) return qualified.error();
  }
  // Filters the store does not index (version, alias, redriven) are applied while reading:
  // pages are read until enough executions match, and the token resumes after the last read.
  int wanted = PageSize(max_results);
  json items = json::array();
  std::string next = token.value_or("");
  do {
    auto page = List({kRecordExecution, parsed->base, status.value_or(""), next,
                      wanted - static_cast<int>(items.size())});
    if (!page.ok()) return page.error();
    for (const Record& record : page->records) {
      auto info = InfoOf(record);
      if (!info.ok()) return info.error();
      if (parsed->IsVersion() && info->state_machine_version_arn != *arn) continue;
      if (parsed->IsAlias() && info->state_machine_alias_arn != *arn) continue;
      if (redrive && (info->redrive_count > 0) != (*redrive == "REDRIVEN")) continue;
      json item = {{"executionArn", info->arn},
                   {"stateMachineArn", info->state_machine_arn},
                   {"name", info->name},
                   {"status", info->status},
                   {"startDate", EpochSeconds(info->start_date)},
                   {"redriveCount", info->redrive_count}};
      if (info->stop_date != 0) item["stopDate"] = EpochSeconds(info->stop_date);
      if (!info->state_machine_version_arn.empty()) {
        item["stateMachineVersionArn"] = info->state_machine_version_arn;
      }
      if (!info->state_machine_alias_arn.empty()) {
        item["stateMachineAliasArn"] = info->state_machine_alias_arn;
      }
      if (info->redrive_date != 0) item["redriveDate"] = EpochSeconds(info->redrive_date);
      items.push_back(item);
    }
    next = page->next_page_token;
  } while (!next.empty() && static_cast<int>(items.size()) < wanted);
  json out = {{"executions", items}};
  if (!next.empty()) out["nextToken"] = next;
  return out;
}

Result<json> SfnApi::GetExecutionHistory(Params& p) {
  auto arn = p.String("executionArn", 1, 256, true);
  auto max_results = p.Integer("maxResults", 0, 1000);
  auto reverse = p.Boolean("reverseOrder");
  auto token = p.String("nextToken", 1, 1024, false);
  auto include_data = p.Boolean("includeExecutionData");
  if (!p.ok()) return p.error();
  if (auto s = CheckExecutionArn(*arn); !s.ok()) return s.error();
  int64_t from = reverse.value_or(false) ? 0 : 1;
  if (token && !ParseEventId(*token, &from)) {
    return TypedError("InvalidToken", "Invalid Token: '" + *token + "'");
  }
  auto record = Get(kRecordExecution, *arn, "ExecutionDoesNotExist");
  if (!record.ok()) return record.error();
  int size = PageSize(max_results);
  // One event more than the page tells whether another page follows (and where it starts).
  auto events = store_.ReadHistory(*arn, from, std::min(size + 1, 1000), reverse.value_or(false));
  if (!events.ok()) return events.error();
  json out = {{"events", json::array()}};
  for (size_t i = 0; i < events->size(); ++i) {
    if (static_cast<int>(i) == size) {
      out["nextToken"] = std::to_string((*events)[i].id);
      break;
    }
    json event = json::parse((*events)[i].body, nullptr, false);
    if (event.is_discarded() || !event.is_object()) {
      return Error{ErrorCode::kInternal,
                   "corrupt history event " + std::to_string((*events)[i].id) + " of " + *arn};
    }
    if (!include_data.value_or(true)) StripExecutionData(event);
    out["events"].push_back(std::move(event));
  }
  // A full page of 1000 events ends where the store stopped: the next one starts after it.
  if (size == 1000 && events->size() == 1000 && !out.contains("nextToken")) {
    int64_t last = events->back().id;
    int64_t next = reverse.value_or(false) ? last - 1 : last + 1;
    if (next > 0) {
      auto more = store_.ReadHistory(*arn, next, 1, reverse.value_or(false));
      if (!more.ok()) return more.error();
      if (!more->empty()) out["nextToken"] = std::to_string(next);
    }
  }
  return out;
}

Result<json> SfnApi::RedriveExecution(Params& p) {
  auto arn = p.String("executionArn", 1, 256, true);
  auto client_token = p.String("clientToken", 1, 64, false);
  if (!p.ok()) return p.error();
  if (client_token) {
    for (char c : *client_token) {
      if (c < '!' || c > '~') {
        return ConstraintError("clientToken", *client_token,
                               "satisfy regular expression pattern: [!-~]+");
      }
    }
  }
  if (auto s = CheckExecutionArn(*arn); !s.ok()) return s.error();
  auto record = Get(kRecordExecution, *arn, "ExecutionDoesNotExist");
  if (!record.ok()) return record.error();
  auto info = InfoOf(record.value());
  if (!info.ok()) return info.error();
  auto [redrivable, reason] = Redrivable(info.value());
  if (!redrivable) return TypedError("ExecutionNotRedrivable", reason + ": '" + *arn + "'");
  auto engine = Engine();
  if (!engine.ok()) return engine.error();
  auto redriven = (*engine)->RedriveExecution(*arn);
  if (!redriven.ok()) {
    const Error& e = redriven.error();
    return WithType(e, e.code == ErrorCode::kNotFound   ? "ExecutionDoesNotExist"
                       : e.code == ErrorCode::kConflict ? "ExecutionNotRedrivable"
                                                        : "");
  }
  return json{{"redriveDate", EpochSeconds(redriven.value())}};
}

Result<json> SfnApi::TestState(Params& p) {
  auto definition = p.String("definition", 1, 1 << 20, true);
  auto role = p.String("roleArn", 1, 256, false);
  auto input = p.String("input", 0, 256 * 1024, false);
  p.Enum("inspectionLevel", {"INFO", "DEBUG", "TRACE"}, false);
  p.Boolean("revealSecrets");
  auto variables = p.String("variables", 0, 256 * 1024, false);
  p.String("stateName", 1, 80, false);
  p.String("context", 0, 256 * 1024, false);
  if (!p.ok()) return p.error();
  if (role) {
    if (auto s = CheckAnyArn(*role, "roleArn"); !s.ok()) return s.error();
  }
  json state = json::parse(*definition, nullptr, false);
  if (state.is_discarded() || !state.is_object()) {
    return TypedError("InvalidDefinition",
                      "Invalid State Machine Definition: the definition must be a JSON object");
  }
  if (input) {
    if (auto s = CheckJsonText(*input, "input", "InvalidExecutionInput"); !s.ok()) {
      return s.error();
    }
  }
  if (variables) {
    if (auto s = CheckJsonText(*variables, "variables", "InvalidExecutionInput"); !s.ok()) {
      return s.error();
    }
  }
  auto engine = Engine();
  if (!engine.ok()) return engine.error();
  auto tested = (*engine)->TestState(p.body());
  if (!tested.ok()) {
    return WithType(tested.error(),
                    tested.error().code == ErrorCode::kInvalidArgument ? "InvalidDefinition" : "");
  }
  return tested.value();
}

}  // namespace wfm::sfn
