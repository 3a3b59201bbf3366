// An executor whose tasks are jobs of a batch scheduler asked over the network (AWS Batch,
// Slurm: job_scheduler.h). A task attempt becomes a job named after the attempt
// ("<job id>-<state index>-<attempt>").
//   - Submit() returns at once with the attempt's name as a handle; worker threads submit the job
//     and report the scheduler's job id as the task's lasting id (TaskObservation::new_id).
//   - An attempt inherited from an earlier process (TaskSpec::fresh false) without a job id is
//     first looked up by name and adopted if found: never submitted twice.
//   - One poller describes the active jobs (those not yet seen terminal) every poll interval, in
//     one sweep; API reads never reach the scheduler. An attempt is forgotten once Describe has
//     reported it terminal (or, unasked, after `forget_terminal_after_ms`), so memory and polls
//     follow the active tasks only.
//   - Terminate never calls the scheduler itself and takes charge of every id it is given, known
//     or not: a job id is stopped directly, an attempt name is first looked up by name. Workers
//     stop the job (retrying on their own while the scheduler is unavailable) until it is seen
//     terminal. A name never submitted is reported terminal at once.
//   - Describe of an id this process does not know (a task of an earlier process, or one already
//     forgotten) adopts it the same way, lookup only (never submitted): kQueued with a reason until
//     the scheduler has been asked, then what it says.
//   - A job the scheduler stops knowing before it was seen ending gets the outcome the scheduler
//     can find otherwise (JobScheduler::OutcomeOfForgotten), else fails saying it was lost.
//   - A job waiting for resources longer than the warning time says why in its status reason; a
//     task waiting because the scheduler can't be reached carries that reason too.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "executor/change_notifier.h"
#include "executor/executor.h"
#include "executor/queue/job_scheduler.h"

namespace wfm {

struct QueueExecutorOptions {
  int64_t poll_interval_ms = 10000;
  int64_t waiting_warning_ms = 10 * 60 * 1000;
  int submit_workers = 4;
  // After the scheduler was unavailable; doubled while it stays so, up to 32 times.
  int64_t resubmit_delay_ms = 1000;
  // A terminal attempt nobody asked about is forgotten after this long.
  int64_t forget_terminal_after_ms = 10 * 60 * 1000;
  // Sweeps that must leave a job out before it counts as forgotten by the scheduler.
  int missing_sweeps_before_lost = 3;
};

class QueueExecutor : public Executor {
 public:
  // Starts the workers and the poller.
  QueueExecutor(std::unique_ptr<JobScheduler> scheduler, Clock& clock,
                QueueExecutorOptions options);
  ~QueueExecutor() override;  // stops and joins them

  // Errors: kInvalidArgument for a local function (spec.function_input, which runs only with the
  // local executor) and when the scheduler's Validate refuses the task.
  Result<std::string> Submit(const TaskSpec& spec) override;
  // Observations of RUNNING and terminal Step Functions tasks (and of adopted ones, which may be)
  // carry the scheduler's description of the job as description_json.
  std::vector<TaskObservation> Describe(const std::vector<std::string>& ids) override;
  // Returns every id (see above): never calls the scheduler, never blocks on it.
  std::vector<std::string> Terminate(const std::vector<std::string>& ids,
                                     const std::string& reason) override;
  void SetChangeListener(std::function<void(const std::vector<std::string>&)> listener) override;
  // The scheduler's.
  Status Health() const override;

  // Describe sweeps of the active tasks made so far. Thread-safe.
  int64_t PollSweeps() const { return sweeps_.load(); }
  // Attempts held in memory (for tests: 0 once every task was reported terminal). Thread-safe.
  size_t AttemptCount() const;

 protected:
  JobScheduler& scheduler() { return *scheduler_; }
  const JobScheduler& scheduler() const { return *scheduler_; }

 private:
  struct Attempt {
    TaskSpec spec;
    std::string job_id;        // empty until submitted or adopted
    bool submitting = false;   // queued for (or in) SubmitOne: submission or lookup by name
    bool lookup_only = false;  // adopted by Terminate or Describe: found by name, never submitted
    // A submission went unanswered (timed out, say): the scheduler may have taken it, so it is
    // looked up by name before it is submitted again, like an attempt of an earlier process.
    bool maybe_submitted = false;
    bool stopping = false;     // queued for (or in) StopOne
    bool terminate_requested = false;
    std::string terminate_reason;
    std::string state;         // the scheduler's last word on it
    bool before_start = true;  // as far as known
    int missing_sweeps = 0;    // consecutive sweeps that left it out
    TimestampMs waiting_since = 0;
    std::chrono::steady_clock::time_point terminal_since{};
    TaskObservation seen;
  };

  void SubmitLoop();
  void PollLoop();
  // Submits or adopts one attempt. Returns false when the scheduler was unavailable.
  bool SubmitOne(const std::string& name);
  // Stops one attempt's job. Returns false when the scheduler was unavailable.
  bool StopOne(const std::string& name);
  // Records what the scheduler says of an attempt's job; true when the observation changed.
  bool Record(Attempt& attempt, const ScheduledJob& job);
  // Takes one sweep's answer: records the jobs, and those left out too long as lost.
  std::vector<std::string> TakeSweep(const std::vector<std::string>& ids,
                                     const std::vector<ScheduledJob>& jobs);
  // The rest, with mu_ held:
  Attempt* Find(const std::string& id);  // by handle or job id
  // Creates a lookup-only attempt for an id this process does not know.
  Attempt& Adopt(const std::string& id);
  void MarkTerminal(Attempt& attempt);  // after seen.status became terminal
  void ScheduleStop(Attempt& attempt);
  void Forget(const std::string& name);
  void ForgetStaleTerminal();

  std::unique_ptr<JobScheduler> scheduler_;
  Clock& clock_;
  QueueExecutorOptions options_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::map<std::string, Attempt> attempts_;       // by name (the handle)
  std::map<std::string, std::string> by_job_id_;  // job id -> name
  std::set<std::string> polled_;                  // job ids not yet seen terminal
  std::deque<std::pair<std::chrono::steady_clock::time_point, std::string>> terminal_order_;
  std::deque<std::string> to_submit_;
  std::deque<std::string> to_stop_;
  ChangeNotifier notifier_;
  std::vector<std::thread> workers_;
  std::thread poller_;
  std::atomic<int64_t> sweeps_{0};
  std::atomic<int> unavailable_streak_{0};  // submissions and stops in a row the scheduler refused
};

}  // namespace wfm
