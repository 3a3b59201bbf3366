#include "executor/batch/batch_executor.h"

#include <spdlog/spdlog.h>

#include <cctype>

#include "aws/batch_client.h"
#include "executor/batch/submit_job_fields.h"

namespace wfm {
namespace {

using SteadyClock = std::chrono::steady_clock;

// "name:revision" of the job definition a DescribeJobs entry names ("jobDefinition": its ARN,
// arn:aws:batch:REGION:ACCOUNT:job-definition/NAME:REVISION), or "" when it names none.
std::string DefinitionNamedIn(const nlohmann::json& description) {
  if (!description.is_object()) return "";
  auto field = description.find("jobDefinition");
  if (field == description.end() || !field->is_string()) return "";
  std::string arn = field->get<std::string>();
  size_t slash = arn.rfind('/');
  return slash == std::string::npos ? arn : arn.substr(slash + 1);
}

constexpr auto kCheckedResourceTtl = std::chrono::minutes(1);
constexpr size_t kMaxCheckedResources = 1000;
// A job description larger than this loses its bulky members (see BoundedDescription).
constexpr size_t kMaxDescriptionBytes = 64 * 1024;

bool IsBeforeStart(const std::string& status) {
  return status == "SUBMITTED" || status == "PENDING" || status == "RUNNABLE";
}

// A Batch job id: a lower-case UUID, with ":<index>" for a child of an array job. Attempt names
// ("<job uuid>-<state index>-<attempt>") never look like one.
bool IsBatchJobId(const std::string& id) {
  if (id.size() < 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    bool hyphen = i == 8 || i == 13 || i == 18 || i == 23;
    if (hyphen ? id[i] != '-' : !std::isxdigit(static_cast<unsigned char>(id[i]))) return false;
  }
  if (id.size() == 36) return true;
  return id[36] == ':' && id.size() > 37 &&
         id.find_first_not_of("0123456789", 37) == std::string::npos;
}

// Batch's job object as JSON text, at most kMaxDescriptionBytes: a larger one (long environment,
// many attempts or parameters) keeps only the members that say what became of the job.
std::string BoundedDescription(const nlohmann::json& job) {
  std::string text = job.dump();
  if (text.size() <= kMaxDescriptionBytes || !job.is_object()) return text;
  nlohmann::json kept = nlohmann::json::object();
  for (const char* member : {"jobArn", "jobId", "jobName", "jobQueue", "jobDefinition", "status",
                             "statusReason", "createdAt", "startedAt", "stoppedAt"}) {
    if (job.contains(member)) kept[member] = job[member];
  }
  if (job.contains("container") && job["container"].is_object()) {
    kept["container"] = nlohmann::json::object();
    for (const char* member : {"exitCode", "reason", "logStreamName", "taskArn"}) {
      if (job["container"].contains(member)) kept["container"][member] = job["container"][member];
    }
  }
  text = kept.dump();
  if (text.size() <= kMaxDescriptionBytes) return text;
  return nlohmann::json{{"jobId", job.value("jobId", "")}, {"status", job.value("status", "")}}
      .dump();
}

// The queue of a task: submit_job's jobQueue, or the configured one.
const std::string& QueueOf(const TaskSpec& spec, const std::string& configured) {
  if (spec.submit_job.is_object()) {
    auto queue = spec.submit_job.find("jobQueue");
    if (queue != spec.submit_job.end() && queue->is_string()) {
      return queue->get_ref<const std::string&>();
    }
  }
  return configured;
}

// AWS Batch as the scheduler of a QueueExecutor: jobs on a queue, looked up with ListJobs'
// JOB_NAME filter, described 100 per DescribeJobs call, stopped with CancelJob before they start
// and TerminateJob after.
class BatchScheduler : public JobScheduler {
 public:
  BatchScheduler(BatchClient& client, std::string queue)
      : client_(client), queue_(std::move(queue)) {}

