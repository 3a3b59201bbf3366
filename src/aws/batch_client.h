// The AWS Batch API calls workflow-manager makes (rest-json, SigV4-signed): SubmitJob,
// DescribeJobs, TerminateJob, CancelJob, ListJobs. Throttling (HTTP 429, TooManyRequestsException,
// ThrottlingException), 5xx and network errors are retried with exponential backoff and full
// jitter, a bounded number of times; a ClientException (4xx) is returned at once with AWS's
// message. SubmitJob is kept under a client-side rate.
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
#include "core/result.h"

namespace wfm {

struct BatchClientOptions {
  std::string region = "us-east-1";
  std::string endpoint;       // default https://batch.<region>.amazonaws.com
  int max_attempts = 8;       // per call, the first included
  int base_backoff_ms = 100;  // doubled each retry, with full jitter
  int max_backoff_ms = 5000;
  double submit_rate_per_second = 40;  // Batch allows 50/s per account
};

struct BatchSubmission {
  std::string job_name;
  std::string job_queue;
  std::string job_definition;
  std::vector<std::pair<std::string, std::string>> environment;
  std::map<std::string, std::string> tags;
};

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
};

class BatchClient {
 public:
  static constexpr size_t kMaxDescribeIds = 100;

  BatchClient(HttpClient& http, CredentialsProvider& credentials, Clock& clock,
              BatchClientOptions options);

  // Returns the Batch job id. Errors: kInvalidArgument (ClientException: AWS's message);
  // kUnavailable (retries exhausted, or no credentials).
  Result<std::string> SubmitJob(const BatchSubmission& submission);
  // Describes any number of jobs, asking at most 100 at a time. Unknown ids are left out.
  Result<std::vector<BatchJob>> DescribeJobs(const std::vector<std::string>& ids);
  Status TerminateJob(const std::string& job_id, const std::string& reason);
  Status CancelJob(const std::string& job_id, const std::string& reason);
  // Every job of `queue` named exactly `job_name`, whatever its status (all pages).
  Result<std::vector<BatchJob>> ListJobsByName(const std::string& queue,
                                               const std::string& job_name);

  // API calls made (attempts, retries included) per operation. Thread-safe.
  std::map<std::string, int> CallCounts() const;

 private:
  // Signs and sends one operation, retrying what may succeed later.
  Result<nlohmann::json> Call(const std::string& operation, const std::string& path,
                              const nlohmann::json& body);
  void Backoff(int attempt);

  HttpClient& http_;
  CredentialsProvider& credentials_;
  Clock& clock_;
  BatchClientOptions options_;
  std::string host_;
  mutable std::mutex mu_;
  std::map<std::string, int> calls_;
  std::mt19937 random_{std::random_device{}()};
  RateLimiter submit_limiter_;
};

// Reads a DescribeJobs JobDetail (or a ListJobs JobSummary).
BatchJob BatchJobFromJson(const nlohmann::json& json);

}  // namespace wfm
