// The AWS Batch executor. A task attempt becomes a Batch job named after the attempt
// ("<job id>-<state index>-<attempt>"), on the configured queue, with the state's resource as job
// definition and the engine's variables as environment overrides.
//   - Submit() returns at once with the attempt's name as a handle; worker threads call SubmitJob
//     (kept under the client's rate) and report the Batch job id as the task's lasting id.
//   - An attempt inherited from an earlier process (TaskSpec::fresh false) without a Batch job id
//     is first looked up by name (ListJobs with a JOB_NAME filter) and adopted if found: never
//     submitted twice.
//   - One poller describes the active jobs (those not yet seen terminal) every poll interval, 100
//     ids per call; API reads never reach AWS. An attempt is forgotten once Describe has reported
//     it terminal (or, unasked, after `forget_terminal_after_ms`), so memory and polls follow the
//     active tasks only.
//   - Terminate never calls AWS itself and takes charge of every id it is given, known or not: a
//     Batch job id is stopped directly, an attempt name is first looked up by name. Workers send
//     CancelJob before the job starts and TerminateJob once it is STARTING or RUNNING (or when its
//     state is unknown), retrying on their own while AWS is unavailable, until Batch reports the
//     job terminal; Describe then reports it terminal with Batch's stoppedAt. A name never
//     submitted is reported terminal at once.
//   - Describe of an id this process does not know (a task of an earlier process, or one already
//     forgotten) adopts it the same way, lookup only (never submitted): kQueued with a reason until
//     Batch has been asked, then what Batch says; kFailed when Batch does not know it.
//   - A job RUNNABLE for longer than the warning time says why in its status reason; a task
//     waiting because AWS can't be reached or the configuration is wrong (no credentials, say)
//     carries that reason too, and Health() reports it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
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
  // A terminal attempt nobody asked about is forgotten after this long.
  int64_t forget_terminal_after_ms = 10 * 60 * 1000;
  int64_t check_resource_timeout_ms = 3000;  // CheckResource's bound on DescribeJobDefinitions
};

class BatchExecutor : public Executor {
 public:
  // The characters of container overrides left for our own variables other than the job data
  // (dependencies, job id, workflow and state names): MaxDataBytes() is what remains after them
  // and Batch's own share, halved for the worst case of JSON escaping (every '"' or '\' doubled).
  static constexpr size_t kOverridesReservedForOtherVariables = 1024;

  BatchExecutor(BatchClient& client, Clock& clock, BatchExecutorOptions options);
  ~BatchExecutor() override;

  // Step Functions tasks: spec.submit_job's fields go into the SubmitJob request (jobName and
  // jobDefinition stay the attempt's name and spec.resource; jobQueue, when given, replaces the
  // configured queue, for the submission and for finding it by name after a restart).
  // Errors: kInvalidArgument when the task's environment cannot fit in ECS's container overrides
  // or the request in SubmitJob's 30 KiB, when spec.submit_job is malformed
  // (submit_job_fields.h), and for a local function (spec.function_input), which runs only with
  // the local executor. A request Batch refuses later fails the task with Batch's message.
  Result<std::string> Submit(const TaskSpec& spec) override;
  // Observations of RUNNING and terminal Step Functions tasks (and of adopted ones) carry Batch's
  // DescribeJobs object as description_json, cut to its essential members beyond 64 KiB.
  std::vector<TaskObservation> Describe(const std::vector<std::string>& ids) override;
  // Returns every id (see above): never calls AWS, never blocks on it.
  std::vector<std::string> Terminate(const std::vector<std::string>& ids,
                                     const std::string& reason) override;
  // 3 KiB: job data this large reaches the task whatever it contains (the limit is ECS's 8192
  // characters of container overrides, not SubmitJob's 30 KiB; see batch_client.h).
  size_t MaxDataBytes() const override;
  void SetChangeListener(std::function<void(const std::vector<std::string>&)> listener) override;
  // The client's: a configuration problem (no credentials, credentials refused, endpoint not
  // answering) until a call reaches Batch again.
  Status Health() const override;
  // Asks DescribeJobDefinitions (name: an ACTIVE revision; name:revision: that one, ACTIVE),
  // within check_resource_timeout_ms. kInvalidArgument naming the resource when Batch says it
  // does not exist or is INACTIVE; ok with a warning in the log when Batch can't be asked now.
  // Positive answers are remembered for a minute. Thread-safe.
  Status CheckResource(const std::string& resource) override;
  Result<nlohmann::json> ListJobDefinitions() const override {
    return Error{ErrorCode::kUnimplemented,
                 "on AWS Batch, list the job definitions with `aws batch describe-job-definitions "
                 "--status ACTIVE`"};
  }

