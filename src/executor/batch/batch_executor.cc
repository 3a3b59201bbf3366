#include "executor/batch/batch_executor.h"

#include <spdlog/spdlog.h>

#include <cctype>

#include "executor/batch/submit_job_fields.h"

namespace wfm {
namespace {

using SteadyClock = std::chrono::steady_clock;

// "name:revision" of the job definition a DescribeJobs entry names ("jobDefinition": its ARN,
// arn:aws:batch:REGION:ACCOUNT:job-definition/NAME:REVISION), or "" when it names none.
std::string JobDefinitionOf(const nlohmann::json& description) {
  if (!description.is_object()) return "";
  auto field = description.find("jobDefinition");
  if (field == description.end() || !field->is_string()) return "";
  std::string arn = field->get<std::string>();
  size_t slash = arn.rfind('/');
  return slash == std::string::npos ? arn : arn.substr(slash + 1);
}

constexpr int kMissingSweepsBeforeLost = 3;
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

}  // namespace

const std::string& BatchExecutor::QueueOf(const TaskSpec& spec) const {
  if (spec.submit_job.is_object()) {
    auto queue = spec.submit_job.find("jobQueue");
    if (queue != spec.submit_job.end() && queue->is_string()) {
      return queue->get_ref<const std::string&>();
    }
  }
  return options_.queue;
}

BatchSubmission BatchExecutor::SubmissionOf(const TaskSpec& spec) const {
  BatchSubmission submission{spec.name, QueueOf(spec),  spec.resource, spec.environment,
                             {},        spec.submit_job};
  for (const auto& [key, value] : spec.environment) {
    if (key == "WORKFLOW_MANAGER_JOB_ID") submission.tags["workflow-manager:job-id"] = value;
    if (key == "WORKFLOW_MANAGER_STATE") submission.tags["workflow-manager:state"] = value;
  }
  return submission;
}

TaskStatus BatchExecutor::MapStatus(const std::string& status) {
  if (status == "RUNNING") return TaskStatus::kRunning;
  if (status == "SUCCEEDED") return TaskStatus::kSucceeded;
  if (status == "FAILED") return TaskStatus::kFailed;
  return TaskStatus::kQueued;  // SUBMITTED, PENDING, RUNNABLE, STARTING
}

BatchExecutor::BatchExecutor(BatchClient& client, Clock& clock, BatchExecutorOptions options)
    : client_(client), clock_(clock), options_(std::move(options)) {
  for (int i = 0; i < std::max(1, options_.submit_workers); ++i) {
    workers_.emplace_back([this] { SubmitLoop(); });
  }
  poller_ = std::thread([this] { PollLoop(); });
}

BatchExecutor::~BatchExecutor() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& worker : workers_) worker.join();
  poller_.join();
}

size_t BatchExecutor::MaxDataBytes() const {
  return (kEcsMaxOverridesChars - kEcsOverridesReservedForBatch -
          kOverridesReservedForOtherVariables) /
         2;
}

Status BatchExecutor::Health() const { return client_.Health(); }

size_t BatchExecutor::AttemptCount() const {
  std::lock_guard lock(mu_);
  return attempts_.size();
}

BatchExecutor::Attempt* BatchExecutor::Find(const std::string& id) {
  auto it = attempts_.find(id);
  if (it != attempts_.end()) return &it->second;
  auto named = by_batch_id_.find(id);
  if (named != by_batch_id_.end()) return &attempts_.at(named->second);
  return nullptr;
}

BatchExecutor::Attempt& BatchExecutor::Adopt(const std::string& id) {
  Attempt& attempt = attempts_[id];
  attempt.spec.name = id;
  attempt.lookup_only = true;
  attempt.seen.id = id;
  attempt.seen.status = TaskStatus::kQueued;
  attempt.seen.status_reason = "looking it up in AWS Batch";
  if (IsBatchJobId(id)) {
    attempt.batch_id = id;
    by_batch_id_[id] = id;
    polled_.insert(id);
  } else {
    attempt.submitting = true;  // SubmitOne looks it up by name, and never submits it
    to_submit_.push_back(id);
  }
  wake_.notify_all();
  return attempt;
}

void BatchExecutor::MarkTerminal(Attempt& attempt) {
  if (!attempt.batch_id.empty()) polled_.erase(attempt.batch_id);
  attempt.terminal_since = SteadyClock::now();
  terminal_order_.emplace_back(attempt.terminal_since, attempt.spec.name);
}

void BatchExecutor::ScheduleStop(Attempt& attempt) {
  if (attempt.stopping || IsTerminal(attempt.seen.status) || attempt.batch_id.empty()) return;
  attempt.stopping = true;
  to_stop_.push_back(attempt.spec.name);
  wake_.notify_all();
}

