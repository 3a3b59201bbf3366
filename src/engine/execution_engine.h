// The engine of Step Functions executions and of v1 jobs (each runs as an execution, see
// job_execution.h): keeps the running executions in memory, feeds their
// interpreters (asl/interpreter.h) what happened (task results from the executor, activity
// workers, timers), stores every changed execution with its new history events in one commit,
// and only then acts (starts and stops tasks, offers activity tasks). A crash at any point is
// safe: a task attempt is stored before it is started, and starting is idempotent by the
// attempt's name (the executor adopts it), so a restart never runs a task twice.
//
// Requests of the API (stop, redrive, task results sent by workers) are applied to the stored
// execution directly (optimistic versions), after which the engine reloads it; a round that raced
// with them loses its commit and starts again from the store.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "asl/interpreter.h"
#include "core/clock.h"
#include "engine/activity_broker.h"
#include "engine/execution_record.h"
#include "engine/execution_service.h"
#include "engine/job_service.h"
#include "engine/leadership.h"
#include "executor/executor.h"
#include "store/store.h"

namespace wfm {

struct ExecutionEngineOptions {
  double wait_time_scale = 1.0;      // multiplies Waits and Retry intervals (0: skip them)
  int64_t poll_interval_ms = 1000;   // how often every running task is described
  int64_t retry_interval_ms = 1000;  // wait after the store or executor was unavailable
  // How often the leader looks for executions other replicas started (0: never; one process).
  int64_t discovery_interval_ms = 0;
  Leadership* leadership = nullptr;  // nullptr: this process alone. Not owned.
  // How often a replica that does not lead tries to take the lead (with `leadership`).
  int64_t leader_retry_interval_ms = 1000;
  // Executions held whole in memory at most. Beyond it, those that wait (nothing to do until a
  // task ends, a timer is due or a request comes) are held as a small entry and read from the
  // store again when something happens to them.
  size_t max_resident_executions = 10000;
};

// Counters since the engine was made.
struct EngineStats {
  uint64_t rounds = 0;
  uint64_t commits = 0;
  uint64_t executions_written = 0;   // execution records written by the rounds' commits
  uint64_t executions_finished = 0;  // ended (jobs too) and left the engine's memory
  uint64_t executions_dormant = 0;   // now held as small entries (see max_resident_executions)
  uint64_t wakes = 0;                // dormant executions read whole again from the store
};

class ExecutionEngine : public ExecutionService, public JobService {
 public:
  ExecutionEngine(Store& store, Executor& executor, Clock& clock,
                  ExecutionEngineOptions options = {});
  ~ExecutionEngine() override;  // Stop()s

  // Runs rounds on a background thread until Stop. The first round loads every running
  // execution from the store.
  void Start();
  // Finishes the current round, stores what it learned (while leading) and joins. Idempotent.
  void Stop();
  // For tests without the background thread: rounds on the caller's thread until nothing is
  // left to do now (timers due later are left).
  void RunUntilIdle();
  // Executions in memory (jobs' too). Thread-safe.
  size_t ActiveCount() const;
  // Entries of the engine's bookkeeping (executions, executor ids, attempts, stops), for tests of
  // its memory. Call only while no round runs (before Start, after Stop, between RunUntilIdle).
  size_t BookkeepingSize() const;
  // Thread-safe.
  EngineStats Stats() const;

  // JobService
  Result<Job> StartJob(const Workflow& workflow, const std::string& data_json) override;
  Result<Job> CancelJob(const std::string& job_id, const std::string& reason) override;
  bool IsLeader() const override;

  // ExecutionService
  Result<Record> StartExecution(const StartExecutionRequest& request) override;
  Result<TimestampMs> StopExecution(const std::string& execution_arn, const std::string& error,
                                    const std::string& cause) override;
  Result<TimestampMs> RedriveExecution(const std::string& execution_arn) override;
  void GetActivityTask(const std::string& activity_arn, const std::string& worker_name,
                       std::chrono::milliseconds wait,
                       std::function<void(std::optional<ActivityTask>)> done) override;
  Status SendTaskSuccess(const std::string& task_token, const std::string& output) override;
  Status SendTaskFailure(const std::string& task_token, const std::string& error,
                         const std::string& cause) override;
  Status SendTaskHeartbeat(const std::string& task_token) override;
  Result<nlohmann::json> TestState(const nlohmann::json& request) override;

