#include "executor/slurm/slurm_scheduler.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace wfm {
namespace {

namespace fs = std::filesystem;

// `text` as one shell word: in single quotes, each ' written as '\'' (the only character that
// needs it there); hand-written because it is four lines.
std::string ShellQuoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The batch script: runs `command` in `work_dir`, then leaves its exit status in
// <work_dir>/<job id>.exit (written aside and renamed, so a reader sees all of it or nothing).
std::string ScriptOf(const std::vector<std::string>& command, const std::string& work_dir,
                     const std::string& attempt) {
  std::string line;
  for (const auto& arg : command) line += (line.empty() ? "" : " ") + ShellQuoted(arg);
  std::string marker = ShellQuoted(work_dir) + "/\"$SLURM_JOB_ID\".exit";
  return "#!/bin/sh\n# workflow-manager task attempt " + attempt + "\n" + line +
         "\ncode=$?\nprintf '%s\\n' \"$code\" > " + marker + ".tmp && mv -f " + marker +
         ".tmp " + marker + "\nexit \"$code\"\n";
}

bool IsDecimal(const std::string& text) {
  return !text.empty() && text.size() <= 18 &&
         text.find_first_not_of("0123456789") == std::string::npos;
}

// The error name and reason of a job that ended in `state` (other than COMPLETED and FAILED).
std::pair<std::string, std::string> FailureOf(const std::string& state) {
  if (state == "TIMEOUT") return {"Slurm.Timeout", "the job reached its time limit"};
  if (state == "NODE_FAIL") return {"Slurm.NodeFail", "a node of the job failed"};
  if (state == "PREEMPTED") return {"Slurm.Preempted", "the job was preempted"};
  if (state == "OUT_OF_MEMORY") return {"Slurm.OutOfMemory", "the job ran out of memory"};
  if (state == "CANCELLED") return {"Slurm.Cancelled", "the job was cancelled"};
  return {"Slurm." + state, "the job ended " + state};  // BOOT_FAIL, DEADLINE, ...
}

bool IsEndState(const std::string& state) {
  for (const char* end : {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "PREEMPTED",
                          "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE", "REVOKED", "SPECIAL_EXIT"}) {
    if (state == end) return true;
  }
  return false;
}

// What an exit status says of a job.
TaskObservation ExitedWith(int code) {
  TaskObservation seen;
  seen.status = code == 0 ? TaskStatus::kSucceeded : TaskStatus::kFailed;
  seen.exit_code = code;
  if (code != 0) seen.status_reason = "exit code " + std::to_string(code);
  return seen;
}

// The value of `key=` in a jobcomp/filetxt line ("JobId=7 ... JobState=FAILED ... ExitCode=3:0").
std::string FieldOf(const std::string& line, const std::string& key) {
  size_t at = line.rfind(" " + key + "=");
  size_t start = at == std::string::npos ? (line.rfind(key + "=", 0) == 0 ? 0 : std::string::npos)
                                         : at + 1;
  if (start == std::string::npos) return "";
  start += key.size() + 1;
  return line.substr(start, line.find(' ', start) - start);
}

}  // namespace

SlurmScheduler::SlurmScheduler(std::unique_ptr<SlurmClient> client, JobDefinitions definitions,
                               SlurmSchedulerOptions options)
    : client_(std::move(client)),
      options_(std::move(options)),
      definitions_(std::make_shared<const JobDefinitions>(std::move(definitions))) {
  std::vector<std::string> names{"PATH", "HOME", "LANG", "TZ"};
  names.insert(names.end(), options_.env_pass.begin(), options_.env_pass.end());
  for (const auto& name : names) {
    if (const char* value = std::getenv(name.c_str())) passed_.emplace_back(name, value);
  }
}

bool SlurmScheduler::IsJobId(const std::string& id) const { return IsDecimal(id); }

std::shared_ptr<const JobDefinitions> SlurmScheduler::Definitions() const {
  std::lock_guard lock(mu_);
  return definitions_;
}

void SlurmScheduler::ReplaceJobDefinitions(JobDefinitions definitions) {
  auto replaced = std::make_shared<const JobDefinitions>(std::move(definitions));
  std::lock_guard lock(mu_);
  definitions_ = std::move(replaced);
}

