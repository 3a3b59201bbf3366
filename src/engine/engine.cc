#include "engine/engine.h"

#include <spdlog/spdlog.h>

#include "core/ids.h"
#include "engine/job_rules.h"

namespace wfm {
namespace {

using SteadyClock = std::chrono::steady_clock;

// The job's status and its tasks' statuses, one character each, to count stored changes.
std::string StatusesOf(const Job& job) {
  std::string out(1, static_cast<char>('A' + static_cast<int>(job.status)));
  for (const Task& task : job.tasks) out += static_cast<char>('a' + static_cast<int>(task.status));
  return out;
}

}  // namespace

Engine::Engine(Store& store, Executor& executor, Clock& clock, EngineOptions options)
    : store_(store),
      executor_(executor),
      clock_(clock),
      options_(options),
      leadership_(options.leadership ? *options.leadership : sole_leadership_) {
  listener_target_->engine = this;
  executor_.SetChangeListener([target = listener_target_](const std::vector<std::string>& ids) {
    std::lock_guard lock(target->mu);
    if (target->engine != nullptr) target->engine->OnExecutorChange(ids);
  });
}

Engine::~Engine() {
  Stop();
  std::lock_guard lock(listener_target_->mu);
  listener_target_->engine = nullptr;  // from now on the executor's calls reach nobody
}

Status Engine::Recover() {
  auto jobs = store_.ListActiveJobs();
  if (!jobs.ok()) return jobs.error();
  std::lock_guard lock(inbox_mu_);
  for (auto& job : jobs.value()) inbox_.new_jobs.push_back(std::move(job));
  inbox_.commands = true;
  spdlog::info("engine: recovered {} active job(s)", inbox_.new_jobs.size());
  return OkStatus();
}

void Engine::Start() {
  std::lock_guard lock(inbox_mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void Engine::Stop() {
  {
    std::lock_guard lock(inbox_mu_);
    if (!thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  // Store what the last round learned, unless another replica may be advancing these jobs now.
  if (leading_ && leadership_.IsLeader()) Round(/*side_effects_allowed=*/false);
  ResolveWaiters(cancel_waiters_, false);
  std::lock_guard lock(inbox_mu_);
  ResolveWaiters(inbox_.cancel_waiters, false);
}

void Engine::ResolveWaiters(
    std::multimap<std::string, std::shared_ptr<std::promise<bool>>>& waiters, bool applied) {
  for (auto& [id, waiter] : waiters) waiter->set_value(applied);
  waiters.clear();
}

Result<Job> Engine::StartJob(const Workflow& workflow, const std::string& data_json) {
  Job job = NewJob(workflow, NewUuid(), data_json, clock_.Now());
  auto created = store_.CreateJob(job);
  if (!created.ok()) return created.error();
  job.version = 1;
  {
    std::lock_guard lock(inbox_mu_);
    inbox_.new_jobs.push_back(job);
  }
  wake_.notify_all();
  return job;
}

Result<std::shared_future<bool>> Engine::RequestCancel(const std::string& job_id,
                                                       const std::string& reason) {
  auto command = store_.AddCancelCommand(job_id, reason, clock_.Now());
  if (!command.ok()) return command.error();
  auto applied = std::make_shared<std::promise<bool>>();
  std::shared_future<bool> done = applied->get_future().share();
  {
    std::lock_guard lock(inbox_mu_);
    inbox_.commands = true;
    inbox_.cancel_waiters.emplace(job_id, applied);
  }
  wake_.notify_all();
  return done;
}

Status Engine::CancelJob(const std::string& job_id, const std::string& reason,
                         std::chrono::milliseconds wait) {
  auto done = RequestCancel(job_id, reason);
  if (!done.ok()) return done.error();
  done->wait_for(wait);  // the request is stored: it is applied even if this wait times out
  return OkStatus();
}

void Engine::RunUntilIdle() {
  while (true) {
    bool more = Round(true);
    std::lock_guard lock(inbox_mu_);
    if (!more && inbox_.new_jobs.empty() && inbox_.changed_ids.empty() && !inbox_.commands) return;
  }
}

size_t Engine::ActiveJobCount() const { return active_count_.load(); }

size_t Engine::BookkeepingSize() const {
  std::lock_guard lock(inbox_mu_);
  return active_.size() + job_of_executor_id_.size() + ensured_names_.size() +
         fresh_intents_.size() + carried_dirty_.size() + cancel_waiters_.size() +
         pending_cancels_.size() + terminate_taken_.size() + stored_statuses_.size() +
         inbox_.cancel_waiters.size() + inbox_.new_jobs.size() + inbox_.changed_ids.size();
}

bool Engine::IsLeader() const { return leadership_.IsLeader(); }

EngineStats Engine::Stats() const {
  return EngineStats{rounds_.load(), commits_.load(), jobs_written_.load(), status_changes_.load(),
                     jobs_finished_.load()};
}

void Engine::OnExecutorChange(const std::vector<std::string>& ids) {
  {
    std::lock_guard lock(inbox_mu_);
    inbox_.changed_ids.insert(ids.begin(), ids.end());
  }
  wake_.notify_all();
}

void Engine::Loop() {
  while (true) {
    bool leading = leadership_.Hold();
    if (leading != leading_) {
      leading_ = leading;
      ForgetAll();
      if (leading) {
        auto recovered = Recover();
        if (!recovered.ok()) {
          spdlog::warn("engine: recovery failed, will retry: {}", recovered.error().message);
          leading_ = false;
        }
        next_discovery_ =
            SteadyClock::now() + std::chrono::milliseconds(options_.discovery_interval_ms);
      }
    }
    bool more = false;
    if (leading_) {
      if (SteadyClock::now() >= next_discovery_) {
        Discover();
        next_discovery_ =
            SteadyClock::now() + std::chrono::milliseconds(options_.discovery_interval_ms);
      }
      more = Round(true);
    }
    std::unique_lock lock(inbox_mu_);
    if (stopping_) return;
    if (!leading_) {
      inbox_.new_jobs.clear();  // the leader finds them in the store
      inbox_.changed_ids.clear();
      inbox_.commands = false;
      ResolveWaiters(inbox_.cancel_waiters, false);  // the leader applies them
      wake_.wait_for(lock, std::chrono::milliseconds(options_.leader_retry_interval_ms),
                     [this] { return stopping_; });
      if (stopping_) return;
      continue;
    }
    if (more) continue;
    auto deadline =
        std::min({next_poll_, next_discovery_,
                  SteadyClock::now() + std::chrono::milliseconds(options_.poll_interval_ms)});
    if (retry_at_ > SteadyClock::now()) deadline = std::min(deadline, retry_at_);
    wake_.wait_until(lock, deadline, [this] {
      return stopping_ || !inbox_.new_jobs.empty() || !inbox_.changed_ids.empty() ||
             inbox_.commands;
    });
    if (stopping_) return;
  }
}

void Engine::Discover() {
  auto ids = store_.ListActiveJobIds();
  if (!ids.ok()) return;                    // the next round meets the same error and backs off
  std::unordered_set<std::string> waiting;  // handed over already, not yet taken by a round
  {
    std::lock_guard lock(inbox_mu_);
    for (const auto& job : inbox_.new_jobs) waiting.insert(job.id);
  }
  std::vector<Job> found;
  for (const auto& id : ids.value()) {
    if (active_.count(id) || waiting.count(id)) continue;
    auto job = store_.GetJob(id);
    if (job.ok() && !IsTerminal(job->status)) found.push_back(std::move(job.value()));
  }
  std::lock_guard lock(inbox_mu_);
  if (!found.empty())
    spdlog::info("engine: found {} job(s) stored by another replica", found.size());
  for (auto& job : found) inbox_.new_jobs.push_back(std::move(job));
  inbox_.commands = true;
}

void Engine::ForgetAll() {
  active_.clear();
  job_of_executor_id_.clear();
  ensured_names_.clear();
  fresh_intents_.clear();
  carried_dirty_.clear();
  stored_statuses_.clear();
  pending_cancels_.clear();
  terminate_taken_.clear();
  ResolveWaiters(cancel_waiters_, false);
  active_count_ = 0;
  std::lock_guard lock(inbox_mu_);
  inbox_.new_jobs.clear();
}

bool Engine::Round(bool side_effects_allowed) {
  Inbox in;
  {
    std::lock_guard lock(inbox_mu_);
    std::swap(in, inbox_);
    // Large arrivals (a recovery) are taken in slices so that each round stays short.
    if (in.new_jobs.size() > options_.max_new_jobs_per_round) {
      inbox_.new_jobs.assign(
          std::make_move_iterator(in.new_jobs.begin() + options_.max_new_jobs_per_round),
          std::make_move_iterator(in.new_jobs.end()));
      in.new_jobs.resize(options_.max_new_jobs_per_round);
    }
  }
  std::set<std::string> dirty = std::move(carried_dirty_);
  carried_dirty_.clear();
  cancel_waiters_.merge(in.cancel_waiters);

  // Executor ids of new jobs are watched only once Submit has ensured (or adopted) them in this
  // process: an id stored by an earlier process may be unknown to this executor until then.
  ++rounds_;
  for (auto& job : in.new_jobs) {
    std::string id = job.id;
    auto known = active_.find(id);
    if (known != active_.end() && known->second.version >= job.version) continue;
    stored_statuses_[id] = StatusesOf(job);
    active_[id] = std::move(job);
    dirty.insert(id);
  }

  std::vector<int64_t> consumed;
  std::set<std::string> cancelled_jobs;
  bool retrying = SteadyClock::now() < retry_at_;
  if (in.commands || (!retrying && !cancel_waiters_.empty())) {
    if (TakeCancelCommands(&dirty, &consumed, &cancelled_jobs)) {
      // A waiter whose job is not active now came after its request was applied and consumed
      // (every request is stored before its waiter is registered): the job is finished.
      for (auto w = cancel_waiters_.begin(); w != cancel_waiters_.end();) {
        if (active_.count(w->first) || cancelled_jobs.count(w->first)) {
          ++w;
          continue;
        }
        w->second->set_value(true);
        w = cancel_waiters_.erase(w);
      }
    }
  }

  std::vector<std::string> changed(in.changed_ids.begin(), in.changed_ids.end());
  if (SteadyClock::now() >= next_poll_) {
    changed = ActiveExecutorIds();
    next_poll_ = SteadyClock::now() + std::chrono::milliseconds(options_.poll_interval_ms);
  }
  ApplyExecutorChanges(changed, &dirty);

  // Advance every touched job; collect what to store and what to do after.
  TimestampMs now = clock_.Now();
  CommitBatch batch;
  std::map<std::string, SideEffects> effects;
  for (const auto& id : dirty) {
    auto it = active_.find(id);
    if (it == active_.end()) continue;
    Job& job = it->second;
    std::vector<bool> had_intent;
    for (const Task& task : job.tasks) had_intent.push_back(task.submit_intent);
    Advance(job, now, &effects[id]);
    for (size_t i = 0; i < job.tasks.size(); ++i) {  // decided by this process just now
      if (job.tasks[i].submit_intent && !had_intent[i]) {
        fresh_intents_.insert(TaskAttemptName(job, job.tasks[i]));
      }
    }
    batch.jobs.push_back({job, job.version});
  }
  batch.consumed_commands = std::move(consumed);
  batch.consumed_commands.insert(batch.consumed_commands.end(), consumable_commands_.begin(),
                                 consumable_commands_.end());
  if (batch.jobs.empty() && batch.consumed_commands.empty()) return false;

  auto conflicts = store_.Commit(batch);
  if (!conflicts.ok()) {
    spdlog::warn("engine: storing {} job(s) failed, will retry: {}", batch.jobs.size(),
                 conflicts.error().message);
    carried_dirty_ = std::move(dirty);
    retry_at_ = SteadyClock::now() + std::chrono::milliseconds(options_.retry_interval_ms);
    return false;
  }
  std::set<std::string> lost(conflicts->begin(), conflicts->end());
  consumable_commands_.clear();
  ++commits_;
  for (auto& mutation : batch.jobs) {
    if (lost.count(mutation.job.id)) continue;
    active_[mutation.job.id].version = mutation.job.version;
    std::string now_stored = StatusesOf(mutation.job);
    std::string& before = stored_statuses_[mutation.job.id];
    for (size_t i = 0; i < now_stored.size(); ++i) {
      if (i >= before.size() || before[i] != now_stored[i]) ++status_changes_;
    }
    before = std::move(now_stored);
    ++jobs_written_;
  }
  for (const auto& id : lost) {  // someone else wrote it: take their version and look again
    spdlog::warn("engine: job {} changed underneath, reloading", id);
    auto fresh = store_.GetJob(id);
    if (fresh.ok()) {
      // A cancel applied to the version that lost is applied again to the one that won.
      if (auto pending = pending_cancels_.find(id); pending != pending_cancels_.end()) {
        ApplyCancel(fresh.value(), pending->second.reason, clock_.Now());
      }
      active_[id] = std::move(fresh.value());
      carried_dirty_.insert(id);
    }
    effects.erase(id);
  }
  for (const auto& job_id : cancelled_jobs) {  // their cancel requests are now applied and stored
    if (lost.count(job_id)) continue;
    auto range = cancel_waiters_.equal_range(job_id);
    for (auto w = range.first; w != range.second; ++w) w->second->set_value(true);
    cancel_waiters_.erase(range.first, range.second);
  }
  // A cancel request is consumed once its job is stored cancelled with every task stopped.
  for (auto it = pending_cancels_.begin(); it != pending_cancels_.end();) {
    auto job = active_.find(it->first);
    bool settled = job == active_.end() ||
                   (!lost.count(it->first) && job->second.status == JobStatus::kCancelled &&
                    !HasTasksAwaitingStop(job->second));
    if (!settled) {
      ++it;
      continue;
    }
    consumable_commands_.insert(it->second.command_ids.begin(), it->second.command_ids.end());
    it = pending_cancels_.erase(it);
  }

  if (side_effects_allowed) {
    for (auto& [id, todo] : effects) {
      Job& job = active_.at(id);
      for (const auto& state : todo.submit_states)
        Submit(job, *job.FindTask(state), &carried_dirty_);
      if (!todo.terminate_ids.empty() && !TerminateAborted(job, todo.terminate_ids)) {
        spdlog::warn("engine: the executor could not stop every task of job {} yet, will retry",
                     id);
        carried_dirty_.insert(id);
        retry_at_ = SteadyClock::now() + std::chrono::milliseconds(options_.retry_interval_ms);
      }
    }
  }

  // Finished jobs leave memory once nothing about them is pending.
  for (const auto& mutation : batch.jobs) {
    const std::string& id = mutation.job.id;
    auto it = active_.find(id);
    if (it == active_.end() || !IsTerminal(it->second.status) || carried_dirty_.count(id)) continue;
    if (lost.count(id) || pending_cancels_.count(id) || HasTasksAwaitingStop(it->second)) continue;
    for (const Task& task : it->second.tasks) {
      job_of_executor_id_.erase(task.id);
      terminate_taken_.erase(task.id);
      ensured_names_.erase(TaskAttemptName(it->second, task));
      fresh_intents_.erase(TaskAttemptName(it->second, task));
    }
    stored_statuses_.erase(id);
    active_.erase(it);
    ++jobs_finished_;
  }
  active_count_ = active_.size();
  return (!carried_dirty_.empty() || !consumable_commands_.empty()) &&
         SteadyClock::now() >= retry_at_;
}

bool Engine::TerminateAborted(Job& job, const std::vector<std::string>& ids) {
  std::vector<std::string> ask;
  for (const auto& id : ids) {
    if (!terminate_taken_.count(id)) ask.push_back(id);
  }
  if (ask.empty()) return true;
  std::vector<std::string> taken = executor_.Terminate(ask, job.status_reason);
  std::unordered_set<std::string> took(taken.begin(), taken.end());
  for (Task& task : job.tasks) {
    if (task.status != TaskStatus::kAbortedByUser || !took.count(task.id)) continue;
    terminate_taken_.insert(task.id);
    job_of_executor_id_[task.id] = job.id;  // watched until it is seen stopped
    if (!task.terminate_sent) {
      task.terminate_sent = true;  // stored only now that the executor acknowledged it
      carried_dirty_.insert(job.id);
    }
  }
  if (!taken.empty()) OnExecutorChange(taken);
  return took.size() >= ask.size();
}

bool Engine::TakeCancelCommands(std::set<std::string>* dirty, std::vector<int64_t>* consumed,
                                std::set<std::string>* job_ids) {
  auto commands = store_.ListCancelCommands();
  if (!commands.ok()) {
    spdlog::warn("engine: reading cancel requests failed, will retry: {}",
                 commands.error().message);
    std::lock_guard lock(inbox_mu_);
    inbox_.commands = true;
    retry_at_ = SteadyClock::now() + std::chrono::milliseconds(options_.retry_interval_ms);
    return false;
  }
  for (const auto& command : commands.value()) {
    job_ids->insert(command.job_id);
    auto it = active_.find(command.job_id);
    if (it == active_.end()) {
      auto stored = store_.GetJob(command.job_id);
      if (stored.ok() && (!IsTerminal(stored->status) || HasTasksAwaitingStop(stored.value()))) {
        stored_statuses_[command.job_id] = StatusesOf(stored.value());
        it = active_.emplace(command.job_id, std::move(stored.value())).first;
      }
    }
    if (it == active_.end()) {  // no such job, or finished and settled: nothing left to do
      consumed->push_back(command.id);
      continue;
    }
    if (ApplyCancel(it->second, command.reason, clock_.Now())) {
      spdlog::info("engine: job {} cancelled: {}", command.job_id, it->second.status_reason);
    }
    dirty->insert(command.job_id);
    PendingCancel& pending = pending_cancels_[command.job_id];
    if (pending.command_ids.empty()) pending.reason = command.reason;
    pending.command_ids.insert(command.id);
  }
  return true;
}

void Engine::ApplyExecutorChanges(const std::vector<std::string>& ids,
                                  std::set<std::string>* dirty) {
  // Only ids still awaited: the executor forgets a task once it has reported it terminal, and a
  // late notification of an id it forgot would make it adopt (and watch) that id anew.
  std::vector<std::string> known;
  for (const auto& id : ids) {
    auto job_it = job_of_executor_id_.find(id);
    if (job_it == job_of_executor_id_.end()) continue;
    auto job = active_.find(job_it->second);
    if (job == active_.end()) continue;
    for (const Task& task : job->second.tasks) {
      if (task.id == id && (!IsTerminal(task.status) || AwaitsStop(task))) {
        known.push_back(id);
        break;
      }
    }
  }
  if (known.empty()) return;
  for (const auto& seen : executor_.Describe(known)) {
    auto job_it = active_.find(job_of_executor_id_[seen.id]);
    if (job_it == active_.end()) continue;
    for (Task& task : job_it->second.tasks) {
      if (task.id != seen.id) continue;
      if (ApplyObservation(task, seen, clock_.Now())) dirty->insert(job_it->first);
      if (task.id != seen.id) {  // a lasting id replaces the attempt's name
        job_of_executor_id_[task.id] = job_it->first;
        job_of_executor_id_.erase(seen.id);
        break;
      }
    }
  }
}

std::vector<std::string> Engine::ActiveExecutorIds() const {
  std::vector<std::string> ids;
  for (const auto& [id, job] : active_) {
    for (const Task& task : job.tasks) {
      if ((!IsTerminal(task.status) || AwaitsStop(task)) && job_of_executor_id_.count(task.id)) {
        ids.push_back(task.id);
      }
    }
  }
  return ids;
}

void Engine::Submit(Job& job, Task& task, std::set<std::string>* dirty) {
  std::string name = TaskAttemptName(job, task);
  if (ensured_names_.count(name)) return;
  const State* state = job.workflow.FindState(task.state);
  TaskSpec spec;
  spec.name = name;
  spec.known_id = task.id;
  spec.resource = state ? state->resource : "";
  spec.environment = TaskEnvironment(job, task);
  spec.fresh = fresh_intents_.count(name) > 0;
  auto id = executor_.Submit(spec);
  if (!id.ok()) {
    if (id.error().code == ErrorCode::kUnavailable) {
      spdlog::warn("engine: submitting {} failed, will retry: {}", name, id.error().message);
      retry_at_ = SteadyClock::now() + std::chrono::milliseconds(options_.retry_interval_ms);
      dirty->insert(job.id);
      return;
    }
    FailSubmission(task, id.error().message, clock_.Now());
    dirty->insert(job.id);
    return;
  }
  ensured_names_.insert(name);
  fresh_intents_.erase(name);
  job_of_executor_id_[id.value()] = job.id;
  if (task.id != id.value()) {
    task.id = id.value();
    dirty->insert(job.id);
  }
  // Pick up whatever the executor already knows (for an adopted task: maybe its outcome).
  OnExecutorChange({id.value()});
}

}  // namespace wfm