void BatchExecutor::Forget(const std::string& name) {
  auto it = attempts_.find(name);
  if (it == attempts_.end()) return;
  if (!it->second.batch_id.empty()) {
    polled_.erase(it->second.batch_id);
    auto named = by_batch_id_.find(it->second.batch_id);
    if (named != by_batch_id_.end() && named->second == name) by_batch_id_.erase(named);
  }
  attempts_.erase(it);
}

void BatchExecutor::ForgetStaleTerminal() {
  auto horizon = SteadyClock::now() - std::chrono::milliseconds(options_.forget_terminal_after_ms);
  while (!terminal_order_.empty() && terminal_order_.front().first <= horizon) {
    auto [since, name] = terminal_order_.front();
    terminal_order_.pop_front();
    auto it = attempts_.find(name);
    if (it == attempts_.end() || it->second.terminal_since != since) continue;  // gone, or anew
    if (it->second.submitting || it->second.stopping) continue;
    Forget(name);
  }
}

Result<std::string> BatchExecutor::Submit(const TaskSpec& spec) {
  if (spec.function_input) {
    return Error{ErrorCode::kInvalidArgument, "local functions run only with the local executor"};
  }
  auto fields = CheckSubmitJobFields(spec.submit_job);
  if (!fields.ok()) return fields.error();
  std::lock_guard lock(mu_);
  if (Attempt* known = Find(spec.name)) {
    if (known->lookup_only && !known->terminate_requested) {
      // Adopted by Describe before the engine asked for it: it may be submitted after all.
      known->lookup_only = false;
      known->spec = spec;
      if (known->batch_id.empty() && !known->submitting) {
        known->seen = TaskObservation{};
        known->seen.id = spec.name;
        known->submitting = true;
        to_submit_.push_back(spec.name);
        wake_.notify_all();
      }
    }
    return known->batch_id.empty() ? spec.name : known->batch_id;
  }
  if (!spec.known_id.empty() && spec.known_id != spec.name) {
    if (Attempt* adopted = Find(spec.known_id)) {  // already adopted through Describe/Terminate
      adopted->lookup_only = false;
      return spec.known_id;
    }
    // The Batch job id was stored by an earlier process: adopt it, the poller takes it from here.
    Attempt& attempt = attempts_[spec.name];
    attempt.spec = spec;
    attempt.seen.id = spec.name;
    attempt.batch_id = spec.known_id;
    by_batch_id_[spec.known_id] = spec.name;
    polled_.insert(spec.known_id);
    wake_.notify_all();
    return spec.known_id;
  }
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
                     std::to_string(MaxDataBytes()) + " bytes always fits)"};
  }
  Attempt& attempt = attempts_[spec.name];
  attempt.spec = spec;
  attempt.seen.id = spec.name;
  attempt.seen.status = TaskStatus::kQueued;
  attempt.submitting = true;
  to_submit_.push_back(spec.name);
  wake_.notify_all();
  return spec.name;
}

std::vector<TaskObservation> BatchExecutor::Describe(const std::vector<std::string>& ids) {
  std::lock_guard lock(mu_);
  std::vector<TaskObservation> out;
  out.reserve(ids.size());
  for (const auto& id : ids) {
    Attempt* attempt = Find(id);
    if (attempt == nullptr) attempt = &Adopt(id);
    TaskObservation seen = attempt->seen;
    seen.id = id;
    if (!attempt->batch_id.empty() && attempt->batch_id != id) seen.new_id = attempt->batch_id;
    out.push_back(seen);
    // Reported terminal: nothing more will happen to it, so it leaves memory.
    if (IsTerminal(seen.status) && !attempt->submitting && !attempt->stopping) {
      Forget(attempt->spec.name);
    }
  }
  return out;
}

std::vector<std::string> BatchExecutor::Terminate(const std::vector<std::string>& ids,
                                                  const std::string& reason) {
  std::lock_guard lock(mu_);
  for (const auto& id : ids) {
    Attempt* attempt = Find(id);
    if (attempt == nullptr) attempt = &Adopt(id);
    if (attempt->terminate_requested) continue;
    attempt->terminate_requested = true;
    attempt->terminate_reason = reason.empty() ? "cancelled by user" : reason;
    // Without a Batch id yet, SubmitOne stops what it finds (or never submits it).
    ScheduleStop(*attempt);
  }
  return ids;
}

void BatchExecutor::SetChangeListener(
    std::function<void(const std::vector<std::string>&)> listener) {
  notifier_.Set(std::move(listener));
}