  std::string Name() const override { return "AWS Batch"; }
  bool IsJobId(const std::string& id) const override { return IsBatchJobId(id); }
  std::string Where(const TaskSpec& spec) const override {
    return "in queue " + QueueOf(spec, queue_);
  }

  // Errors: kInvalidArgument when spec.submit_job is malformed (submit_job_fields.h), when the
  // request would not fit in SubmitJob's 30 KiB or the environment in ECS's container overrides.
  Status Validate(const TaskSpec& spec) const override {
    auto fields = CheckSubmitJobFields(spec.submit_job);
    if (!fields.ok()) return fields.error();
    nlohmann::json body = SubmitJobBody(SubmissionOf(spec));
    size_t overrides = body["containerOverrides"].dump().size() + kEcsOverridesReservedForBatch;
    if (body.dump().size() >= kBatchMaxSubmitBytes) {
      return Error{ErrorCode::kInvalidArgument,
                   "the SubmitJob request would have " + std::to_string(body.dump().size()) +
                       " bytes; AWS Batch takes less than " + std::to_string(kBatchMaxSubmitBytes)};
    }
    if (overrides > kEcsMaxOverridesChars) {
      return Error{ErrorCode::kInvalidArgument,
                   "the task's environment needs " + std::to_string(overrides) +
                       " characters of container overrides; AWS Batch on ECS allows " +
                       std::to_string(kEcsMaxOverridesChars) + " (job data of up to " +
                       std::to_string(BatchExecutor::kMaxDataBytes) + " bytes always fits)"};
    }
    return OkStatus();
  }

  Result<std::string> Submit(const TaskSpec& spec) override {
    return client_.SubmitJob(SubmissionOf(spec));
  }

  Result<std::optional<ScheduledJob>> FindByName(const TaskSpec& spec) override {
    auto found = client_.ListJobsByName(QueueOf(spec, queue_), spec.name);
    if (!found.ok()) return found.error();
    if (found->empty()) return std::optional<ScheduledJob>{};
    return std::optional<ScheduledJob>{Scheduled(found->front())};
  }

  Result<std::vector<ScheduledJob>> Describe(const std::vector<std::string>& ids) override {
    auto jobs = client_.DescribeJobs(ids);
    if (!jobs.ok()) return jobs.error();
    std::vector<ScheduledJob> out;
    out.reserve(jobs->size());
    for (const auto& job : jobs.value()) out.push_back(Scheduled(job));
    return out;
  }

  // CancelJob stops only jobs that have not started; TerminateJob stops any (used as well when
  // the job's state is not known yet).
  Status Stop(const std::string& id, const std::string& state,
              const std::string& reason) override {
    return IsBeforeStart(state) ? client_.CancelJob(id, reason) : client_.TerminateJob(id, reason);
  }

  Status Health() const override { return client_.Health(); }

 private:
  BatchSubmission SubmissionOf(const TaskSpec& spec) const {
    BatchSubmission submission{spec.name, QueueOf(spec, queue_), spec.resource, spec.environment,
                               {},        spec.submit_job};
    for (const auto& [key, value] : spec.environment) {
      if (key == "WORKFLOW_MANAGER_JOB_ID") submission.tags["workflow-manager:job-id"] = value;
      if (key == "WORKFLOW_MANAGER_STATE") submission.tags["workflow-manager:state"] = value;
    }
    return submission;
  }

