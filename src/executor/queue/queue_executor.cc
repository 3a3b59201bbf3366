#include "executor/queue/queue_executor.h"

#include <spdlog/spdlog.h>

namespace wfm {

using SteadyClock = std::chrono::steady_clock;

QueueExecutor::QueueExecutor(std::unique_ptr<JobScheduler> scheduler, Clock& clock,
                             QueueExecutorOptions options)
    : scheduler_(std::move(scheduler)), clock_(clock), options_(std::move(options)) {
  for (int i = 0; i < std::max(1, options_.submit_workers); ++i) {
    workers_.emplace_back([this] { SubmitLoop(); });
  }
  poller_ = std::thread([this] { PollLoop(); });
}

QueueExecutor::~QueueExecutor() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& worker : workers_) worker.join();
  poller_.join();
}

Status QueueExecutor::Health() const { return scheduler_->Health(); }

size_t QueueExecutor::AttemptCount() const {
  std::lock_guard lock(mu_);
  return attempts_.size();
}

QueueExecutor::Attempt* QueueExecutor::Find(const std::string& id) {
  auto it = attempts_.find(id);
  if (it != attempts_.end()) return &it->second;
  auto named = by_job_id_.find(id);
  if (named != by_job_id_.end()) return &attempts_.at(named->second);
  return nullptr;
}

QueueExecutor::Attempt& QueueExecutor::Adopt(const std::string& id) {
  Attempt& attempt = attempts_[id];
  attempt.spec.name = id;
  attempt.lookup_only = true;
  attempt.seen.id = id;
  attempt.seen.status = TaskStatus::kQueued;
  attempt.seen.status_reason = "looking it up in " + scheduler_->Name();
  if (scheduler_->IsJobId(id)) {
    attempt.job_id = id;
    by_job_id_[id] = id;
    polled_.insert(id);
  } else {
    attempt.submitting = true;  // SubmitOne looks it up by name, and never submits it
    to_submit_.push_back(id);
  }
  wake_.notify_all();
  return attempt;
}

void QueueExecutor::MarkTerminal(Attempt& attempt) {
  if (!attempt.job_id.empty()) polled_.erase(attempt.job_id);
  attempt.terminal_since = SteadyClock::now();
  terminal_order_.emplace_back(attempt.terminal_since, attempt.spec.name);
}

void QueueExecutor::ScheduleStop(Attempt& attempt) {
  if (attempt.stopping || IsTerminal(attempt.seen.status) || attempt.job_id.empty()) return;
  attempt.stopping = true;
  to_stop_.push_back(attempt.spec.name);
  wake_.notify_all();
}

void QueueExecutor::Forget(const std::string& name) {
  auto it = attempts_.find(name);
  if (it == attempts_.end()) return;
  if (!it->second.job_id.empty()) {
    polled_.erase(it->second.job_id);
    auto named = by_job_id_.find(it->second.job_id);
    if (named != by_job_id_.end() && named->second == name) by_job_id_.erase(named);
  }
  attempts_.erase(it);
}

void QueueExecutor::ForgetStaleTerminal() {
  auto horizon = SteadyClock::now() - std::chrono::milliseconds(options_.forget_terminal_after_ms);
  while (!terminal_order_.empty() && terminal_order_.front().first <= horizon) {
    auto [since, name] = terminal_order_.front();
    terminal_order_.pop_front();
    auto it = attempts_.find(name);
    if (it == attempts_.end() || it->second.terminal_since != since) continue;  // gone, or anew
    if (it->second.submitting || it->second.stopping) continue;
    Forget(name);
  }
}

