#include "cli/job_logs.h"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>
#include <vector>

#include "cli/cli_error.h"
#include "cli/json_fields.h"
#include "cli/watch_view.h"

namespace wfm::cli {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(500);

std::string JobPath(const std::string& id) { return "/jobs/" + UrlEncode(id); }

std::string LogPath(const std::string& id, const std::string& state) {
  return JobPath(id) + "/tasks/" + UrlEncode(state) + "/log";
}

// The task's log so far. With `missing_is_empty`, "" while the task has not been submitted (the
// service's 404); else that 404 is the ServiceError() saying so.
std::string LogSoFar(const ServiceClient& client, const std::string& id, const std::string& state,
                     bool missing_is_empty) {
  ServiceReply reply = client.Send("GET", LogPath(id, state));
  if (reply.status == 404 && missing_is_empty) return "";
  if (reply.status < 200 || reply.status > 299) throw ServiceError(reply);
  return reply.body;
}

std::string TaskStatus(const Json& job, const std::string& state) {
  for (const auto& task : MemberOf(job, "tasks")) {
    if (TextField(task, "state") == state) return TextField(task, "status");
  }
  return "";
}

bool IsTaskFinished(const std::string& status) {
  return status == "SUCCEEDED" || status == "FAILED" || status.starts_with("ABORTED");
}

// Prints the log of `state` as it grows until its task (or the job) has ended. The job is read
// before the log, so the log read after seeing the end is the whole of it.
void FollowLog(const ServiceClient& client, const std::string& id, const std::string& state) {
  size_t printed = 0;
  while (true) {
    Json job = client.Call("GET", JobPath(id));
    bool ended = IsTaskFinished(TaskStatus(job, state)) || IsJobFinished(TextField(job, "status"));
    std::string log = LogSoFar(client, id, state, true);
    if (log.size() > printed) std::cout << log.substr(printed) << std::flush;
    printed = std::max(printed, log.size());
    if (ended) return;
    std::this_thread::sleep_for(kPollInterval);
  }
}

}  // namespace

void PrintJobLogs(const ServiceClient& client, const std::string& id, const std::string& state,
                  bool follow) {
  if (!state.empty() && !follow) {  // the service says why there is no log, if there is none
    std::cout << LogSoFar(client, id, state, false) << std::flush;
    return;
  }
  std::vector<std::string> states = StatesInOrder(client.Call("GET", JobPath(id)));
  if (!state.empty()) {
    if (std::find(states.begin(), states.end(), state) == states.end()) {
      throw CliError(kExitServiceError, "job '" + id + "' has no state '" + state + "'");
    }
    states = {state};
  }
  for (size_t i = 0; i < states.size(); ++i) {
    if (states.size() > 1) std::cout << (i > 0 ? "\n" : "") << "==> " << states[i] << " <==\n";
    if (follow) {
      FollowLog(client, id, states[i]);
    } else {
      std::cout << LogSoFar(client, id, states[i], true);
    }
  }
  std::cout << std::flush;
}

}  // namespace wfm::cli