nlohmann::json SlurmScheduler::Documents() const { return Definitions()->Documents(); }

std::string SlurmScheduler::Where(const TaskSpec& spec) const {
  auto definition = Definitions()->Resolve(spec.resource);
  if (!definition.ok() || definition->slurm.partition.empty()) return "";
  return "in partition " + definition->slurm.partition;
}

Status SlurmScheduler::Validate(const TaskSpec& spec) const {
  auto definition = Definitions()->Resolve(spec.resource);
  if (!definition.ok()) return definition.error();
  return OkStatus();
}

std::string SlurmScheduler::JobDefinitionOf(const TaskSpec& spec) const {
  auto definition = Definitions()->Resolve(spec.resource);
  if (!definition.ok()) return "";
  return definition->name + ":" + std::to_string(definition->revision);
}

Result<SlurmJobRequest> SlurmScheduler::RequestOf(const TaskSpec& spec) const {
  auto found = Definitions()->Resolve(spec.resource);
  if (!found.ok()) return found.error();
  const JobDefinition& definition = found.value();
  SlurmJobRequest request;
  request.name = spec.name;
  request.script = ScriptOf(definition.command, options_.work_dir, spec.name);
  request.environment = passed_;
  for (const auto& variable : definition.environment) request.environment.push_back(variable);
  for (const auto& variable : spec.environment) request.environment.push_back(variable);
  request.working_directory = options_.work_dir;
  request.output_path = options_.work_dir + "/%j.log";
  request.partition = definition.slurm.partition;
  request.account = definition.slurm.account;
  request.qos = definition.slurm.qos;
  request.cpus_per_task = definition.slurm.cpus_per_task ? definition.slurm.cpus_per_task
                                                         : definition.vcpus;
  request.memory_mib = definition.slurm.memory_mib ? definition.slurm.memory_mib
                                                   : definition.memory_mib;
  request.time_limit_minutes = definition.slurm.time_limit_minutes
                                   ? definition.slurm.time_limit_minutes
                                   : (definition.timeout_seconds + 59) / 60;
  return request;
}

template <typename T>
T SlurmScheduler::Noted(T result) {
  std::lock_guard lock(mu_);
  if (result.ok()) {
    unreachable_.clear();
  } else if (result.error().code == ErrorCode::kUnavailable) {
    unreachable_ = result.error().message;
  }
  return result;
}

Result<std::string> SlurmScheduler::Submit(const TaskSpec& spec) {
  auto request = RequestOf(spec);
  if (!request.ok()) return request.error();
  std::error_code ignored;
  fs::create_directories(options_.work_dir, ignored);  // sbatch says so when it is missing
  return Noted(client_->Submit(request.value()));
}

Result<std::optional<ScheduledJob>> SlurmScheduler::FindByName(const TaskSpec& spec) {
  auto found = Noted(client_->FindByName(spec.name));
  if (!found.ok()) return found.error();
  if (found->empty()) return std::optional<ScheduledJob>{};
  return std::optional<ScheduledJob>{Scheduled(found->front())};
}

Result<std::vector<ScheduledJob>> SlurmScheduler::Describe(const std::vector<std::string>& ids) {
  auto jobs = Noted(client_->Describe(ids));
  if (!jobs.ok()) return jobs.error();
  std::vector<ScheduledJob> out;
  out.reserve(jobs->size());
  for (const auto& job : jobs.value()) out.push_back(Scheduled(job));
  return out;
}

Status SlurmScheduler::Stop(const std::string& id, const std::string& state,
                            const std::string& reason) {
  (void)state;   // scancel stops a job in any state
  (void)reason;  // Slurm keeps no reason for a cancel
  return Noted(client_->Cancel(id));
}

Status SlurmScheduler::Health() const {
  std::lock_guard lock(mu_);
  if (unreachable_.empty()) return OkStatus();
  return Error{ErrorCode::kUnavailable, "Slurm unreachable: " + unreachable_};
}