Result<std::string> QueueExecutor::Submit(const TaskSpec& spec) {
  if (spec.function_input) {
    return Error{ErrorCode::kInvalidArgument, "local functions run only with the local executor"};
  }
  std::lock_guard lock(mu_);
  if (Attempt* known = Find(spec.name)) {
    if (known->lookup_only && !known->terminate_requested) {
      // Adopted by Describe before the engine asked for it: it may be submitted after all.
      known->lookup_only = false;
      known->spec = spec;
      if (known->job_id.empty() && !known->submitting) {
        known->seen = TaskObservation{};
        known->seen.id = spec.name;
        known->submitting = true;
        to_submit_.push_back(spec.name);
        wake_.notify_all();
      }
    }
    return known->job_id.empty() ? spec.name : known->job_id;
  }
  if (!spec.known_id.empty() && spec.known_id != spec.name) {
    if (Attempt* adopted = Find(spec.known_id)) {  // already adopted through Describe/Terminate
      adopted->lookup_only = false;
      return spec.known_id;
    }
    // The job id was stored by an earlier process: adopt it, the poller takes it from here.
    Attempt& attempt = attempts_[spec.name];
    attempt.spec = spec;
    attempt.seen.id = spec.name;
    attempt.job_id = spec.known_id;
    by_job_id_[spec.known_id] = spec.name;
    polled_.insert(spec.known_id);
    wake_.notify_all();
    return spec.known_id;
  }
  if (Status valid = scheduler_->Validate(spec); !valid.ok()) return valid.error();
  Attempt& attempt = attempts_[spec.name];
  attempt.spec = spec;
  attempt.seen.id = spec.name;
  attempt.seen.status = TaskStatus::kQueued;
  attempt.seen.job_definition = scheduler_->JobDefinitionOf(spec);
  attempt.submitting = true;
  to_submit_.push_back(spec.name);
  wake_.notify_all();
  return spec.name;
}

std::vector<TaskObservation> QueueExecutor::Describe(const std::vector<std::string>& ids) {
  std::lock_guard lock(mu_);
  std::vector<TaskObservation> out;
  out.reserve(ids.size());
  for (const auto& id : ids) {
    Attempt* attempt = Find(id);
    if (attempt == nullptr) attempt = &Adopt(id);
    TaskObservation seen = attempt->seen;
    seen.id = id;
    if (!attempt->job_id.empty() && attempt->job_id != id) seen.new_id = attempt->job_id;
    out.push_back(seen);
    // Reported terminal: nothing more will happen to it, so it leaves memory.
    if (IsTerminal(seen.status) && !attempt->submitting && !attempt->stopping) {
      Forget(attempt->spec.name);
    }
  }
  return out;
}

std::vector<std::string> QueueExecutor::Terminate(const std::vector<std::string>& ids,
                                                  const std::string& reason) {
  std::lock_guard lock(mu_);
  for (const auto& id : ids) {
    Attempt* attempt = Find(id);
    if (attempt == nullptr) attempt = &Adopt(id);
    if (attempt->terminate_requested) continue;
    attempt->terminate_requested = true;
    attempt->terminate_reason = reason.empty() ? "cancelled by user" : reason;
    // Without a job id yet, SubmitOne stops what it finds (or never submits it).
    ScheduleStop(*attempt);
  }
  return ids;
}

void QueueExecutor::SetChangeListener(
    std::function<void(const std::vector<std::string>&)> listener) {
  notifier_.Set(std::move(listener));
}

void QueueExecutor::SubmitLoop() {
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
    if (stop ? StopOne(name) : SubmitOne(name)) {
      unavailable_streak_ = 0;
      continue;
    }
    // The scheduler was unavailable: wait (unless stopping), longer each time it stays so (up to
    // 32 times the delay), and queue it again.
    int streak = std::min(unavailable_streak_.fetch_add(1), 5);
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, std::chrono::milliseconds(options_.resubmit_delay_ms << streak),
                   [this] { return stopping_; });
    (stop ? to_stop_ : to_submit_).push_back(name);
  }
}

