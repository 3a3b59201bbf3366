// The AWS Batch API calls workflow-manager makes (rest-json, SigV4-signed): SubmitJob,
// DescribeJobs, TerminateJob, CancelJob, ListJobs, DescribeJobDefinitions. Throttling (HTTP 429,
// TooManyRequestsException, ThrottlingException), 5xx and network errors are retried with
// exponential backoff and full jitter, a bounded number of times (or until a deadline); a
// ClientException (4xx) is returned at once with AWS's message. A configuration problem (no
// credentials, credentials refused, an endpoint that does not answer or is not Batch) is returned
// at once as kUnavailable and kept for Health() until a call succeeds. SubmitJob is kept under a
// client-side rate.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "aws/credentials.h"
#include "aws/http_client.h"
#include "aws/rate_limiter.h"
#include "core/clock.h"
#include "core/metrics.h"
#include "core/result.h"

namespace wfm {

struct BatchClientOptions {
  std::string region = "us-east-1";
  std::string endpoint;       // default https://batch.<region>.amazonaws.com
  int max_attempts = 8;       // per call, the first included
  int base_backoff_ms = 100;  // doubled each retry, with full jitter
  int max_backoff_ms = 5000;
  double submit_rate_per_second = 40;  // Batch allows 50/s per account
  // When set, each request sent is counted in it (wfm_aws_batch_requests_total, declared by
  // core/service_metrics.h) by operation and outcome. Not owned.
  Metrics* metrics = nullptr;
};

struct BatchSubmission {
  std::string job_name;
  std::string job_queue;
  std::string job_definition;
  std::vector<std::pair<std::string, std::string>> environment;
  std::map<std::string, std::string> tags;
  // Further members of the SubmitJob request as the caller gives them (camelCase: parameters,
  // containerOverrides, retryStrategy, timeout, tags, arrayProperties, ...), or null. The fields
  // above win: jobName, jobQueue and jobDefinition replace the ones here, `environment` is added
  // to containerOverrides.environment and `tags` to tags (replacing same-named entries).
  nlohmann::json fields = nullptr;
};

// The SubmitJob request body for `submission` (see BatchSubmission). propagateTags is true
// unless `fields` say otherwise; tags are left out when there are none (Batch refuses an empty
// map).
nlohmann::json SubmitJobBody(const BatchSubmission& submission);

struct BatchJobDefinition {
  std::string name;
  int revision = 0;
  std::string status;  // ACTIVE or INACTIVE
  std::string arn;
};

// Limits of AWS Batch on ECS that decide how much job data a task can be given.
//   - SubmitJob's whole request: "Job size must be less than 30 KiB" (a ClientException).
//   - ECS RunTask, which Batch calls when the job starts: "A total of 8192 characters are allowed
//     for overrides", the JSON of the container overrides (our environment plus the AWS_BATCH_*
//     variables Batch adds); over it the job goes FAILED with "Container Overrides length must be
//     at most 8192".
constexpr size_t kBatchMaxSubmitBytes = 30 * 1024;
constexpr size_t kEcsMaxOverridesChars = 8192;
// What Batch adds to the overrides (its AWS_BATCH_* variables, names of up to 128 characters for
// the queue and compute environment, the JSON around them), kept free of our own variables.
constexpr size_t kEcsOverridesReservedForBatch = 1024;

// The JSON length of `environment` as container overrides
// ({"environment":[{"name":..,"value":..}]}).
size_t OverridesJsonLength(const std::vector<std::pair<std::string, std::string>>& environment);

// A point in time after which a call stops retrying (and no single attempt waits beyond it).
using Deadline = std::optional<std::chrono::steady_clock::time_point>;

struct BatchJob {
  std::string id;
  std::string name;
  std::string status;  // SUBMITTED, PENDING, RUNNABLE, STARTING, RUNNING, SUCCEEDED, FAILED
  std::string status_reason;
  std::optional<int> exit_code;
  std::string container_reason;
  std::string log_stream;
  std::string task_arn;
  TimestampMs created_at = 0, started_at = 0, stopped_at = 0;
  nlohmann::json description;  // the whole object as Batch sent it
};

class BatchClient {
 public:
  static constexpr size_t kMaxDescribeIds = 100;

  BatchClient(HttpClient& http, CredentialsProvider& credentials, Clock& clock,
              BatchClientOptions options);

  // Every call: errors kInvalidArgument (ClientException: AWS's message); kUnavailable (retries
  // exhausted, deadline passed, a configuration problem, or a malformed 2xx answer: a field of the
  // wrong type, a number out of range, a job without an id). Never throws. Thread-safe.

  // Returns the Batch job id.
  Result<std::string> SubmitJob(const BatchSubmission& submission);
  // Describes any number of jobs, asking at most 100 at a time. Unknown ids are left out.
  Result<std::vector<BatchJob>> DescribeJobs(const std::vector<std::string>& ids);
  Status TerminateJob(const std::string& job_id, const std::string& reason);
  Status CancelJob(const std::string& job_id, const std::string& reason);
  // Every job of `queue` named exactly `job_name`, whatever its status (all pages).
  Result<std::vector<BatchJob>> ListJobsByName(const std::string& queue,
                                               const std::string& job_name);
  // The job definitions named `name` with `status` ("ACTIVE", or empty for any), all pages, or
  // the first one only when `first_only` (enough to know one exists).
  Result<std::vector<BatchJobDefinition>> DescribeJobDefinitionsByName(const std::string& name,
                                                                       const std::string& status,
                                                                       bool first_only,
                                                                       Deadline deadline = {});
  // The job definitions given as "name:revision" (or ARNs), at most 100; unknown ones are left
  // out.
  Result<std::vector<BatchJobDefinition>> DescribeJobDefinitions(
      const std::vector<std::string>& definitions, Deadline deadline = {});

  // Ok, or the configuration problem the last calls ran into (message starting "AWS Batch: "),
  // until a call gets an answer from Batch again (DescribeJobDefinitions, which only checks
  // workflows, does not count). Never calls out. Thread-safe.
  Status Health() const;

  // API calls made (attempts, retries included) per operation. Thread-safe.
  std::map<std::string, int> CallCounts() const;

 private:
  // Signs and sends one operation, retrying what may succeed later (until `deadline` if set).
  Result<nlohmann::json> Call(const std::string& operation, const std::string& path,
                              const nlohmann::json& body, Deadline deadline = {});
  // Records `message` for Health() (unless `operation` does not count for it).
  Error ConfigurationProblem(const std::string& operation, std::string message);
  // A 2xx answer that is not what Batch sends (a broken endpoint or proxy): kUnavailable, so
  // callers retry, and kept for Health() like a configuration problem.
  Error MalformedAnswer(const std::string& operation, const std::string& why);
  void Backoff(int attempt, Deadline deadline);
  // Counts one request of `operation` in options_.metrics, if any.
  void CountRequest(const std::string& operation, const char* outcome);

  HttpClient& http_;
  CredentialsProvider& credentials_;
  Clock& clock_;
  BatchClientOptions options_;
  std::string host_;
  mutable std::mutex mu_;
  std::map<std::string, int> calls_;
  std::string configuration_problem_;  // empty when the last call reached Batch
  std::mt19937 random_{std::random_device{}()};
  RateLimiter submit_limiter_;
};

// Reads a DescribeJobs JobDetail (or a ListJobs JobSummary). Errors: kInternal (not an object,
// no jobId, a field of the wrong type, a time or exit code out of range).
Result<BatchJob> BatchJobFromJson(const nlohmann::json& json);

}  // namespace wfm
