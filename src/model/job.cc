#include "model/job.h"

#include <array>
#include <utility>

namespace wfm {
namespace {

constexpr std::array<std::pair<JobStatus, const char*>, 5> kJobStatusNames{{
    {JobStatus::kQueued, "QUEUED"},
    {JobStatus::kRunning, "RUNNING"},
    {JobStatus::kSucceeded, "SUCCEEDED"},
    {JobStatus::kFailed, "FAILED"},
    {JobStatus::kCancelled, "CANCELLED"},
}};

constexpr std::array<std::pair<TaskStatus, const char*>, 8> kTaskStatusNames{{
    {TaskStatus::kCreated, "CREATED"},
    {TaskStatus::kQueued, "QUEUED"},
    {TaskStatus::kWaitingForDeps, "WAITING_FOR_DEPS"},
    {TaskStatus::kRunning, "RUNNING"},
    {TaskStatus::kSucceeded, "SUCCEEDED"},
    {TaskStatus::kFailed, "FAILED"},
    {TaskStatus::kAbortedDepsFailed, "ABORTED_DEPS_FAILED"},
    {TaskStatus::kAbortedByUser, "ABORTED_BY_USER"},
}};

template <typename Enum, size_t N>
const char* NameOf(const std::array<std::pair<Enum, const char*>, N>& names, Enum value) {
  for (const auto& [v, name] : names) {
    if (v == value) return name;
  }
  return "UNKNOWN";
}

template <typename Enum, size_t N>
bool ValueOf(const std::array<std::pair<Enum, const char*>, N>& names, const std::string& text,
             Enum* out) {
  for (const auto& [v, name] : names) {
    if (text == name) {
      *out = v;
      return true;
    }
  }
  return false;
}

}  // namespace

const char* ToString(JobStatus status) { return NameOf(kJobStatusNames, status); }
const char* ToString(TaskStatus status) { return NameOf(kTaskStatusNames, status); }
bool ParseJobStatus(const std::string& text, JobStatus* out) {
  return ValueOf(kJobStatusNames, text, out);
}
bool ParseTaskStatus(const std::string& text, TaskStatus* out) {
  return ValueOf(kTaskStatusNames, text, out);
}

bool IsTerminal(JobStatus status) {
  return status == JobStatus::kSucceeded || status == JobStatus::kFailed ||
         status == JobStatus::kCancelled;
}

bool IsActive(const Job& job) { return !IsTerminal(job.status) || !job.execution.empty(); }

bool IsTerminal(TaskStatus status) {
  return status == TaskStatus::kSucceeded || status == TaskStatus::kFailed ||
         status == TaskStatus::kAbortedDepsFailed || status == TaskStatus::kAbortedByUser;
}

Task* Job::FindTask(const std::string& state) {
  for (auto& t : tasks) {
    if (t.state == state) return &t;
  }
  return nullptr;
}

const Task* Job::FindTask(const std::string& state) const {
  return const_cast<Job*>(this)->FindTask(state);
}

}  // namespace wfm
