// The engine: the one writer of jobs. It keeps the active (non-terminal) jobs in memory, and in
// rounds: takes what happened (new jobs, cancel requests, executor changes), advances the jobs
// (job_rules.h), stores every changed job in one transaction (group commit), and only then carries
// out the side effects (submit, terminate), whose results are stored in the next round. A crash at
// any point is safe: intents are stored before their side effects and submission is idempotent per
// attempt name, so a restart re-submits (adopts) instead of running a task twice.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "engine/leadership.h"
#include "executor/executor.h"
#include "store/store.h"

namespace wfm {

struct EngineOptions {
  int64_t poll_interval_ms = 1000;   // how often every active task is described (level trigger)
  int64_t retry_interval_ms = 1000;  // wait after the store or executor was unavailable
  // How often the leader looks in the store for jobs and cancel requests that other replicas
  // stored, and how often a replica that is not the leader tries to become it.
  int64_t discovery_interval_ms = 1000;
  int64_t leader_retry_interval_ms = 1000;
  // New jobs taken into one round at most (the others wait for the next rounds).
  size_t max_new_jobs_per_round = 2000;
  // Who may advance jobs; nullptr: this process alone (SQLite, memory). Not owned.
  Leadership* leadership = nullptr;
};

// Counters since the engine was made; "status changes" counts stored changes of a job's or a
// task's status (several changes inside one round count once).
struct EngineStats {
  uint64_t rounds = 0;
  uint64_t commits = 0;
  uint64_t jobs_written = 0;
  uint64_t status_changes = 0;
  uint64_t jobs_finished = 0;  // reached a terminal status and left the engine's memory
};

class Engine {
 public:
  Engine(Store& store, Executor& executor, Clock& clock, EngineOptions options = {});
  ~Engine();  // Stop()s
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Loads the active jobs and pending cancel requests from the store, for RunUntilIdle (Start's
  // thread does it itself whenever it becomes the leader). Errors: the store's.
  Status Recover();
  // Runs rounds on a background thread until Stop.
  void Start();
  // Finishes the current round, stores what is pending (only while leading: a process that never
  // led, or lost the lead, writes nothing), and joins the thread. Idempotent.
  void Stop();

  // Creates and stores a job of `workflow` with `data_json` (a JSON array) and hands it to the
  // engine. Thread-safe. Errors: the store's.
  Result<Job> StartJob(const Workflow& workflow, const std::string& data_json);

  // Stores a cancel request (it is applied even if this process dies now). The future becomes
  // true once this engine has applied it and stored the job CANCELLED, false when this process
  // won't apply it (not the leader, or stopping: another replica or the next start will).
  // Never blocks on the engine. Thread-safe.
  // Errors: kNotFound; kConflict if the job already finished; the store's.
  Result<std::shared_future<bool>> RequestCancel(const std::string& job_id,
                                                 const std::string& reason);
  // RequestCancel, then waits up to `wait` for this engine to apply it. Thread-safe.
  Status CancelJob(const std::string& job_id, const std::string& reason,
                   std::chrono::milliseconds wait);

  // For tests and benchmarks without the background thread: runs rounds on the caller's thread
  // until nothing is left to do now.
  void RunUntilIdle();

  // Number of jobs the engine is advancing. Thread-safe.
  size_t ActiveJobCount() const;
  // Entries of the engine's bookkeeping maps (ids, names, waiters), for tests of its memory.
  // Call only while no round runs (before Start, after Stop, between RunUntilIdle calls).
  size_t BookkeepingSize() const;
  // Whether this process advances jobs now (always, without a shared store). Thread-safe.
  bool IsLeader() const;
  // Thread-safe.
  EngineStats Stats() const;

 private:
  struct Inbox {
    std::vector<Job> new_jobs;
    std::unordered_set<std::string> changed_ids;
    bool commands = false;
    std::multimap<std::string, std::shared_ptr<std::promise<bool>>> cancel_waiters;
  };
  // Cancel requests stored for a job and not yet consumed: they stay until the job's tasks are
  // all stopped, so that a restart still finds (and stops) them.
  struct PendingCancel {
    std::string reason;
    std::set<int64_t> command_ids;
  };

  // One round. Returns true if work is left that should run without waiting.
  bool Round(bool side_effects_allowed);
  // Applies the stored cancel requests to their jobs (loading them when needed, even a cancelled
  // one whose tasks are not all stopped); fills the commands consumed at once (their job is gone
  // or done) and the jobs cancelled. Returns false when the requests could not be read.
  bool TakeCancelCommands(std::set<std::string>* dirty, std::vector<int64_t>* consumed,
                          std::set<std::string>* job_ids);
  // Asks the executor to stop the aborted tasks of a job that it has not taken charge of yet;
  // records the ones it took. Returns false if some must be asked again later.
  bool TerminateAborted(Job& job, const std::vector<std::string>& ids);
  // Resolves every cancel waiter with `applied`.
  static void ResolveWaiters(
      std::multimap<std::string, std::shared_ptr<std::promise<bool>>>& waiters, bool applied);
  // Describes `ids` and records what changed in their tasks.
  void ApplyExecutorChanges(const std::vector<std::string>& ids, std::set<std::string>* dirty);
  // Executor ids of every non-terminal task of the active jobs.
  std::vector<std::string> ActiveExecutorIds() const;
  // Submits (or adopts) one task attempt whose intent is stored; records its id or failure.
  void Submit(Job& job, Task& task, std::set<std::string>* dirty);
  void OnExecutorChange(const std::vector<std::string>& ids);
  // Loads active jobs that this process does not know yet (stored by other replicas) and asks
  // for a look at the cancel requests.
  void Discover();
  // Forgets every job: another replica may be advancing them now.
  void ForgetAll();
  void Loop();

  // The executor may outlive the engine and call its listener from its own threads; the listener
  // reaches the engine through this, which the destructor empties.
  struct ListenerTarget {
    std::mutex mu;
    Engine* engine = nullptr;
  };

  Store& store_;
  Executor& executor_;
  std::shared_ptr<ListenerTarget> listener_target_ = std::make_shared<ListenerTarget>();
  Clock& clock_;
  EngineOptions options_;

  mutable std::mutex inbox_mu_;
  std::condition_variable wake_;
  Inbox inbox_;
  bool stopping_ = false;
  std::thread thread_;

  // Owned by the round (one thread at a time).
  std::unordered_map<std::string, Job> active_;
  std::unordered_map<std::string, std::string> job_of_executor_id_;
  std::unordered_set<std::string> ensured_names_;  // attempts submitted or adopted by this process
  std::unordered_set<std::string> fresh_intents_;  // attempts this process decided, not yet asked
  std::set<std::string> carried_dirty_;            // changed but not yet stored
  std::multimap<std::string, std::shared_ptr<std::promise<bool>>> cancel_waiters_;
  std::unordered_map<std::string, PendingCancel> pending_cancels_;  // by job id
  std::unordered_set<std::string> terminate_taken_;  // executor ids it took charge of stopping
  std::set<int64_t> consumable_commands_;            // cancel requests to delete in the next commit
  SoleLeadership sole_leadership_;
  Leadership& leadership_;
  bool leading_ = false;
  std::chrono::steady_clock::time_point next_discovery_{};
  std::chrono::steady_clock::time_point next_poll_{};
  std::chrono::steady_clock::time_point retry_at_{};
  std::unordered_map<std::string, std::string> stored_statuses_;  // per job, see StatusesOf
  std::atomic<size_t> active_count_{0};
  std::atomic<uint64_t> rounds_{0}, commits_{0}, jobs_written_{0}, status_changes_{0},
      jobs_finished_{0};
};

}  // namespace wfm
