// A fake AWS Batch for the tests, served over HTTP on loopback: the REST API's SubmitJob,
// DescribeJobs, TerminateJob, CancelJob, ListJobs and DescribeJobDefinitions, with
//   - the job lifecycle SUBMITTED -> PENDING -> RUNNABLE -> STARTING -> RUNNING -> SUCCEEDED |
//     FAILED, timed by a clock, with dependsOn;
//   - outcomes scripted per job definition (exit code, running time, stuck in RUNNABLE with a
//     reason);
//   - SubmitJob's request checked as Batch checks it (submit_job_validation.h: the service model's
//     shapes and the documented rules), its fields echoed by DescribeJobs (parameters, container
//     command, environment and resourceRequirements, retryStrategy, timeout, tags,
//     arrayProperties; retries, timeouts and array children are not simulated);
//   - the real rules: CancelJob only before STARTING, TerminateJob at any time; job names
//     [A-Za-z0-9_-], 1-128, starting with a letter or digit; at most 100 ids per DescribeJobs and
//     20 dependencies; ListJobs filters and nextToken pages; a SubmitJob request of at most 30 KiB
//     ("Job size must be less than 30 KiB"); container overrides of at most 8192 characters once
//     Batch has added its own variables (ECS RunTask's limit: over it the job goes FAILED when it
//     would start, "Container Overrides length must be at most 8192");
//   - job definitions registered by the tests, for DescribeJobDefinitions (by name and status, or
//     a list of "name:revision" or ARNs; maxResults 1-100, nextToken pages) and SubmitJob;
//   - SigV4 verification (403 on a bad signature);
//   - faults: 429 TooManyRequestsException, 500 ServerException, dropped connections, latency.
#pragma once

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "api/http_message.h"
#include "core/clock.h"

namespace wfm {

struct FakeBatchOutcome {
  int exit_code = 0;
  int64_t running_ms = 0;             // time spent RUNNING
  std::string stuck_runnable_reason;  // non-empty: never leaves RUNNABLE, with this statusReason
};

struct FakeBatchFaults {
  double throttle_rate = 0;  // share of requests answered 429 TooManyRequestsException
  double error_rate = 0;     // share answered 500 ServerException
  double drop_rate = 0;      // share whose connection is closed without an answer
  int latency_ms = 0;        // added to every answer
};

class FakeBatch {
 public:
  FakeBatch(Clock& clock, std::string access_key_id, std::string secret_access_key,
            std::string region);

  // Answers one HTTP request (to be served by HttpServer). Thread-safe.
  HttpResponse Handle(const HttpRequest& request);

  // Scripting, thread-safe. Once an outcome is set, only job definitions with one exist
  // ("name" covers every revision, "name:rev" one); before, every definition exists.
  void SetOutcome(const std::string& job_definition, FakeBatchOutcome outcome);
  void SetFaults(FakeBatchFaults faults);
  // Delays SubmitJob's answer (the job exists already): a client can die before it hears back.
  void SetSubmitDelay(int ms);
  // Milliseconds each job spends in SUBMITTED, RUNNABLE and STARTING (default 0 each).
  void SetStateDurations(int64_t submitted_ms, int64_t runnable_ms, int64_t starting_ms);
  // Registers revision `revision` of job definition `name` with `status` (ACTIVE or INACTIVE).
  // Once any is registered, SubmitJob takes only registered ACTIVE definitions ("name" meaning
  // its latest ACTIVE revision); outcomes still apply.
  void RegisterJobDefinition(const std::string& name, int revision,
                             const std::string& status = "ACTIVE");

