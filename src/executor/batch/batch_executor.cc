#include "executor/batch/batch_executor.h"

#include <spdlog/spdlog.h>

namespace wfm {
namespace {

bool IsBatchTerminal(const std::string& status) {
  return status == "SUCCEEDED" || status == "FAILED";
}

bool IsBeforeStart(const std::string& status) {
  return status.empty() || status == "SUBMITTED" || status == "PENDING" || status == "RUNNABLE";
}

}  // namespace

TaskStatus BatchExecutor::MapStatus(const std::string& status) {
  if (status == "SUBMITTED") return TaskStatus::kCreated;
  if (status == "PENDING") return TaskStatus::kWaitingForDeps;
  if (status == "RUNNABLE" || status == "STARTING") return TaskStatus::kQueued;
  if (status == "RUNNING") return TaskStatus::kRunning;
  if (status == "SUCCEEDED") return TaskStatus::kSucceeded;
  return TaskStatus::kFailed;
}

BatchExecutor::BatchExecutor(BatchClient& client, Clock& clock, BatchExecutorOptions options)
    : client_(client), clock_(clock), options_(std::move(options)) {
  for (int i = 0; i < std::max(1, options_.submit_workers); ++i) {
    workers_.emplace_back([this] { SubmitLoop(); });
  }
  poller_ = std::thread([this] { PollLoop(); });
}

BatchExecutor::~BatchExecutor() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& worker : workers_) worker.join();
  poller_.join();
}

BatchExecutor::Attempt* BatchExecutor::Find(const std::string& id) {
  auto it = attempts_.find(id);
  if (it != attempts_.end()) return &it->second;
  auto named = by_batch_id_.find(id);
  if (named != by_batch_id_.end()) return &attempts_.at(named->second);
  return nullptr;
}

Result<std::string> BatchExecutor::Submit(const TaskSpec& spec) {
  std::lock_guard lock(mu_);
  if (Attempt* known = Find(spec.name))
    return known->batch_id.empty() ? spec.name : known->batch_id;
  Attempt& attempt = attempts_[spec.name];
  attempt.spec = spec;
  attempt.seen.id = spec.name;
  attempt.seen.status = TaskStatus::kQueued;
  if (!spec.known_id.empty() && spec.known_id != spec.name) {
    // The Batch job id was stored by an earlier process: adopt it, the poller takes it from here.
    attempt.batch_id = spec.known_id;
    by_batch_id_[spec.known_id] = spec.name;
    wake_.notify_all();
    return spec.known_id;
  }
  attempt.submitting = true;
  to_submit_.push_back(spec.name);
  wake_.notify_all();
  return spec.name;
}

std::vector<TaskObservation> BatchExecutor::Describe(const std::vector<std::string>& ids) {
  std::lock_guard lock(mu_);
  std::vector<TaskObservation> out;
  for (const auto& id : ids) {
    Attempt* attempt = Find(id);
    if (attempt == nullptr) {
      TaskObservation lost;
      lost.id = id;
      lost.status = TaskStatus::kFailed;
      lost.status_reason = "task " + id + " is unknown to the AWS Batch executor";
      out.push_back(lost);
      continue;
    }
    TaskObservation seen = attempt->seen;
    seen.id = id;
    if (!attempt->batch_id.empty() && attempt->batch_id != id) seen.new_id = attempt->batch_id;
    out.push_back(seen);
  }
  return out;
}

std::vector<std::string> BatchExecutor::Terminate(const std::vector<std::string>& ids,
                                              const std::string& reason) {
  std::vector<std::string> taken;
  {
    std::lock_guard lock(mu_);
    for (const auto& id : ids) {
      Attempt* attempt = Find(id);
      if (attempt == nullptr) continue;
      taken.push_back(id);
      if (attempt->terminate_requested) continue;
      attempt->terminate_requested = true;
      attempt->terminate_reason = reason.empty() ? "cancelled by user" : reason;
      if (attempt->batch_id.empty() && !attempt->submitting) continue;
      to_stop_.push_back(attempt->spec.name);
    }
  }
  wake_.notify_all();
  return taken;
}

void BatchExecutor::SetChangeListener(
    std::function<void(const std::vector<std::string>&)> listener) {
  notifier_.Set(std::move(listener));
}

void BatchExecutor::SubmitLoop() {
  while (true) {
    std::string name;
    bool stop = false;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !to_submit_.empty() || !to_stop_.empty(); });
      if (stopping_) return;
      if (!to_stop_.empty()) {
        name = to_stop_.front();
        to_stop_.pop_front();
        stop = true;
      } else {
        name = to_submit_.front();
        to_submit_.pop_front();
      }
    }
    if (stop) {
      StopInBatch(name);
      continue;
    }
    if (!SubmitOne(name)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(options_.resubmit_delay_ms));
      std::lock_guard lock(mu_);
      to_submit_.push_back(name);
    }
  }
}

