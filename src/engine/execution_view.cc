#include "engine/execution_view.h"

#include <unordered_map>

#include "core/clock.h"

namespace wfm {
namespace {

using nlohmann::json;

json ParsedOrText(const json& text) {
  if (!text.is_string()) return nullptr;
  json parsed = json::parse(text.get<std::string>(), nullptr, false);
  return parsed.is_discarded() ? text : parsed;
}

json Time(const json& event) {
  return FormatTimestamp(static_cast<TimestampMs>(event["timestamp"].get<double>() * 1000 + 0.5));
}

// The "...EventDetails" member of an event, or null.
const json* DetailsOf(const json& event) {
  for (const auto& [key, value] : event.items()) {
    if (key.size() > 12 && key.ends_with("EventDetails")) return &value;
  }
  return nullptr;
}

}  // namespace

json ExecutionView(const ExecutionInfo& info, const std::vector<HistoryEvent>& events,
                   size_t max_visits) {
  json visits = json::array();
  std::unordered_map<int64_t, size_t> visit_of;  // event id -> index in visits
  bool truncated = false;
  for (const HistoryEvent& stored : events) {
    json event = json::parse(stored.body, nullptr, false);
    if (event.is_discarded()) continue;
    std::string type = event.value("type", "");
    const json* details = DetailsOf(event);
    int64_t previous = event.value("previousEventId", int64_t{0});
    if (type.ends_with("StateEntered")) {
      if (visits.size() >= max_visits) {
        truncated = true;
        continue;
      }
      visit_of[stored.id] = visits.size();
      visits.push_back({{"name", details ? (*details)["name"] : json()},
                        {"type", type.substr(0, type.size() - 12)},
                        {"status", "RUNNING"},
                        {"enteredAt", Time(event)},
                        {"exitedAt", nullptr},
                        {"input", details ? ParsedOrText((*details)["input"]) : json()},
                        {"output", nullptr},
                        {"attempts", json::array()}});
      if (type == "FailStateEntered") visits.back()["status"] = "FAILED";
      continue;
    }
    auto owner = visit_of.find(previous);
    if (owner == visit_of.end()) continue;
    visit_of[stored.id] = owner->second;
    json& visit = visits[owner->second];
    json& attempts = visit["attempts"];
    if (type.ends_with("StateExited")) {
      visit["status"] = "SUCCEEDED";
      visit["exitedAt"] = Time(event);
      if (details) visit["output"] = ParsedOrText((*details)["output"]);
    } else if (type.ends_with("Scheduled")) {
      attempts.push_back({{"scheduledAt", Time(event)},
                          {"startedAt", nullptr},
                          {"endedAt", nullptr},
                          {"status", "SCHEDULED"}});
    } else if (!attempts.empty() && type.ends_with("Started") && type != "MapStateStarted" &&
               type != "ParallelStateStarted") {
      attempts.back()["startedAt"] = Time(event);
      attempts.back()["status"] = "RUNNING";
    } else if (!attempts.empty() &&
               (type.ends_with("Succeeded") || type.ends_with("Failed") ||
                type.ends_with("TimedOut")) &&
               (type.starts_with("Task") || type.starts_with("Lambda") ||
                type.starts_with("Activity"))) {
      json& attempt = attempts.back();
      attempt["endedAt"] = Time(event);
      attempt["status"] = type.ends_with("Succeeded") ? "SUCCEEDED"
                          : type.ends_with("Failed")  ? "FAILED"
                                                      : "TIMED_OUT";
      if (details && details->contains("error")) {
        attempt["error"] = (*details)["error"];
        attempt["cause"] = details->value("cause", "");
      }
    } else if (type == "ParallelStateFailed" || type == "MapStateFailed") {
      visit["status"] = "FAILED";
    }
  }
  // A visit left without an exit in an execution that ended did not succeed, and a task attempt
  // still open then was stopped with the execution (timed out, aborted, failed elsewhere).
  if (info.status != kExecutionRunning) {
    for (json& visit : visits) {
      if (visit["status"] == "RUNNING") {
        visit["status"] = info.status == kExecutionSucceeded ? "SUCCEEDED" : "FAILED";
      }
      for (json& attempt : visit["attempts"]) {
        if (attempt["status"] != "SCHEDULED" && attempt["status"] != "RUNNING") continue;
        attempt["status"] = "ABORTED";
        if (info.stop_date) attempt["endedAt"] = FormatTimestamp(info.stop_date);
      }
    }
  }
  json out = {{"executionArn", info.arn},
              {"name", info.name},
              {"stateMachineArn", info.state_machine_arn},
              {"status", info.status},
              {"input", ParsedOrText(json(info.input))},
              {"output", info.output ? ParsedOrText(json(*info.output)) : json()},
              {"error", info.error.empty() ? json() : json(info.error)},
              {"cause", info.cause.empty() ? json() : json(info.cause)},
              {"startDate", FormatTimestamp(info.start_date)},
              {"stopDate", info.stop_date ? json(FormatTimestamp(info.stop_date)) : json()},
              {"redriveCount", info.redrive_count},
              {"states", std::move(visits)}};
  if (truncated) out["truncated"] = true;
  return out;
}

}  // namespace wfm