void BatchExecutor::SubmitLoop() {
  while (true) {
    std::string name;
    bool stop = false;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !to_submit_.empty() || !to_stop_.empty(); });
      if (stopping_) return;
      if (!to_stop_.empty()) {
        name = to_stop_.front();
        to_stop_.pop_front();
        stop = true;
      } else {
        name = to_submit_.front();
        to_submit_.pop_front();
      }
    }
    if (stop ? StopInBatch(name) : SubmitOne(name)) continue;
    // AWS was unavailable: wait (unless stopping) and queue it again.
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, std::chrono::milliseconds(options_.resubmit_delay_ms),
                   [this] { return stopping_; });
    (stop ? to_stop_ : to_submit_).push_back(name);
  }
}

bool BatchExecutor::SubmitOne(const std::string& name) {
  TaskSpec spec;
  bool lookup_only, terminate_requested;
  std::string terminate_reason;
  {
    std::lock_guard lock(mu_);
    auto it = attempts_.find(name);
    if (it == attempts_.end()) return true;
    spec = it->second.spec;
    lookup_only = it->second.lookup_only;
    terminate_requested = it->second.terminate_requested;
    terminate_reason = it->second.terminate_reason;
  }
  std::string batch_id, found_status;
  std::string problem;  // AWS unavailable: why, for the task's reason
  // A fresh attempt cannot exist in Batch yet; any other may have been submitted by an earlier
  // process without its id being stored: look it up by name.
  if (!spec.fresh) {
    auto found = client_.ListJobsByName(QueueOf(spec), spec.name);
    if (!found.ok() && found.error().code == ErrorCode::kUnavailable) {
      problem = found.error().message;
    } else if (!found.ok()) {
      spdlog::warn("AWS Batch: looking up {} failed: {}", spec.name, found.error().message);
      problem = found.error().message;
    } else if (!found->empty()) {
      batch_id = found->front().id;
      found_status = found->front().status;
      spdlog::info("AWS Batch: adopted {} as job {} ({})", spec.name, batch_id, found_status);
    }
  }
  std::string failure;  // the attempt is over without a Batch job: why
  if (problem.empty() && batch_id.empty()) {
    if (terminate_requested) {
      failure = "terminated before it was submitted: " + terminate_reason;
    } else if (lookup_only) {
      failure = "AWS Batch has no job named " + spec.name + " in queue " + QueueOf(spec);
    } else {
      auto submitted = client_.SubmitJob(SubmissionOf(spec));
      if (submitted.ok()) {
        batch_id = submitted.value();
      } else if (submitted.error().code == ErrorCode::kUnavailable) {
        problem = submitted.error().message;
      } else {
        failure = submitted.error().message;
      }
    }
  }
  std::vector<std::string> changed{name};
  {
    std::lock_guard lock(mu_);
    auto it = attempts_.find(name);
    if (it == attempts_.end()) return true;
    Attempt& attempt = it->second;
    if (!problem.empty()) {
      if (attempt.seen.status_reason == problem) return false;  // said already
      spdlog::warn("AWS Batch: {} waits: {}", name, problem);
      attempt.seen.status_reason = problem;  // QUEUED, saying why it waits
    } else {
      attempt.submitting = false;
      if (!failure.empty()) {
        attempt.seen.status = TaskStatus::kFailed;
        attempt.seen.status_reason = failure;
        attempt.seen.stopped_at = clock_.Now();
        MarkTerminal(attempt);
      } else {
        attempt.batch_id = batch_id;
        attempt.batch_status = found_status;  // decides CancelJob or TerminateJob until polled
        by_batch_id_[batch_id] = name;
        polled_.insert(batch_id);
        // Replaces a reason given while it waited (the engine keeps a reason until a new one).
        if (!attempt.seen.status_reason.empty()) {
          attempt.seen.status_reason = "submitted to AWS Batch as job " + batch_id;
        }
        changed.push_back(batch_id);
        if (attempt.terminate_requested) ScheduleStop(attempt);
      }
    }
  }
  notifier_.Notify(changed);
  return problem.empty();
}

bool BatchExecutor::StopInBatch(const std::string& name) {
  std::string batch_id, status, reason;
  {
    std::lock_guard lock(mu_);
    auto it = attempts_.find(name);
    if (it == attempts_.end()) return true;
    if (IsTerminal(it->second.seen.status)) {
      it->second.stopping = false;
      return true;
    }
    batch_id = it->second.batch_id;
    status = it->second.batch_status;
    reason = it->second.terminate_reason;
  }
  // CancelJob stops only jobs that have not started; TerminateJob stops any (used as well when
  // the job's state is not known yet).
  Status stopped = IsBeforeStart(status) ? client_.CancelJob(batch_id, reason)
                                         : client_.TerminateJob(batch_id, reason);
  bool retry = !stopped.ok() && stopped.error().code == ErrorCode::kUnavailable;
  if (!stopped.ok()) {
    // A ClientException (no such job, say): the poller finds out what became of it.
    spdlog::warn("AWS Batch: stopping {} failed{}: {}", batch_id, retry ? ", will retry" : "",
                 stopped.error().message);
  }
  std::lock_guard lock(mu_);
  auto it = attempts_.find(name);
  if (it != attempts_.end() && !retry) it->second.stopping = false;
  return !retry;
}