bool BatchExecutor::SubmitOne(const std::string& name) {
  TaskSpec spec;
  {
    std::lock_guard lock(mu_);
    Attempt& attempt = attempts_.at(name);
    if (attempt.terminate_requested) {  // cancelled before it reached Batch: never submit it
      attempt.submitting = false;
      attempt.seen.status = TaskStatus::kFailed;
      attempt.seen.status_reason =
          "terminated before it was submitted: " + attempt.terminate_reason;
      attempt.seen.stopped_at = clock_.Now();
      return true;
    }
    spec = attempt.spec;
  }
  std::string batch_id;
  if (!spec.fresh) {
    // An earlier process may have submitted it without storing the id: look it up by name.
    auto found = client_.ListJobsByName(options_.queue, spec.name);
    if (!found.ok()) {
      spdlog::warn("AWS Batch: looking up {} failed: {}", spec.name, found.error().message);
      return false;
    }
    if (!found->empty()) {
      batch_id = found->front().id;
      spdlog::info("AWS Batch: adopted {} as job {}", spec.name, batch_id);
    }
  }
  std::string failure;
  if (batch_id.empty()) {
    BatchSubmission submission{spec.name, options_.queue, spec.resource, spec.environment, {}};
    for (const auto& [key, value] : spec.environment) {
      if (key == "WORKFLOW_MANAGER_JOB_ID") submission.tags["workflow-manager:job-id"] = value;
      if (key == "WORKFLOW_MANAGER_STATE") submission.tags["workflow-manager:state"] = value;
    }
    auto submitted = client_.SubmitJob(submission);
    if (!submitted.ok() && submitted.error().code == ErrorCode::kUnavailable) {
      spdlog::warn("AWS Batch: submitting {} failed, will retry: {}", spec.name,
                   submitted.error().message);
      return false;
    }
    if (submitted.ok()) {
      batch_id = submitted.value();
    } else {
      failure = submitted.error().message;
    }
  }
  std::vector<std::string> changed{spec.name};
  {
    std::lock_guard lock(mu_);
    Attempt& attempt = attempts_.at(name);
    attempt.submitting = false;
    if (!failure.empty()) {
      attempt.seen.status = TaskStatus::kFailed;
      attempt.seen.status_reason = failure;
      attempt.seen.stopped_at = clock_.Now();
    } else {
      attempt.batch_id = batch_id;
      by_batch_id_[batch_id] = name;
      attempt.seen.status = TaskStatus::kCreated;
      changed.push_back(batch_id);
      if (attempt.terminate_requested) to_stop_.push_back(name);
    }
  }
  wake_.notify_all();
  notifier_.Notify(changed);
  return true;
}

void BatchExecutor::StopInBatch(const std::string& name) {
  std::string batch_id, status, reason;
  {
    std::lock_guard lock(mu_);
    Attempt& attempt = attempts_.at(name);
    batch_id = attempt.batch_id;
    status = attempt.batch_status;
    reason = attempt.terminate_reason;
  }
  if (batch_id.empty() || IsBatchTerminal(status)) return;
  // CancelJob only stops jobs that have not started; TerminateJob stops the others.
  Status stopped = IsBeforeStart(status) ? client_.CancelJob(batch_id, reason)
                                         : client_.TerminateJob(batch_id, reason);
  if (!stopped.ok())
    spdlog::warn("AWS Batch: stopping {} failed: {}", batch_id, stopped.error().message);
}

bool BatchExecutor::Record(Attempt& attempt, const BatchJob& job) {
  TaskObservation before = attempt.seen;
  attempt.batch_status = job.status;
  TaskObservation& seen = attempt.seen;
  seen.status = MapStatus(job.status);
  seen.status_reason = job.status_reason;
  if (!job.container_reason.empty() && job.status == "FAILED") {
    seen.status_reason += (seen.status_reason.empty() ? "" : ": ") + job.container_reason;
  }
  seen.exit_code = job.exit_code;
  if (seen.status == TaskStatus::kFailed && job.exit_code && seen.status_reason.empty()) {
    seen.status_reason = "exit code " + std::to_string(*job.exit_code);
  }
  seen.container = !job.task_arn.empty() ? job.task_arn : job.log_stream;
  seen.started_at = job.started_at;
  seen.stopped_at = job.stopped_at;
  TimestampMs now = clock_.Now();
  if (job.status == "RUNNABLE") {
    if (attempt.runnable_since == 0) attempt.runnable_since = now;
    if (now - attempt.runnable_since >= options_.runnable_warning_ms) {
      seen.status_reason = "RUNNABLE for " +
                           std::to_string((now - attempt.runnable_since) / 60000) +
                           " min in queue " + options_.queue + ": " +
                           (job.status_reason.empty() ? "no reason given by AWS Batch (capacity?)"
                                                      : job.status_reason);
    }
  } else {
    attempt.runnable_since = 0;
  }
  return seen.status != before.status || seen.status_reason != before.status_reason ||
         seen.container != before.container || seen.exit_code != before.exit_code ||
         seen.started_at != before.started_at || seen.stopped_at != before.stopped_at;
}

void BatchExecutor::PollLoop() {
  while (true) {
    std::vector<std::string> ids;
    {
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, std::chrono::milliseconds(options_.poll_interval_ms),
                     [this] { return stopping_; });
      if (stopping_) return;
      for (const auto& [name, attempt] : attempts_) {
        if (!attempt.batch_id.empty() && !IsBatchTerminal(attempt.batch_status)) {
          ids.push_back(attempt.batch_id);
        }
      }
    }
    if (ids.empty()) continue;
    ++sweeps_;
    auto jobs = client_.DescribeJobs(ids);
    if (!jobs.ok()) {
      spdlog::warn("AWS Batch: describing {} job(s) failed: {}", ids.size(), jobs.error().message);
      continue;
    }
    std::vector<std::string> changed;
    {
      std::lock_guard lock(mu_);
      for (const auto& job : jobs.value()) {
        auto named = by_batch_id_.find(job.id);
        if (named == by_batch_id_.end()) continue;
        Attempt& attempt = attempts_.at(named->second);
        std::string previous = attempt.batch_status;
        if (Record(attempt, job)) changed.push_back(job.id);
        if (attempt.terminate_requested && IsBeforeStart(previous) && !IsBeforeStart(job.status) &&
            !IsBatchTerminal(job.status)) {
          to_stop_.push_back(named->second);  // it started despite a CancelJob: terminate it
          wake_.notify_all();
        }
      }
    }
    notifier_.Notify(changed);
  }
}

}  // namespace wfm
