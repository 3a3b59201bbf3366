// The AWS Batch executor. A task attempt becomes a Batch job named after the attempt
// ("<job id>-<state index>-<attempt>"), on the configured queue, with the state's resource as job
// definition and the engine's variables as environment overrides.
//   - Submit() returns at once with the attempt's name as a handle; worker threads call SubmitJob
//     (kept under the client's rate) and report the Batch job id as the task's lasting id.
//   - An attempt inherited from an earlier process (TaskSpec::fresh false) without a Batch job id
//     is first looked up by name (ListJobs with a JOB_NAME filter) and adopted if found: never
//     submitted twice.
//   - One poller describes all active jobs every poll interval, 100 ids per call; API reads never
//     reach AWS.
//   - Terminate: CancelJob before the job starts, TerminateJob once it is STARTING or RUNNING.
//   - A job RUNNABLE for longer than the warning time says why in its status reason.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "aws/batch_client.h"
#include "executor/change_notifier.h"
#include "executor/executor.h"

namespace wfm {

struct BatchExecutorOptions {
  std::string queue;
  int64_t poll_interval_ms = 10000;
  int64_t runnable_warning_ms = 10 * 60 * 1000;
  int submit_workers = 4;
  int64_t resubmit_delay_ms = 1000;  // after AWS stayed unavailable through the client's retries
};

class BatchExecutor : public Executor {
 public:
  BatchExecutor(BatchClient& client, Clock& clock, BatchExecutorOptions options);
  ~BatchExecutor() override;

  Result<std::string> Submit(const TaskSpec& spec) override;
  std::vector<TaskObservation> Describe(const std::vector<std::string>& ids) override;
  std::vector<std::string> Terminate(const std::vector<std::string>& ids,
                                     const std::string& reason) override;
  void SetChangeListener(std::function<void(const std::vector<std::string>&)> listener) override;

  // DescribeJobs sweeps of the active tasks made so far. Thread-safe.
  int64_t PollSweeps() const { return sweeps_.load(); }

  // Maps a Batch job status to a task status, as the original system did.
  static TaskStatus MapStatus(const std::string& batch_status);

 private:
  struct Attempt {
    TaskSpec spec;
    std::string batch_id;  // empty until submitted or adopted
    bool submitting = false;
    bool terminate_requested = false;
    std::string terminate_reason;
    std::string batch_status;
    TimestampMs runnable_since = 0;
    TaskObservation seen;
  };

  void SubmitLoop();
  void PollLoop();
  // Submits or adopts one attempt. Returns false when AWS was unavailable (try again later).
  bool SubmitOne(const std::string& name);
  // Records a Batch job's state in its attempt; true when the observation changed.
  bool Record(Attempt& attempt, const BatchJob& job);
  void StopInBatch(const std::string& name);
  Attempt* Find(const std::string& id);  // by handle or Batch job id; mu_ held

  BatchClient& client_;
  Clock& clock_;
  BatchExecutorOptions options_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::map<std::string, Attempt> attempts_;         // by name (the handle)
  std::map<std::string, std::string> by_batch_id_;  // Batch job id -> name
  std::deque<std::string> to_submit_;
  std::deque<std::string> to_stop_;
  ChangeNotifier notifier_;
  std::vector<std::thread> workers_;
  std::thread poller_;
  std::atomic<int64_t> sweeps_{0};
};

}  // namespace wfm