bool BatchExecutor::Record(Attempt& attempt, const BatchJob& job) {
  TaskObservation before = attempt.seen;
  attempt.batch_status = job.status;
  attempt.missing_sweeps = 0;
  TaskObservation& seen = attempt.seen;
  seen.status = MapStatus(job.status);
  seen.status_reason = job.status_reason;
  if (!job.container_reason.empty() && job.status == "FAILED") {
    seen.status_reason += (seen.status_reason.empty() ? "" : ": ") + job.container_reason;
  }
  seen.exit_code = job.exit_code;
  if (seen.status == TaskStatus::kFailed && job.exit_code && seen.status_reason.empty()) {
    seen.status_reason = "exit code " + std::to_string(*job.exit_code);
  }
  seen.container = !job.task_arn.empty() ? job.task_arn : job.log_stream;
  seen.job_definition = JobDefinitionOf(job.description);
  seen.started_at = job.started_at;
  seen.stopped_at = job.stopped_at;
  // Step Functions tasks (and adopted ones, which may be) get Batch's own description.
  bool described = !attempt.spec.submit_job.is_null() || attempt.lookup_only;
  if (described && (seen.status == TaskStatus::kRunning || IsTerminal(seen.status))) {
    seen.description_json = BoundedDescription(job.description);
  }
  TimestampMs now = clock_.Now();
  if (job.status == "RUNNABLE") {
    if (attempt.runnable_since == 0) attempt.runnable_since = now;
    if (now - attempt.runnable_since >= options_.runnable_warning_ms) {
      seen.status_reason = "RUNNABLE for " +
                           std::to_string((now - attempt.runnable_since) / 60000) +
                           " min in queue " + QueueOf(attempt.spec) + ": " +
                           (job.status_reason.empty() ? "no reason given by AWS Batch (capacity?)"
                                                      : job.status_reason);
    }
  } else {
    attempt.runnable_since = 0;
  }
  return seen.status != before.status || seen.status_reason != before.status_reason ||
         seen.container != before.container || seen.exit_code != before.exit_code ||
         seen.job_definition != before.job_definition || seen.started_at != before.started_at || seen.stopped_at != before.stopped_at;
}

void BatchExecutor::PollLoop() {
  while (true) {
    std::vector<std::string> ids;
    {
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, std::chrono::milliseconds(options_.poll_interval_ms),
                     [this] { return stopping_; });
      if (stopping_) return;
      ForgetStaleTerminal();
      ids.assign(polled_.begin(), polled_.end());
    }
    if (ids.empty()) continue;
    ++sweeps_;
    auto jobs = client_.DescribeJobs(ids);
    if (!jobs.ok()) {
      spdlog::warn("AWS Batch: describing {} job(s) failed: {}", ids.size(), jobs.error().message);
      continue;
    }
    std::vector<std::string> changed;
    {
      std::lock_guard lock(mu_);
      std::set<std::string> answered;
      for (const auto& job : jobs.value()) {
        answered.insert(job.id);
        auto named = by_batch_id_.find(job.id);
        if (named == by_batch_id_.end()) continue;
        Attempt& attempt = attempts_.at(named->second);
        if (IsTerminal(attempt.seen.status)) continue;
        std::string previous = attempt.batch_status;
        if (Record(attempt, job)) changed.push_back(job.id);
        if (IsTerminal(attempt.seen.status)) {
          MarkTerminal(attempt);
        } else if (attempt.terminate_requested && IsBeforeStart(previous) &&
                   !IsBeforeStart(job.status)) {
          ScheduleStop(attempt);  // it started despite a CancelJob: terminate it
        }
      }
      // Batch no longer (or never) knew these: after a few sweeps, they are lost.
      for (const auto& id : ids) {
        if (answered.count(id)) continue;
        auto named = by_batch_id_.find(id);
        if (named == by_batch_id_.end()) continue;
        Attempt& attempt = attempts_.at(named->second);
        if (IsTerminal(attempt.seen.status)) continue;
        if (++attempt.missing_sweeps < kMissingSweepsBeforeLost && !attempt.lookup_only) continue;
        attempt.seen.status = TaskStatus::kFailed;
        attempt.seen.status_reason = "AWS Batch has no job " + id;
        attempt.seen.stopped_at = clock_.Now();
        MarkTerminal(attempt);
        changed.push_back(id);
      }
    }
    notifier_.Notify(changed);
  }
}

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
  Deadline deadline = now + std::chrono::milliseconds(options_.check_resource_timeout_ms);
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
