#include "cli/exec_view.h"

#include "cli/cli_error.h"
#include "cli/json_fields.h"
#include "cli/status_colour.h"
#include "cli/table.h"
#include "cli/text_width.h"
#include "cli/time_text.h"

namespace wfm::cli {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kEntered = "StateEntered";
constexpr std::string_view kExited = "StateExited";

// The "...EventDetails" object of an event, or null.
const Json& DetailsOf(const Json& event) {
  static const Json kNull;
  for (const auto& [key, value] : event.items()) {
    if (key.ends_with("EventDetails") && value.is_object()) return value;
  }
  return kNull;
}

// "error: cause" of an event that carries an error, else "".
std::string ErrorOf(const Json& event) {
  const Json& details = DetailsOf(event);
  std::string error = TextField(details, "error");
  std::string cause = TextField(details, "cause");
  if (error.empty()) return cause;
  return cause.empty() ? error : error + ": " + cause;
}

std::string ErrorOfExecution(const Json& execution) {
  std::string error = TextField(execution, "error");
  std::string cause = TextField(execution, "cause");
  if (error.empty()) return cause;
  return cause.empty() ? error : error + ": " + cause;
}

// "ExecutionTimedOut" is "TIMED_OUT".
std::string OutcomeOf(const std::string& event_type) {
  std::string outcome;
  for (char c : event_type.substr(std::string_view("Execution").size())) {
    if (c >= 'A' && c <= 'Z' && !outcome.empty()) outcome += '_';
    outcome += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  }
  return outcome;
}

std::string Duration(TimestampMs from, TimestampMs to) {
  return from == 0 ? "-" : FormatDuration(to - from);
}

}  // namespace

std::vector<StateVisit> VisitsOf(const Json& events, const std::string& execution_status) {
  std::vector<StateVisit> visits;
  auto open_visit = [&](const std::string& name) -> StateVisit* {
    for (auto it = visits.rbegin(); it != visits.rend(); ++it) {
      if (it->exited == 0 && (name.empty() || it->name == name)) return &*it;
    }
    return nullptr;
  };
  bool finished = IsExecutionFinished(execution_status);
  for (const auto& event : events) {
    std::string type = TextField(event, "type");
    std::string name = TextField(DetailsOf(event), "name");
    TimestampMs at = EpochSecondsToMs(MemberOf(event, "timestamp"));
    if (type.ends_with(kEntered)) {
      std::string state_type = type.substr(0, type.size() - kEntered.size());
      visits.push_back({name, state_type, state_type == "Fail" ? "FAILED" : "RUNNING", at, 0, ""});
    } else if (type.ends_with(kExited)) {
      if (StateVisit* visit = open_visit(name)) {
        visit->exited = at;
        visit->status = "SUCCEEDED";
      }
    } else if (std::string error = ErrorOf(event); !error.empty()) {
      if (StateVisit* visit = open_visit("")) visit->reason = error;
    }
  }
  for (auto& visit : visits) {
    if (visit.exited == 0 && finished && visit.status == "RUNNING") {
      visit.status = execution_status == "SUCCEEDED" ? "SUCCEEDED" : execution_status;
    }
  }
  return visits;
}

std::string RenderExecutionScreen(const Json& execution, const Json& events, TimestampMs now,
                                  bool tty, size_t width) {
  std::string status = TextField(execution, "status");
  std::string error = ErrorOfExecution(execution);
  TimestampMs started = EpochSecondsToMs(MemberOf(execution, "startDate"));
  TimestampMs stopped = EpochSecondsToMs(MemberOf(execution, "stopDate"));
  std::string screen = RenderFields({
      {"Execution", TextField(execution, "executionArn")},
      {"State machine", TextField(execution, "stateMachineArn")},
      {"Status", ColourStatus(status, tty) + (error.empty() ? "" : " (" + error + ")")},
      {"Elapsed", Duration(started, stopped ? stopped : now)},
  });
  std::vector<TableRow> rows;
  for (const auto& visit : VisitsOf(events, status)) {
    rows.push_back({visit.name, visit.type, ColourStatus(visit.status, tty),
                    ShortTimeMs(visit.entered),
                    Duration(visit.entered, visit.exited ? visit.exited
                                            : stopped    ? stopped
                                                         : now),
                    visit.reason});
  }
  screen += "\n" + RenderTable({"STATE", "TYPE", "STATUS", "ENTERED", "DURATION", "REASON"}, rows);
  return tty ? TruncateLines(screen, width) : screen;
}

std::vector<std::string> ExecutionEventLines(const Json& events, size_t from) {
  std::vector<std::string> lines;
  for (size_t i = from; i < events.size(); ++i) {
    const Json& event = events[i];
    std::string type = TextField(event, "type");
    std::string name = TextField(DetailsOf(event), "name");
    if (type.ends_with(kEntered)) {
      lines.push_back("entered " + name + " (" + type.substr(0, type.size() - kEntered.size()) +
                      ")");
    } else if (type.ends_with(kExited)) {
      lines.push_back("exited " + name);
    } else if (type.starts_with("Execution") && type != "ExecutionStarted") {
      std::string error = ErrorOf(event);
      lines.push_back("execution " + OutcomeOf(type) + (error.empty() ? "" : ": " + error));
    } else if (std::string error = ErrorOf(event); !error.empty()) {
      lines.push_back(type + ": " + error);
    }
  }
  return lines;
}

bool IsExecutionFinished(const std::string& status) {
  return !status.empty() && status != "RUNNING" && status != "PENDING_REDRIVE";
}

int ExecutionWatchExitCode(const std::string& status) {
  if (status == "SUCCEEDED") return kWatchSucceeded;
  if (status == "ABORTED") return kWatchCancelled;
  return kWatchFailed;
}

}  // namespace wfm::cli