bool QueueExecutor::SubmitOne(const std::string& name) {
  TaskSpec spec;
  bool lookup_only, terminate_requested, maybe_submitted;
  std::string terminate_reason;
  {
    std::lock_guard lock(mu_);
    auto it = attempts_.find(name);
    if (it == attempts_.end()) return true;
    spec = it->second.spec;
    lookup_only = it->second.lookup_only;
    maybe_submitted = it->second.maybe_submitted;
    terminate_requested = it->second.terminate_requested;
    terminate_reason = it->second.terminate_reason;
  }
  std::optional<ScheduledJob> found;
  std::string problem;  // the scheduler unavailable: why, for the task's reason
  // A fresh attempt cannot exist yet; any other may have been submitted by an earlier process
  // without its id being stored, or by an earlier try of ours whose answer was lost: look it up
  // by name.
  if (!spec.fresh || maybe_submitted) {
    auto lookup = scheduler_->FindByName(spec);
    if (!lookup.ok()) {
      if (lookup.error().code != ErrorCode::kUnavailable) {
        spdlog::warn("{}: looking up {} failed: {}", scheduler_->Name(), spec.name,
                     lookup.error().message);
      }
      problem = lookup.error().message;
    } else if (lookup->has_value()) {
      found = std::move(lookup.value());
      spdlog::info("{}: adopted {} as job {} ({})", scheduler_->Name(), spec.name, found->id,
                   found->state);
    }
  }
  std::string job_id = found ? found->id : "";
  std::string failure;  // the attempt is over without a job: why
  if (problem.empty() && !found) {
    if (terminate_requested) {
      failure = "terminated before it was submitted: " + terminate_reason;
    } else if (lookup_only) {
      std::string where = scheduler_->Where(spec);
      failure = scheduler_->Name() + " has no job named " + spec.name +
                (where.empty() ? "" : " " + where);
    } else {
      auto submitted = scheduler_->Submit(spec);
      if (submitted.ok()) {
        job_id = submitted.value();
      } else if (submitted.error().code == ErrorCode::kUnavailable) {
        problem = submitted.error().message;
        maybe_submitted = true;
      } else {
        failure = submitted.error().message;
      }
    }
  }
  std::vector<std::string> changed{name};
  {
    std::lock_guard lock(mu_);
    auto it = attempts_.find(name);
    if (it == attempts_.end()) return true;
    Attempt& attempt = it->second;
    attempt.maybe_submitted = maybe_submitted;
    if (!problem.empty()) {
      if (attempt.seen.status_reason == problem) return false;  // said already
      spdlog::warn("{}: {} waits: {}", scheduler_->Name(), name, problem);
      attempt.seen.status_reason = problem;  // QUEUED, saying why it waits
    } else {
      attempt.submitting = false;
      if (!failure.empty()) {
        attempt.seen.status = TaskStatus::kFailed;
        attempt.seen.status_reason = failure;
        attempt.seen.stopped_at = clock_.Now();
        MarkTerminal(attempt);
      } else {
        attempt.job_id = job_id;
        // Decides how to stop it until polled.
        attempt.state = found ? found->state : "";
        attempt.before_start = found ? found->before_start : true;
        by_job_id_[job_id] = name;
        polled_.insert(job_id);
        // Replaces a reason given while it waited (the engine keeps a reason until a new one).
        if (!attempt.seen.status_reason.empty()) {
          attempt.seen.status_reason = "submitted to " + scheduler_->Name() + " as job " + job_id;
        }
        changed.push_back(job_id);
        if (attempt.terminate_requested) ScheduleStop(attempt);
      }
    }
  }
  notifier_.Notify(changed);
  return problem.empty();
}

bool QueueExecutor::StopOne(const std::string& name) {
  std::string job_id, state, reason;
  {
    std::lock_guard lock(mu_);
    auto it = attempts_.find(name);
    if (it == attempts_.end()) return true;
    if (IsTerminal(it->second.seen.status)) {
      it->second.stopping = false;
      return true;
    }
    job_id = it->second.job_id;
    state = it->second.state;
    reason = it->second.terminate_reason;
  }
  Status stopped = scheduler_->Stop(job_id, state, reason);
  bool retry = !stopped.ok() && stopped.error().code == ErrorCode::kUnavailable;
  if (!stopped.ok()) {
    // The job is unknown, say: the poller finds out what became of it.
    spdlog::warn("{}: stopping {} failed{}: {}", scheduler_->Name(), job_id,
                 retry ? ", will retry" : "", stopped.error().message);
  }
  std::lock_guard lock(mu_);
  auto it = attempts_.find(name);
  if (it != attempts_.end() && !retry) it->second.stopping = false;
  return !retry;
}