  // DescribeJobs sweeps of the active tasks made so far. Thread-safe.
  int64_t PollSweeps() const { return sweeps_.load(); }
  // Attempts held in memory (for tests: 0 once every task was reported terminal). Thread-safe.
  size_t AttemptCount() const;

  // Maps a Batch job status to a task status: SUBMITTED, PENDING, RUNNABLE and STARTING are
  // kQueued, RUNNING kRunning, SUCCEEDED kSucceeded, FAILED kFailed (anything else kQueued).
  static TaskStatus MapStatus(const std::string& batch_status);

 private:
  struct Attempt {
    TaskSpec spec;
    std::string batch_id;      // empty until submitted or adopted
    bool submitting = false;   // queued for (or in) SubmitOne: submission or lookup by name
    bool lookup_only = false;  // adopted by Terminate or Describe: found by name, never submitted
    bool stopping = false;     // queued for (or in) StopInBatch
    bool terminate_requested = false;
    std::string terminate_reason;
    std::string batch_status;
    int missing_sweeps = 0;  // consecutive DescribeJobs answers that left it out
    TimestampMs runnable_since = 0;
    std::chrono::steady_clock::time_point terminal_since{};
    TaskObservation seen;
  };

  // The queue of an attempt: submit_job's jobQueue, or the configured one.
  const std::string& QueueOf(const TaskSpec& spec) const;
  BatchSubmission SubmissionOf(const TaskSpec& spec) const;
  void SubmitLoop();
  void PollLoop();
  // Submits or adopts one attempt. Returns false when AWS was unavailable (try again later).
  bool SubmitOne(const std::string& name);
  // Sends CancelJob/TerminateJob. Returns false when AWS was unavailable (try again later).
  bool StopInBatch(const std::string& name);
  // Records a Batch job's state in its attempt; true when the observation changed.
  bool Record(Attempt& attempt, const BatchJob& job);
  // The rest, with mu_ held:
  Attempt* Find(const std::string& id);  // by handle or Batch job id
  // Creates a lookup-only attempt for an id this process does not know.
  Attempt& Adopt(const std::string& id);
  void MarkTerminal(Attempt& attempt);  // after seen.status became terminal
  void ScheduleStop(Attempt& attempt);
  void Forget(const std::string& name);
  void ForgetStaleTerminal();

  BatchClient& client_;
  Clock& clock_;
  BatchExecutorOptions options_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::map<std::string, Attempt> attempts_;         // by name (the handle)
  std::map<std::string, std::string> by_batch_id_;  // Batch job id -> name
  std::set<std::string> polled_;                    // Batch job ids not yet seen terminal
  std::deque<std::pair<std::chrono::steady_clock::time_point, std::string>> terminal_order_;
  std::deque<std::string> to_submit_;
  std::deque<std::string> to_stop_;
  ChangeNotifier notifier_;
  std::vector<std::thread> workers_;
  std::thread poller_;
  std::atomic<int64_t> sweeps_{0};
  std::mutex checked_mu_;
  std::map<std::string, std::chrono::steady_clock::time_point> checked_;  // resource -> until
};

}  // namespace wfm
