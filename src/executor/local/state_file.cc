#include "executor/local/state_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>

namespace wfm {

int TryLockStateFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

nlohmann::json ReadStateRecord(const std::string& path, const std::string& tag) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(tag + " ", 0) == 0) {
      return nlohmann::json::parse(line.substr(tag.size() + 1), nullptr, false);
    }
  }
  return nlohmann::json(nlohmann::json::value_t::discarded);
}

bool AppendStateRecord(int fd, const std::string& tag, const nlohmann::json& record) {
  std::string line = tag + " " + record.dump() + "\n";
  return write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
}

bool ReadStateOutcome(const std::string& path, TaskObservation* seen) {
  auto json = ReadStateRecord(path, "exit");
  if (json.is_discarded() || !json.is_object()) {
    auto cancelled = ReadStateRecord(path, "cancelled");
    if (cancelled.is_discarded() || !cancelled.is_object()) return false;
    seen->status = TaskStatus::kFailed;
    seen->status_reason = "terminated before it started: " + cancelled.value("reason", "");
    seen->stopped_at = cancelled.value("stoppedAt", 0LL);
    return true;
  }
  seen->started_at = json.value("startedAt", 0LL);
  seen->stopped_at = json.value("stoppedAt", 0LL);
  std::string reason = json.value("reason", "");
  if (json.contains("exitCode")) {
    int code = json["exitCode"].get<int>();
    seen->exit_code = code;
    seen->status = code == 0 && reason.empty() ? TaskStatus::kSucceeded : TaskStatus::kFailed;
    if (seen->status == TaskStatus::kFailed) {
      seen->status_reason = reason.empty() ? "exit code " + std::to_string(code)
                                           : reason + " (exit code " + std::to_string(code) + ")";
    }
  } else {
    int sig = json.value("signal", 0);
    seen->status = TaskStatus::kFailed;
    std::string killed = "killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
    seen->status_reason = reason.empty() ? killed : reason + ": " + killed;
  }
  return true;
}

}  // namespace wfm