  // Inspection, thread-safe.
  int SubmitCount(const std::string& job_name) const;  // successful SubmitJob calls per name
  int DuplicateSubmissions() const;                    // names submitted more than once
  int Calls(const std::string& operation) const;       // answered calls (any status) per operation
  size_t MaxDescribeIds() const;                       // most ids seen in one DescribeJobs
  int DescribeCount(const std::string& job_id) const;  // DescribeJobs calls that asked for it
  std::vector<std::string> Terminated() const;         // job ids TerminateJob was called on
  std::vector<std::string> Cancelled() const;          // job ids CancelJob was called on
  nlohmann::json Job(const std::string& job_id);  // the job's current detail (DescribeJobs shape)
  nlohmann::json Request(const std::string& job_id) const;  // its SubmitJob request, as received
  // All of the above as JSON: submitCounts, duplicates, calls, maxDescribeIds, terminated,
  // cancelled.
  nlohmann::json Stats() const;
  // Applies settings given as JSON: {"outcomes": {definition: {"exitCode", "runningMs",
  // "stuckRunnableReason"}}, "faults": {"throttleRate", "errorRate", "dropRate", "latencyMs"},
  // "submitDelayMs", "stateDurationsMs": [submitted, runnable, starting], "jobDefinitions":
  // [{"name", "revision", "status"}]}; absent keys stay.
  void Configure(const nlohmann::json& config);

 private:
  struct FakeJob {
    std::string id, name, queue, definition;
    std::vector<std::string> depends_on;
    nlohmann::json environment = nlohmann::json::array();
    nlohmann::json tags = nlohmann::json::object();
    nlohmann::json request;  // the SubmitJob request, echoed by DescribeJobs
    TimestampMs created_at = 0;
    FakeBatchOutcome outcome;
    std::string forced_status;  // set by Terminate/Cancel: FAILED
    std::string forced_reason;
    TimestampMs forced_at = 0;
    bool overrides_too_long = false;  // fails when it would start, as ECS refuses the task
  };

  HttpResponse Route(const std::string& operation, const nlohmann::json& body);
  HttpResponse SubmitJob(const nlohmann::json& body);
  HttpResponse DescribeJobDefinitions(const nlohmann::json& body);
  // Whether SubmitJob takes `definition` ("name" or "name:revision"); `why` says why not.
  bool DefinitionUsable(const std::string& definition, std::string* why) const;
  nlohmann::json DefinitionJson(const std::string& name, int revision,
                                const std::string& status) const;
  HttpResponse DescribeJobs(const nlohmann::json& body);
  HttpResponse StopJob(const nlohmann::json& body, bool terminate);
  HttpResponse ListJobs(const nlohmann::json& body);
  // Status, reason and timestamps of a job now (evaluated lazily from the clock).
  nlohmann::json Detail(const FakeJob& job);
  // The job's container as DescribeJobs shows it: the definition's image, command (or the
  // override's, with Ref:: parameters substituted), environment and resource requirements.
  nlohmann::json ContainerDetail(const FakeJob& job) const;
  // Adds what the request set (parameters, retryStrategy, timeout, propagateTags,
  // schedulingPriority, arrayProperties) to a DescribeJobs detail.
  void EchoRequest(const FakeJob& job, nlohmann::json& detail) const;
  std::string StatusOf(const FakeJob& job, TimestampMs* started, TimestampMs* stopped);
  bool VerifySignature(const HttpRequest& request, std::string* why) const;

  Clock& clock_;
  std::string access_key_id_, secret_access_key_, region_;
  mutable std::mutex mu_;
  std::map<std::string, FakeJob> jobs_;  // by id
  std::vector<std::string> order_;       // ids in submission order
  std::map<std::string, FakeBatchOutcome> outcomes_;
  FakeBatchFaults faults_;
  int submit_delay_ms_ = 0;
  int64_t submitted_ms_ = 0, runnable_ms_ = 0, starting_ms_ = 0;
  std::map<std::string, int> submit_counts_;
  std::map<std::string, int> calls_;
  size_t max_describe_ids_ = 0;
  std::map<std::string, int> describe_counts_;                      // by job id
  std::map<std::pair<std::string, int>, std::string> definitions_;  // (name, revision) -> status
  std::vector<std::string> terminated_, cancelled_;
  std::mt19937 random_{12345};
  int next_id_ = 1;
};

}  // namespace wfm