bool QueueExecutor::Record(Attempt& attempt, const ScheduledJob& job) {
  TaskObservation before = attempt.seen;
  attempt.state = job.state;
  attempt.before_start = job.before_start;
  attempt.missing_sweeps = 0;
  TaskObservation& seen = attempt.seen;
  seen.status = job.seen.status;
  seen.status_reason = job.seen.status_reason;
  seen.exit_code = job.seen.exit_code;
  seen.container = job.seen.container;
  if (!job.seen.job_definition.empty()) seen.job_definition = job.seen.job_definition;
  seen.error = job.seen.error;
  seen.started_at = job.seen.started_at;
  seen.stopped_at = job.seen.stopped_at;
  // Step Functions tasks (and adopted ones, which may be) get the scheduler's own description.
  bool described = !attempt.spec.submit_job.is_null() || attempt.lookup_only;
  if (described && (seen.status == TaskStatus::kRunning || IsTerminal(seen.status))) {
    seen.description_json = job.seen.description_json;
  }
  TimestampMs now = clock_.Now();
  if (job.waiting_for_resources) {
    if (attempt.waiting_since == 0) attempt.waiting_since = now;
    if (now - attempt.waiting_since >= options_.waiting_warning_ms) {
      std::string where = scheduler_->Where(attempt.spec);
      seen.status_reason =
          job.state + " for " + std::to_string((now - attempt.waiting_since) / 60000) + " min" +
          (where.empty() ? "" : " " + where) + ": " +
          (job.seen.status_reason.empty() ? "no reason given by " + scheduler_->Name()
                                          : job.seen.status_reason);
    }
  } else {
    attempt.waiting_since = 0;
  }
  return seen.status != before.status || seen.status_reason != before.status_reason ||
         seen.container != before.container || seen.exit_code != before.exit_code ||
         seen.job_definition != before.job_definition || seen.started_at != before.started_at ||
         seen.stopped_at != before.stopped_at;
}

std::vector<std::string> QueueExecutor::TakeSweep(const std::vector<std::string>& ids,
                                                  const std::vector<ScheduledJob>& jobs) {
  std::vector<std::string> changed;
  std::vector<std::pair<std::string, TaskSpec>> forgotten;  // left out too long: ask how they ended
  {
    std::lock_guard lock(mu_);
    std::set<std::string> answered;
    for (const auto& job : jobs) {
      answered.insert(job.id);
      auto named = by_job_id_.find(job.id);
      if (named == by_job_id_.end()) continue;
      Attempt& attempt = attempts_.at(named->second);
      if (IsTerminal(attempt.seen.status)) continue;
      bool was_before_start = attempt.before_start;
      if (Record(attempt, job)) changed.push_back(job.id);
      if (IsTerminal(attempt.seen.status)) {
        MarkTerminal(attempt);
      } else if (attempt.terminate_requested && was_before_start && !job.before_start) {
        ScheduleStop(attempt);  // it started despite a cancel: stop it again
      }
    }
    for (const auto& id : ids) {
      if (answered.count(id)) continue;
      auto named = by_job_id_.find(id);
      if (named == by_job_id_.end()) continue;
      Attempt& attempt = attempts_.at(named->second);
      if (IsTerminal(attempt.seen.status)) continue;
      if (++attempt.missing_sweeps < options_.missing_sweeps_before_lost && !attempt.lookup_only) {
        continue;
      }
      forgotten.emplace_back(id, attempt.spec);
    }
  }
  // The scheduler no longer (or never) knew these: how they ended, if it can be found out.
  for (const auto& [id, spec] : forgotten) {
    auto outcome = scheduler_->OutcomeOfForgotten(id, spec);
    std::lock_guard lock(mu_);
    auto named = by_job_id_.find(id);
    if (named == by_job_id_.end()) continue;
    Attempt& attempt = attempts_.at(named->second);
    if (IsTerminal(attempt.seen.status)) continue;
    if (outcome) {
      ScheduledJob ended{id, "", false, false, *outcome};
      Record(attempt, ended);
    }
    if (!IsTerminal(attempt.seen.status)) {
      attempt.seen.status = TaskStatus::kFailed;
      attempt.seen.status_reason = scheduler_->Name() + " has no job " + id +
                                   " and its outcome could not be found";
      attempt.seen.stopped_at = clock_.Now();
    }
    MarkTerminal(attempt);
    changed.push_back(id);
  }
  return changed;
}

void QueueExecutor::PollLoop() {
  while (true) {
    std::vector<std::string> ids;
    {
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, std::chrono::milliseconds(options_.poll_interval_ms),
                     [this] { return stopping_; });
      if (stopping_) return;
      ForgetStaleTerminal();
      ids.assign(polled_.begin(), polled_.end());
    }
    if (ids.empty()) continue;
    ++sweeps_;
    auto jobs = scheduler_->Describe(ids);
    if (!jobs.ok()) {
      spdlog::warn("{}: describing {} job(s) failed: {}", scheduler_->Name(), ids.size(),
                   jobs.error().message);
      continue;
    }
    notifier_.Notify(TakeSweep(ids, jobs.value()));
  }
}

}  // namespace wfm