ScheduledJob SlurmScheduler::Scheduled(const SlurmJob& job) {
  ScheduledJob out;
  out.id = job.id;
  out.state = job.state;
  out.before_start = job.state == "PENDING" || job.state == "REQUEUED" ||
                     job.state == "REQUEUE_HOLD" || job.state == "REQUEUE_FED";
  out.waiting_for_resources = job.state == "PENDING";
  TaskObservation& seen = out.seen;
  seen.container = job.nodes.empty() ? "" : "slurm job " + job.id + " on " + job.nodes;
  seen.started_at = job.started_at;
  if (job.state == "COMPLETED" || job.state == "FAILED") {
    seen = ExitedWith(job.exit_code.value_or(job.state == "COMPLETED" ? 0 : 1));
    seen.container = job.nodes.empty() ? "" : "slurm job " + job.id + " on " + job.nodes;
    seen.started_at = job.started_at;
    seen.stopped_at = job.ended_at;
    if (job.state == "FAILED" && !job.exit_code && job.signal) {
      seen.status_reason = "killed by signal " + std::to_string(*job.signal);
    }
  } else if (IsEndState(job.state)) {
    auto [error, reason] = FailureOf(job.state);
    seen.status = TaskStatus::kFailed;
    seen.error = error;
    seen.status_reason = error + ": " + reason;
    if (job.signal) seen.status_reason += " (signal " + std::to_string(*job.signal) + ")";
    seen.exit_code = job.exit_code;
    seen.stopped_at = job.ended_at;
  } else if (out.before_start) {
    seen.status = TaskStatus::kQueued;
    if (!job.reason.empty()) seen.status_reason = job.state + " in Slurm: " + job.reason;
  } else {
    seen.status = TaskStatus::kRunning;  // RUNNING, COMPLETING, CONFIGURING, SUSPENDED, ...
    if (job.state != "RUNNING") seen.status_reason = job.state + " in Slurm";
  }
  seen.description_json = job.description.is_null() ? "" : job.description.dump();
  return out;
}

std::optional<TaskObservation> SlurmScheduler::OutcomeOfForgotten(const std::string& id,
                                                                  const TaskSpec& spec) {
  (void)spec;
  if (!IsDecimal(id)) return std::nullopt;
  std::ifstream marker(options_.work_dir + "/" + id + ".exit");
  int code = 0;
  if (marker >> code) {
    TaskObservation seen = ExitedWith(code);
    seen.status_reason = "Slurm forgot the job; its exit status (" + std::to_string(code) +
                         ") from " + options_.work_dir + "/" + id + ".exit";
    return seen;
  }
  if (options_.jobcomp_file.empty()) return std::nullopt;
  std::ifstream jobcomp(options_.jobcomp_file);
  std::string line, last;
  while (std::getline(jobcomp, line)) {
    if (line.rfind("JobId=" + id + " ", 0) == 0) last = line;
  }
  if (last.empty()) return std::nullopt;
  SlurmJob job;
  job.id = id;
  job.state = FieldOf(last, "JobState");
  std::string exit = FieldOf(last, "ExitCode");  // "status:signal"
  size_t colon = exit.find(':');
  if (colon != std::string::npos && IsDecimal(exit.substr(0, colon)) &&
      IsDecimal(exit.substr(colon + 1))) {
    int status = std::atoi(exit.substr(0, colon).c_str());
    int signal = std::atoi(exit.substr(colon + 1).c_str());
    if (signal != 0) job.signal = signal;
    else job.exit_code = status;
  }
  if (!IsEndState(job.state)) return std::nullopt;
  TaskObservation seen = Scheduled(job).seen;
  seen.status_reason += " (from " + options_.jobcomp_file + ")";
  return seen;
}

Result<std::string> SlurmScheduler::ReadLog(const std::string& id, size_t max_bytes) const {
  if (!IsDecimal(id)) return Error{ErrorCode::kNotFound, "the task has not reached Slurm yet"};
  std::ifstream in(options_.work_dir + "/" + id + ".log", std::ios::binary | std::ios::ate);
  if (!in) return Error{ErrorCode::kNotFound, "no output of Slurm job " + id + " (yet)"};
  std::streamoff size = in.tellg();
  std::streamoff start = size > static_cast<std::streamoff>(max_bytes)
                             ? size - static_cast<std::streamoff>(max_bytes)
                             : 0;
  in.seekg(start);
  std::string text(static_cast<size_t>(size - start), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

}  // namespace wfm