  // What a DescribeJobs (or ListJobs) entry says, as a task observation.
  static ScheduledJob Scheduled(const BatchJob& job) {
    ScheduledJob out;
    out.id = job.id;
    out.state = job.status;
    out.before_start = IsBeforeStart(job.status);
    out.waiting_for_resources = job.status == "RUNNABLE";
    TaskObservation& seen = out.seen;
    seen.status = BatchExecutor::MapStatus(job.status);
    seen.status_reason = job.status_reason;
    if (!job.container_reason.empty() && job.status == "FAILED") {
      seen.status_reason += (seen.status_reason.empty() ? "" : ": ") + job.container_reason;
    }
    seen.exit_code = job.exit_code;
    if (seen.status == TaskStatus::kFailed && job.exit_code && seen.status_reason.empty()) {
      seen.status_reason = "exit code " + std::to_string(*job.exit_code);
    }
    seen.container = !job.task_arn.empty() ? job.task_arn : job.log_stream;
    seen.job_definition = DefinitionNamedIn(job.description);
    seen.started_at = job.started_at;
    seen.stopped_at = job.stopped_at;
    if (seen.status == TaskStatus::kRunning || IsTerminal(seen.status)) {
      seen.description_json = BoundedDescription(job.description);
    }
    return out;
  }

  BatchClient& client_;
  const std::string queue_;
};

QueueExecutorOptions QueueOptionsOf(const BatchExecutorOptions& options) {
  QueueExecutorOptions queue;
  queue.poll_interval_ms = options.poll_interval_ms;
  queue.waiting_warning_ms = options.runnable_warning_ms;
  queue.submit_workers = options.submit_workers;
  queue.resubmit_delay_ms = options.resubmit_delay_ms;
  queue.forget_terminal_after_ms = options.forget_terminal_after_ms;
  return queue;
}

}  // namespace

TaskStatus BatchExecutor::MapStatus(const std::string& status) {
  if (status == "RUNNING") return TaskStatus::kRunning;
  if (status == "SUCCEEDED") return TaskStatus::kSucceeded;
  if (status == "FAILED") return TaskStatus::kFailed;
  return TaskStatus::kQueued;  // SUBMITTED, PENDING, RUNNABLE, STARTING
}

BatchExecutor::BatchExecutor(BatchClient& client, Clock& clock, BatchExecutorOptions options)
    : QueueExecutor(std::make_unique<BatchScheduler>(client, options.queue), clock,
                    QueueOptionsOf(options)),
      client_(client),
      check_resource_timeout_ms_(options.check_resource_timeout_ms) {}

Status BatchExecutor::CheckResource(const std::string& resource) {
  auto now = SteadyClock::now();
  {
    std::lock_guard lock(checked_mu_);
    auto it = checked_.find(resource);
    if (it != checked_.end() && now < it->second) return OkStatus();
  }
  size_t colon = resource.rfind(':');
  bool has_revision = colon != std::string::npos && colon + 1 < resource.size() &&
                      resource.find_first_not_of("0123456789", colon + 1) == std::string::npos;
  Deadline deadline = now + std::chrono::milliseconds(check_resource_timeout_ms_);
  auto found = has_revision
                   ? client_.DescribeJobDefinitions({resource}, deadline)
                   : client_.DescribeJobDefinitionsByName(resource, "ACTIVE", true, deadline);
  if (!found.ok() && found.error().code == ErrorCode::kInvalidArgument) {
    return Error{
        ErrorCode::kInvalidArgument,
        "resource '" + resource + "': AWS Batch refused to describe it: " + found.error().message};
  }
  if (!found.ok()) {
    spdlog::warn("AWS Batch: job definition '{}' could not be checked now, accepted as is: {}",
                 resource, found.error().message);
    return OkStatus();
  }
  if (found->empty()) {
    return Error{ErrorCode::kInvalidArgument,
                 has_revision ? "resource '" + resource + "': AWS Batch has no such job definition"
                              : "resource '" + resource +
                                    "': AWS Batch has no ACTIVE job definition of that name"};
  }
  if (found->front().status != "ACTIVE") {
    return Error{ErrorCode::kInvalidArgument, "resource '" + resource +
                                                  "': the job definition is " +
                                                  found->front().status + " in AWS Batch"};
  }
  std::lock_guard lock(checked_mu_);
  if (checked_.size() >= kMaxCheckedResources) checked_.clear();
  checked_[resource] = now + kCheckedResourceTtl;
  return OkStatus();
}

}  // namespace wfm