 private:
  // A task the engine must stop, of the execution `execution`.
  struct PendingStop {
    std::string execution;
    asl::TaskToStop stop;
  };
  // One execution as the engine holds it. Heap-allocated: the interpreter points into it.
  struct Active {
    Record record;  // as last stored (its version) or loaded; empty for a job's execution
    ExecutionInfo info;
    asl::ExecutionContext context;
    asl::ExecutionState state;
    std::shared_ptr<const asl::StateMachine> definition;
    std::unique_ptr<asl::Interpreter> interpreter;
    // A v1 job's execution: the job as the v1 API shows it, whose row holds the execution (its
    // `execution` is left empty here: `state` is what it holds).
    std::optional<Job> job;
    std::vector<HistoryEvent> pending_events;  // made, not yet stored
    std::vector<int64_t> to_start;             // frames whose attempt must be started
    // Attempts decided here and not yet asked for: nothing can exist under their names, so the
    // executor need not look for an earlier submission (TaskSpec::fresh).
    std::set<std::string> fresh_attempts;
    std::vector<asl::TaskToStop> to_stop;
    bool dirty = false;
    // BodyOf's text of `info` as last written, and the (status, stop date, redrive count) of the
    // state it was made for.
    std::string info_text;
    std::tuple<std::string, int64_t, int64_t> info_key;
  };
  // An execution this process has just stored: its record, or (`job` set) the job whose row holds
  // it, as stored.
  struct Started {
    Record record;
    std::optional<Job> job;
  };
  struct Inbox {
    std::set<std::string> reload;       // execution ARNs to (re)load from the store
    std::vector<Started> started;       // executions just stored by StartExecution or StartJob
    std::set<std::string> changed_ids;  // executor ids whose observation changed
    std::vector<std::pair<OfferedActivityTask, std::string>> taken;  // (task, worker)
    std::vector<PendingStop> stops;  // stored by the API's requests, for the round to send
  };
  // An execution held as a small entry (see max_resident_executions): its stored version and, per
  // task attempt it watches, what it last knew, so that only news wakes it.
  struct Watched {
    std::string executor_id;  // "" for an activity task offered to workers
    std::string attempt;
    TaskStatus status = TaskStatus::kRunning;
    bool any_status = true;      // a Step Functions attempt: only its end matters
    bool on_description = false;  // batch:submitJob: its description ends it
    bool started = false;         // a job's task: its start time is known
    size_t reason_hash = 0, container_hash = 0;  // a job's task: its status reason, container
  };
  struct Dormant {
    int64_t version = 0;
    std::vector<Watched> watched;
  };

