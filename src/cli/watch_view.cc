#include "cli/watch_view.h"

#include <algorithm>
#include <set>

#include "cli/cli_error.h"
#include "cli/json_fields.h"
#include "cli/status_colour.h"
#include "cli/table.h"
#include "cli/text_width.h"
#include "cli/time_text.h"

namespace wfm::cli {
namespace {

using Json = nlohmann::json;

const Json* TaskOf(const Json& job, const std::string& state) {
  const Json& tasks = MemberOf(job, "tasks");
  if (!tasks.is_array()) return nullptr;
  for (const auto& task : tasks) {
    if (TextField(task, "state") == state) return &task;
  }
  return nullptr;
}

// From startedAt (or createdAt, before it started) to stoppedAt, or to now while it runs.
std::string ElapsedOf(const Json& item, TimestampMs now) {
  auto start = ParseRfc3339(TextField(item, "startedAt"));
  if (!start) return "-";
  auto stop = ParseRfc3339(TextField(item, "stoppedAt"));
  return FormatDuration((stop ? *stop : now) - *start);
}

std::string WorkflowLabel(const Json& job) {
  const Json& workflow = MemberOf(job, "workflow");
  std::string name = TextField(workflow, "name");
  auto revision = IntField(workflow, "revision");
  if (name.empty()) return "-";
  return revision ? name + " (revision " + std::to_string(*revision) + ")" : name;
}

std::string AttemptText(const Json* task) {
  auto attempt = task ? IntField(*task, "attempt") : std::nullopt;
  return attempt && *attempt > 0 ? std::to_string(*attempt) : "-";
}

// The job definition ("name:revision") the task was submitted with; "-" before it was.
std::string DefinitionText(const Json* task) {
  std::string definition = task ? TextField(*task, "jobDefinition") : "";
  return definition.empty() ? "-" : definition;
}

// "attempt 1, echo:1": the task's attempt and job definition, as far as it has them; "" before.
std::string RunText(const Json& task) {
  std::string attempt = AttemptText(&task);
  std::string definition = DefinitionText(&task);
  std::string text = attempt == "-" ? "" : "attempt " + attempt;
  if (definition != "-") text += (text.empty() ? "" : ", ") + definition;
  return text;
}

std::string StatusWithReason(const std::string& status, const std::string& reason) {
  return reason.empty() ? status : status + ": " + reason;
}

}  // namespace

std::vector<std::string> StatesInOrder(const Json& job) {
  std::vector<std::string> order;
  std::set<std::string> seen;
  auto add = [&](const std::string& name) {
    if (!name.empty() && seen.insert(name).second) order.push_back(name);
  };
  const Json& workflow = MemberOf(job, "workflow");
  const Json& states = MemberOf(workflow, "states");
  std::string next = TextField(workflow, "startAt");
  while (states.is_array() && !next.empty() && !seen.contains(next)) {
    auto state = std::find_if(states.begin(), states.end(),
                              [&](const Json& s) { return TextField(s, "name") == next; });
    if (state == states.end()) break;
    add(next);
    next = TextField(*state, "next");
  }
  if (states.is_array()) {
    for (const auto& state : states) add(TextField(state, "name"));
  }
  const Json& tasks = MemberOf(job, "tasks");
  if (tasks.is_array()) {
    for (const auto& task : tasks) add(TextField(task, "state"));
  }
  return order;
}

std::string RenderJobScreen(const Json& job, TimestampMs now, bool tty, size_t width) {
  std::string status = TextField(job, "status");
  std::string reason = TextField(job, "statusReason");
  std::string screen = RenderFields({
      {"Job", TextField(job, "id")},
      {"Workflow", WorkflowLabel(job)},
      {"Status", ColourStatus(status, tty) + (reason.empty() ? "" : " (" + reason + ")")},
      {"Elapsed", ElapsedOf(job, now)},
  });
  std::vector<TableRow> rows;
  for (const auto& state : StatesInOrder(job)) {
    const Json* task = TaskOf(job, state);
    std::string task_status = task ? TextField(*task, "status") : "";
    rows.push_back({state, task_status.empty() ? "-" : ColourStatus(task_status, tty),
                    AttemptText(task), task ? ShortTime(TextField(*task, "startedAt")) : "-",
                    task ? ElapsedOf(*task, now) : "-", DefinitionText(task),
                    task ? TextField(*task, "statusReason") : ""});
  }
  screen += "\n" + RenderTable({"STATE", "STATUS", "ATTEMPT", "STARTED", "DURATION", "DEFINITION",
                                "REASON"},
                               rows);
  return tty ? TruncateLines(screen, width) : screen;
}

std::vector<std::string> JobChangeLines(const Json* before, const Json& after) {
  std::vector<std::string> lines;
  std::string status = TextField(after, "status");
  if (before == nullptr) {
    lines.push_back("job " + TextField(after, "id") + " of " + WorkflowLabel(after) + ": " +
                    StatusWithReason(status, TextField(after, "statusReason")));
  }
  for (const auto& state : StatesInOrder(after)) {
    const Json* now_task = TaskOf(after, state);
    if (now_task == nullptr) continue;
    const Json* then_task = before ? TaskOf(*before, state) : nullptr;
    std::string task_status = TextField(*now_task, "status");
    std::string run = RunText(*now_task);
    if (then_task && TextField(*then_task, "status") == task_status && RunText(*then_task) == run) {
      continue;
    }
    std::string status_text = run.empty() ? task_status : task_status + " (" + run + ")";
    lines.push_back(state + ": " +
                    StatusWithReason(status_text, TextField(*now_task, "statusReason")));
  }
  if (before != nullptr && TextField(*before, "status") != status) {
    lines.push_back("job: " + StatusWithReason(status, TextField(after, "statusReason")));
  }
  return lines;
}

bool IsJobFinished(const std::string& status) {
  return status == "SUCCEEDED" || status == "FAILED" || status == "CANCELLED";
}

int JobWatchExitCode(const std::string& status) {
  if (status == "SUCCEEDED") return kWatchSucceeded;
  if (status == "CANCELLED") return kWatchCancelled;
  return kWatchFailed;
}

}  // namespace wfm::cli
