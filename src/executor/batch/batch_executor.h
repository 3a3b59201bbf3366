// The AWS Batch executor: a QueueExecutor (queue_executor.h: submission by name, adoption after a
// crash, one poller, stops that never block) whose scheduler is AWS Batch. A task attempt becomes
// a Batch job named after the attempt, on the configured queue, with the state's resource as job
// definition and the engine's variables as environment overrides.
//   - An inherited attempt is looked up with ListJobs' JOB_NAME filter; the active jobs are
//     described 100 ids per DescribeJobs call; a job is stopped with CancelJob before it starts
//     and TerminateJob once it is STARTING or RUNNING (or when its state is unknown).
//   - A job RUNNABLE for longer than the warning time says why in its status reason; a task
//     waiting because AWS can't be reached or the configuration is wrong (no credentials, say)
//     carries that reason too, and Health() reports it.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "aws/batch_client.h"
#include "executor/queue/queue_executor.h"

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

class BatchExecutor : public QueueExecutor {
 public:
  // The characters of container overrides left for our own variables other than the job data
  // (dependencies, job id, workflow and state names): the data limit is what remains after them
  // and Batch's own share, halved for the worst case of JSON escaping (every '"' or '\' doubled).
  static constexpr size_t kOverridesReservedForOtherVariables = 1024;
  // 3 KiB: job data this large reaches the task whatever it contains (the limit is ECS's 8192
  // characters of container overrides, not SubmitJob's 30 KiB; see batch_client.h).
  static constexpr size_t kMaxDataBytes =
      (kEcsMaxOverridesChars - kEcsOverridesReservedForBatch - kOverridesReservedForOtherVariables) /
      2;

  // Step Functions tasks: spec.submit_job's fields go into the SubmitJob request (jobName and
  // jobDefinition stay the attempt's name and spec.resource; jobQueue, when given, replaces the
  // configured queue, for the submission and for finding it by name after a restart).
  // Submit's errors: kInvalidArgument when the task's environment cannot fit in ECS's container
  // overrides or the request in SubmitJob's 30 KiB, when spec.submit_job is malformed
  // (submit_job_fields.h), and for a local function. A request Batch refuses later fails the task
  // with Batch's message. Observations of RUNNING and terminal Step Functions tasks carry Batch's
  // DescribeJobs object as description_json, cut to its essential members beyond 64 KiB.
  BatchExecutor(BatchClient& client, Clock& clock, BatchExecutorOptions options);

  size_t MaxDataBytes() const override { return kMaxDataBytes; }
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

  // Maps a Batch job status to a task status: SUBMITTED, PENDING, RUNNABLE and STARTING are
  // kQueued, RUNNING kRunning, SUCCEEDED kSucceeded, FAILED kFailed (anything else kQueued).
  static TaskStatus MapStatus(const std::string& batch_status);

 private:
  BatchClient& client_;
  const int64_t check_resource_timeout_ms_;
  std::mutex checked_mu_;
  std::map<std::string, std::chrono::steady_clock::time_point> checked_;  // resource -> until
};

}  // namespace wfm