  // The parsed definition of `text`, from a cache of recent ones. Thread-safe.
  Result<std::shared_ptr<const asl::StateMachine>> Definition(const std::string& text) const;
  // Builds an Active from an execution's stored body (BodyOf) under `key` and, for a job's
  // execution, its job. Errors: kInternal for a corrupt body or definition.
  Result<std::unique_ptr<Active>> Build(const std::string& key, const std::string& body,
                                        std::optional<Job> job) const;
  // Builds an Active from a stored execution record (a Step Functions execution). Errors: Build's.
  Result<std::unique_ptr<Active>> Load(const Record& record) const;
  // Builds an Active from a stored job whose row holds its execution. Errors: Build's.
  Result<std::unique_ptr<Active>> LoadJob(Job job) const;
  // Reads and builds the execution `key` (an ARN, or a JobExecutionKey), ended or not. Errors:
  // kNotFound type ExecutionDoesNotExist when none is stored (for a job: no job, or a job whose
  // execution is not kept); Build's; the store's.
  Result<std::unique_ptr<Active>> LoadStored(const std::string& key) const;
  // The stored body of `active`'s execution as it is now: what DescribeExecution shows ("info")
  // and the interpreter's state ("run").
  static std::string BodyOf(Active& active);
  // The record of a Step Functions execution as it is now.
  static Record RecordOf(Active& active);
  // True while the engine has work with `active`: running, or a job waiting to see a task stop
  // (its execution is then kept in the store, so that a restart goes on watching it).
  static bool Kept(const Active& active);
  // The key the store reports a conflict of `active`'s write under: its job's id or its ARN.
  static const std::string& StoredKey(const Active& active);
  // Adds `active`'s writes to `batch`: its record, or its job with the execution (a v1 job's
  // execution), the stop records of what it stops, its new events.
  void AddWrites(Active& active, TimestampMs now, CommitBatch* batch) const;
  // Applies v1's rules to a job's execution's job after the interpreter acted (job_rules.h
  // Advance; EndJobWithExecution once the execution ended); marks it dirty when that changed it.
  void SyncJob(Active& active, TimestampMs now) const;
  // Records what the executor saw of an attempt in its job (a v1 job's execution). Returns true
  // when the job's task is known to have stopped for good.
  bool ObserveInJob(Active& active, const TaskObservation& seen, const std::string& attempt,
                    TimestampMs now);
  // The body (BodyOf) of the execution that runs `job`, not yet started.
  static std::string NewJobExecution(const Job& job);
  // Hands a just-stored execution to the loop and wakes it.
  void Take(Started started);
  // Stores an execution in the row of a stored job that has none (stored by an earlier version
  // of the service), then takes it; when another writer changed the job first, reloads it.
  // Errors: the store's.
  Status EnsureJobExecution(Job job);
  // Moves the interpreter's decisions into `active` (events, tasks to start and stop).
  void Collect(Active& active) const;
  // Applies `change` to the stored execution (load, change, commit with its version; retried on
  // conflicts), then stops what it decided to stop and asks the engine to reload it (which starts
  // what it decided to start). `change` returns true when it changed the execution, false when
  // there is nothing to write, or an error to give up without writing. Errors: kNotFound type
  // ExecutionDoesNotExist; change's; the store's.
  Status ApplyToStored(const std::string& arn, const std::function<Result<bool>(Active&)>& change);
  // The execution ARN inside a task token. Errors: kNotFound type InvalidToken.
  static Result<std::string> ExecutionOfToken(const std::string& token);

  bool Round();
  // Loads every running Step Functions execution and the stops to send, reads at once the jobs
  // with a stop to send and leaves the other active jobs to RecoverSome.
  void Recover();
  // Holds the execution of a job read by the recovery (giving one to a job stored without, see
  // EnsureJobExecution) unless it is held already or over.
  void HoldRecovered(Job job);
  // Reads the next page of active jobs after recover_after_ (the last page ends the recovery).
  void RecoverSome();
  // Loads the running executions other replicas started, and adds to `reload` those that
  // another replica's API changed since they were loaded; loads the stops they stored.
  void Discover(std::set<std::string>* reload);
  void ForgetAll();
  void Adopt(std::unique_ptr<Active> active);
  void Forget(const std::string& arn);
  // Holds the settled execution `key` as a Dormant entry instead of whole.
  void Evict(const std::string& key);
  // The execution `key` held whole: as it is, or read from the store when it was dormant (then
  // nullptr when that failed or it changed meanwhile: it is reloaded next round); nullptr when
  // the engine does not hold it.
  Active* Resident(const std::string& key);
  // True when `seen` may change what the dormant execution holds (it must be woken).
  static bool Wakes(const Dormant& dormant, const TaskObservation& seen);
  // Applies one observation of the executor to the execution whose attempt it is; returns that
  // execution's key ("" when none is held).
  std::string Observe(const TaskObservation& seen, int64_t now);
  // The stored version of execution `key` as the engine holds it (whole or dormant), if it does.
  std::optional<int64_t> HeldVersion(const std::string& key) const;
  // Sets active_count_: the executions held, whole or dormant.
  void CountActive();
  // Marks execution `arn` for the next pass of the round (something happened to it).
  void Touch(const std::string& arn);
  // Moves the executions whose timer (NextDueMs) is due at `now` into attention_.
  void TouchDue(int64_t now);
  // Files `active`'s next timer (NextDueMs; none when 0) in due_, replacing the one it had.
  void ScheduleDue(const Active& active);
  // The executions of attention_ still in memory, their ARNs with them.
  std::vector<std::pair<std::string, Active*>> Attended();
  void ApplyExecutorChanges(const std::vector<std::string>& ids, int64_t now);
  std::vector<std::string> ActiveExecutorIds() const;
  // Starts, stops and offers what the stored decisions of `active` say; returns true when that
  // changed the execution (it must be stored again).
  bool Act(Active& active, int64_t now);
  // Adds the stored stops of the task-stop records (recovery, discovery) to pending_stops_.
  void LoadStoredStops();
  // Sends every pending stop to the executor; those it took charge of have their record deleted
  // and leave pending_stops_ (a job's task is marked terminate_sent), the others are sent again
  // after the retry interval. Returns true when a job changed (it must be stored).
  bool SendPendingStops();
  // Adopts the execution loaded under `key`, or (LoadFailed) reports why it could not be.
  void AdoptLoaded(const std::string& key, Result<std::unique_ptr<Active>> loaded);
  // After loading execution `arn` failed: read again next round when the store was away, else
  // logged.
  void LoadFailed(const std::string& arn, const Error& error);
  // Applies the cancel requests that an earlier version of the service stored (it cancelled in
  // two steps: request, then apply) and consumes them.
  void ApplyStoredCancelRequests();
  // Stores the dirty executions of `attended`, in transactions of a bounded number of them. Returns
  // false when the store failed (what was not stored stays dirty; retried after the retry
  // interval).
  bool CommitDirty(const std::vector<std::pair<std::string, Active*>>& attended);
  // Stores `written` (dirty executions) in one transaction; those another writer changed first
  // are forgotten and reloaded. Returns false when the store failed.
  bool Commit(const std::vector<Active*>& written);
  void Loop();
  void OnExecutorChange(const std::vector<std::string>& ids);
  void OnActivityTaken(const OfferedActivityTask& task, const std::string& worker);
  bool Leading() const;

  Store& store_;
  Executor& executor_;
  Clock& clock_;
  ExecutionEngineOptions options_;
  asl::InterpreterOptions interpreter_options_;

  // The executor and the broker may call back after this is gone: they reach it through this.
  struct CallbackTarget {
    std::mutex mu;
    ExecutionEngine* engine = nullptr;
  };
  std::shared_ptr<CallbackTarget> callback_target_ = std::make_shared<CallbackTarget>();
  std::unique_ptr<ActivityBroker> broker_;

  mutable std::mutex definitions_mu_;
  mutable std::unordered_map<std::string, std::shared_ptr<const asl::StateMachine>> definitions_;

  mutable std::mutex inbox_mu_;
  std::condition_variable wake_;
  Inbox inbox_;
  bool stopping_ = false;
  std::thread thread_;

  // Owned by the round (one thread at a time).
  std::unordered_map<std::string, std::unique_ptr<Active>> active_;  // by ARN
  // What a round looks at: the executions something happened to since they were last seen (new,
  // reloaded, observed, taken, timer due, not fully stored or acted on yet), by ARN. The others
  // are left alone, so that a round costs what happened, not how many executions wait.
  std::unordered_set<std::string> attention_;
  // Each execution's next timer (Wait, Retry interval, timeouts), by due time, and by ARN.
  std::set<std::pair<int64_t, std::string>> due_;
  std::unordered_map<std::string, int64_t> due_of_;
  std::unordered_map<std::string, Dormant> dormant_;  // by key (ARN or JobExecutionKey)
  // executor id -> (execution ARN, attempt name)
  std::unordered_map<std::string, std::pair<std::string, std::string>> by_executor_id_;
  std::unordered_set<std::string> ensured_;  // attempts submitted or adopted by this process
  // Stops stored and not yet taken charge of by the executor, by attempt name.
  std::map<std::string, PendingStop> pending_stops_;
  bool leading_ = false;
  bool recovered_ = false;
  // While the recovery reads the active jobs: the last one read (or none yet).
  std::optional<PageCursor> recover_after_;
  std::chrono::steady_clock::time_point next_poll_{}, next_discovery_{}, retry_at_{};
  std::atomic<size_t> active_count_{0};
  std::atomic<uint64_t> rounds_{0}, commits_{0}, executions_written_{0}, executions_finished_{0};
  std::atomic<uint64_t> dormant_count_{0}, wakes_{0};
};

}  // namespace wfm
