#include "engine/execution_engine.h"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <spdlog/spdlog.h>

#include <random>

#include "asl/json_equal.h"
#include "core/ids.h"
#include "core/logging.h"
#include "core/service_metrics.h"
#include "engine/execution_tasks.h"
#include "engine/job_execution.h"
#include "engine/job_rules.h"
#include "engine/task_stop_record.h"
#include "engine/test_state.h"
#include "model/json.h"

namespace wfm {
namespace {

using asl::Json;
using SteadyClock = std::chrono::steady_clock;

std::string Base64Url(const std::string& text) {
  std::string out(4 * ((text.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  out.resize(n);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

std::optional<std::string> FromBase64Url(std::string text) {
  for (char& c : text) {
    if (c == '-')
      c = '+';
    else if (c == '_')
      c = '/';
    else if (!std::isalnum(static_cast<unsigned char>(c)))
      return std::nullopt;
  }
  size_t padding = (4 - text.size() % 4) % 4;
  if (padding == 3) return std::nullopt;
  text.append(padding, '=');
  std::string out(3 * text.size() / 4 + 1, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

// "sfn-" and 16 hex digits of the ARN's SHA-256: the same in every process, a valid Batch name.
std::string TaskPrefixOf(const std::string& arn) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(arn.data()), arn.size(), digest);
  static const char* kHex = "0123456789abcdef";
  std::string out = "sfn-";
  for (int i = 0; i < 8; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

Json ParseOr(const std::string& text, Json fallback) {
  Json parsed = Json::parse(text, nullptr, false);
  return parsed.is_discarded() ? fallback : parsed;
}

Error NoSuchExecution(const std::string& arn) {
  return Error{ErrorCode::kNotFound, "Execution Does Not Exist: '" + arn + "'",
               "ExecutionDoesNotExist"};
}

}  // namespace

ExecutionEngine::ExecutionEngine(Store& store, Executor& executor, Clock& clock,
                                 ExecutionEngineOptions options)
    : store_(store), executor_(executor), clock_(clock), options_(options) {
  interpreter_options_.wait_time_scale = options.wait_time_scale;
  // Shared by the engine's thread and the API's (ApplyToStored): locked.
  struct Random {
    std::mutex mu;
    std::mt19937_64 engine{std::random_device{}()};
  };
  interpreter_options_.random = [random = std::make_shared<Random>()] {
    std::lock_guard lock(random->mu);
    return random->engine();
  };
  callback_target_->engine = this;
  executor_.SetChangeListener([target = callback_target_](const std::vector<std::string>& ids) {
    std::lock_guard lock(target->mu);
    if (target->engine) target->engine->OnExecutorChange(ids);
  });
  broker_ = std::make_unique<ActivityBroker>(
      [target = callback_target_](const OfferedActivityTask& task, const std::string& worker) {
        std::lock_guard lock(target->mu);
        if (target->engine) target->engine->OnActivityTaken(task, worker);
      });
}

ExecutionEngine::~ExecutionEngine() {
  Stop();
  {
    std::lock_guard lock(callback_target_->mu);
    callback_target_->engine = nullptr;
  }
  broker_.reset();
}

void ExecutionEngine::Start() {
  std::lock_guard lock(inbox_mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void ExecutionEngine::Stop() {
  {
    std::lock_guard lock(inbox_mu_);
    if (!thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  if (leading_ && Leading()) CommitDirty(Attended());
}

void ExecutionEngine::RunUntilIdle() {
  while (true) {
    bool more = Round();
    std::lock_guard lock(inbox_mu_);
    if (!more && inbox_.reload.empty() && inbox_.started.empty() && inbox_.changed_ids.empty() &&
        inbox_.taken.empty()) {
      return;
    }
  }
}

size_t ExecutionEngine::ActiveCount() const { return active_count_.load(); }

size_t ExecutionEngine::BookkeepingSize() const {
  std::lock_guard lock(inbox_mu_);
  return active_.size() + dormant_.size() + attention_.size() + due_of_.size() + by_executor_id_.size() +
         ensured_.size() + pending_stops_.size() + inbox_.reload.size() + inbox_.started.size() +
         inbox_.changed_ids.size() + inbox_.taken.size() + inbox_.stops.size();
}

EngineStats ExecutionEngine::Stats() const {
  return EngineStats{rounds_.load(),
                     commits_.load(),
                     executions_written_.load(),
                     executions_finished_.load(),
                     dormant_count_.load(),
                     wakes_.load()};
}

bool ExecutionEngine::IsLeader() const { return Leading(); }

bool ExecutionEngine::Leading() const {
  return options_.leadership == nullptr || options_.leadership->IsLeader();
}

void ExecutionEngine::OnExecutorChange(const std::vector<std::string>& ids) {
  {
    std::lock_guard lock(inbox_mu_);
    inbox_.changed_ids.insert(ids.begin(), ids.end());
  }
  wake_.notify_all();
}

void ExecutionEngine::OnActivityTaken(const OfferedActivityTask& task, const std::string& worker) {
  {
    std::lock_guard lock(inbox_mu_);
    inbox_.taken.emplace_back(task, worker);
  }
  wake_.notify_all();
}

// --- loading and storing -------------------------------------------------------------------

Result<std::shared_ptr<const asl::StateMachine>> ExecutionEngine::Definition(
    const std::string& text) const {
  {
    std::lock_guard lock(definitions_mu_);
    auto cached = definitions_.find(text);
    if (cached != definitions_.end()) return cached->second;
  }
  auto parsed = asl::ParseDefinition(text);
  if (!parsed.ok()) return parsed.error();
  std::lock_guard lock(definitions_mu_);
  if (definitions_.size() >= 256) definitions_.clear();  // a bound, not an LRU: parsing is cheap
  definitions_.emplace(text, parsed.value());
  return parsed.value();
}

Result<std::unique_ptr<ExecutionEngine::Active>> ExecutionEngine::Build(
    const std::string& key, const std::string& body_text, std::optional<Job> job) const {
  Json body = Json::parse(body_text, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("run") || !body.contains("info")) {
    return Error{ErrorCode::kInternal, "corrupt execution " + key};
  }
  auto info = ExecutionInfoFromJson(nlohmann::json(body["info"]));
  if (!info.ok()) return info.error();
  auto state = asl::ExecutionStateFromJson(body["run"]);
  if (!state.ok()) return state.error();
  auto definition = Definition(info->definition);
  if (!definition.ok()) {
    return Error{ErrorCode::kInternal, "execution " + key + ": " + definition.error().message};
  }
  auto active = std::make_unique<Active>();
  active->job = std::move(job);
  if (active->job) active->job->execution.clear();  // held parsed, as `state`
  active->info = std::move(info).value();
  active->state = std::move(state).value();
  active->definition = std::move(definition).value();
  asl::ExecutionContext& context = active->context;
  context.execution_arn = active->info.arn;
  context.execution_name = active->info.name;
  context.role_arn = active->info.role_arn;
  context.state_machine_arn = active->info.state_machine_arn;
  context.state_machine_name = active->info.state_machine_name;
  context.state_machine_version_arn = active->info.state_machine_version_arn;
  context.state_machine_alias_arn = active->info.state_machine_alias_arn;
  context.input = ParseOr(active->info.input, Json::object());
  context.start_ms = active->info.start_date;
  context.task_prefix = TaskPrefixOf(active->info.arn);
  if (active->job) {  // v1's attempt names
    context.task_prefix = active->job->id;
    context.state_indexes = JobStateIndexes(*active->job);
  }
  context.token_prefix = Base64Url(active->info.arn) + ".";
  active->interpreter = std::make_unique<asl::Interpreter>(active->state, active->definition,
                                                           active->context, interpreter_options_);
  return active;
}

Result<std::unique_ptr<ExecutionEngine::Active>> ExecutionEngine::Load(
    const Record& record) const {
  auto active = Build(record.key, record.body, std::nullopt);
  if (!active.ok()) return active.error();
  active.value()->record = record;
  active.value()->record.body.clear();  // rebuilt from the parts at each commit
  return active;
}

Result<std::unique_ptr<ExecutionEngine::Active>> ExecutionEngine::LoadJob(Job job) const {
  std::string body = std::move(job.execution);
  return Build(JobExecutionKey(job.id), body, std::move(job));
}

Result<std::unique_ptr<ExecutionEngine::Active>> ExecutionEngine::LoadStored(
    const std::string& key) const {
  std::string job_id = JobIdOfExecutionKey(key);
  if (!job_id.empty()) {
    auto job = store_.GetJob(job_id);
    if (!job.ok()) {
      return job.error().code == ErrorCode::kNotFound ? NoSuchExecution(key) : job.error();
    }
    if (job->execution.empty()) return NoSuchExecution(key);
    return LoadJob(std::move(job).value());
  }
  auto record = store_.GetRecord(kRecordExecution, key);
  if (!record.ok()) {
    return record.error().code == ErrorCode::kNotFound ? NoSuchExecution(key) : record.error();
  }
  return Load(record.value());
}

std::string ExecutionEngine::BodyOf(Active& active) {
  const asl::ExecutionState& state = active.state;
  // The info changes with the status alone (output, error and cause come with it): its text,
  // which holds the definition, is made again only then.
  auto info_key = std::make_tuple(state.status, state.stop_ms, state.redrive_count);
  if (active.info_text.empty() || active.info_key != info_key) {
    ExecutionInfo info = active.info;
    info.status = state.status;
    info.output.reset();
    if (state.status == kExecutionSucceeded) info.output = state.output.dump();
    info.error = state.error;
    info.cause = state.cause;
    info.stop_date = state.stop_ms;
    info.redrive_count = state.redrive_count;
    active.info_text = ToJson(info).dump();
    active.info_key = std::move(info_key);
  }
  // Spliced as text: the info's is reused, and the body is one JSON object either way.
  return "{\"info\":" + active.info_text + ",\"run\":" + asl::ToJson(state).dump() + "}";
}

bool ExecutionEngine::Kept(const Active& active) {
  return active.state.status == kExecutionRunning ||
         (active.job && HasTasksAwaitingStop(*active.job));
}

const std::string& ExecutionEngine::StoredKey(const Active& active) {
  return active.job ? active.job->id : active.info.arn;
}

Record ExecutionEngine::RecordOf(Active& active) {
  Record record = active.record;
  record.status = active.state.status;
  record.body = BodyOf(active);
  return record;
}

void ExecutionEngine::SyncJob(Active& active, TimestampMs now) const {
  if (!active.job) return;
  Job& job = *active.job;
  SideEffects decided_by_the_interpreter;  // what runs is the interpreter's to decide
  bool changed = Advance(job, now, &decided_by_the_interpreter);
  if (active.state.status != kExecutionRunning) {
    changed |= EndJobWithExecution(job, active.state.error + ": " + active.state.cause, now);
  }
  if (changed) active.dirty = true;
}

bool ExecutionEngine::ObserveInJob(Active& active, const TaskObservation& seen,
                                   const std::string& attempt, TimestampMs now) {
  Task* task = TaskOfAttempt(*active.job, attempt);
  if (!task) return true;
  if (ApplyObservation(*task, seen, now)) active.dirty = true;
  return IsTerminal(seen.status);
}

void ExecutionEngine::Collect(Active& active) const {
  for (Json& event : active.interpreter->TakeEvents()) {
    HistoryEvent stored;
    stored.execution = active.info.arn;
    stored.id = event["id"].get<int64_t>();
    stored.body = event.dump();
    active.pending_events.push_back(std::move(stored));
    active.dirty = true;
  }
  for (int64_t frame : active.interpreter->TakeTasksToStart()) {
    active.to_start.push_back(frame);
    auto decided = active.state.frames.find(frame);
    if (decided != active.state.frames.end() && decided->second.task) {
      active.fresh_attempts.insert(decided->second.task->name);
    }
    active.dirty = true;
  }
  for (auto& stop : active.interpreter->TakeTasksToStop()) {
    active.to_stop.push_back(std::move(stop));
    active.dirty = true;
  }
}

namespace {

// The stored body of the execution `info` describes, not yet run (the engine starts it).
std::string NewExecutionBody(const ExecutionInfo& info) {
  return Json{{"info", ToJson(info)}, {"run", asl::ToJson(asl::ExecutionState{})}}.dump();
}

// The record of the execution `info` describes, started at its start date and not yet run.
Record NewExecutionRecord(const ExecutionInfo& info) {
  Record record;
  record.kind = kRecordExecution;
  record.key = info.arn;
  record.parent = info.state_machine_arn;
  record.status = kExecutionRunning;
  record.created_at = info.start_date;
  record.body = NewExecutionBody(info);
  return record;
}

bool IsActivity(const asl::TaskToStop& stop) {
  return asl::ClassifyResource(stop.resource).kind == asl::ResourceKind::kActivity;
}

// The executor task of `task`, an attempt of `job` whose task is `job_task` (nullptr when the
// attempt is none of the job's: a failure of the engine, not of the task).
asl::Outcome<TaskSpec> JobSpecOf(const Job& job, const asl::TaskAttempt& task,
                                 const Task* job_task) {
  if (!job_task) {
    return asl::Failure{asl::kStatesRuntime,
                        "attempt " + task.name + " is no current attempt of job " + job.id};
  }
  return JobTaskSpec(job, *job_task, job_task->id.empty() ? task.executor_id : job_task->id);
}

// Adds to `batch` the task-stop records of what `to_stop` of execution `arn` sends to the executor
// (activity tasks are only withdrawn from the broker).
void AddStopRecords(const std::vector<asl::TaskToStop>& to_stop, const std::string& arn,
                    TimestampMs now, CommitBatch* batch) {
  for (const auto& stop : to_stop) {
    if (!IsActivity(stop)) batch->records.push_back({TaskStopRecordOf(stop, arn, now), 0});
  }
}

// Deletes the task-stop records of `to_stop` that a commit wrote although the execution's own
// change was refused (a conflict): the execution, reloaded, decides again. Best effort: a record
// left behind only stops a task that is over or is stopped again.
void DeleteStopRecords(Store& store, const std::vector<asl::TaskToStop>& to_stop,
                       const std::set<std::string>& conflicts) {
  for (const auto& stop : to_stop) {
    if (!IsActivity(stop) && !conflicts.count(stop.name)) {
      (void)store.DeleteRecord(kRecordTaskStop, stop.name);
    }
  }
}

}  // namespace

void ExecutionEngine::AddWrites(Active& active, TimestampMs now, CommitBatch* batch) const {
  SyncJob(active, now);
  if (active.job) {  // one row: the job with its execution, kept until the engine is done
    JobMutation mutation{*active.job, active.job->version};
    if (Kept(active)) mutation.job.execution = BodyOf(active);
    batch->jobs.push_back(std::move(mutation));
  } else {
    batch->records.push_back(RecordMutation{RecordOf(active), active.record.version});
  }
  AddStopRecords(active.to_stop, active.info.arn, now, batch);
  // A job's history is its job (GET /jobs/{id}): its execution's events are not kept.
  if (!active.job) {
    for (auto& event : active.pending_events) batch->events.push_back(std::move(event));
  }
  active.pending_events.clear();
}

// --- the API's requests ------------------------------------------------------------------------

std::string ExecutionEngine::NewJobExecution(const Job& job) {
  ExecutionInfo info;
  info.arn = JobExecutionKey(job.id);
  info.name = job.id;
  info.state_machine_arn = JobExecutionParent(job.workflow.name);
  info.state_machine_name = job.workflow.name;
  info.definition = JobStateMachine(job);
  info.start_date = job.created_at;
  return NewExecutionBody(info);
}

void ExecutionEngine::Take(Started started) {
  {
    std::lock_guard lock(inbox_mu_);
    inbox_.started.push_back(std::move(started));
  }
  wake_.notify_all();
}

Status ExecutionEngine::EnsureJobExecution(Job job) {
  job.execution = NewJobExecution(job);
  CommitBatch batch;
  batch.jobs.push_back(JobMutation{job, job.version});
  auto refused = store_.Commit(batch);
  if (!refused.ok()) return refused.error();
  if (refused->empty()) {
    Take(Started{{}, std::move(batch.jobs[0].job)});
  } else {
    {
      std::lock_guard lock(inbox_mu_);
      inbox_.reload.insert(JobExecutionKey(job.id));  // another writer was first: as it stored it
    }
    wake_.notify_all();
  }
  return OkStatus();
}

Result<Job> ExecutionEngine::StartJob(const Workflow& workflow, const std::string& data_json) {
  Job job = NewJob(workflow, NewUuid(), data_json, clock_.Now());
  job.version = 1;
  job.execution = NewJobExecution(job);
  Status created = store_.CreateJob(job);  // one row: the job and its execution
  if (!created.ok()) return created.error();
  Take(Started{{}, job});
  job.execution.clear();
  return job;
}

Result<Job> ExecutionEngine::CancelJob(const std::string& job_id, const std::string& reason) {
  auto cancel = [&](Active& active) -> Result<bool> {
    if (!active.job) return Error{ErrorCode::kInternal, "job '" + job_id + "' has no job view"};
    Job& job = *active.job;
    if (IsTerminal(job.status)) {
      return Error{ErrorCode::kConflict,
                   "job '" + job_id + "' already finished with status " + ToString(job.status)};
    }
    TimestampMs now = clock_.Now();
    ApplyCancel(job, reason, now);
    if (active.state.status == kExecutionRunning) {
      active.interpreter->Stop("JobCancelled", job.status_reason, now);
    }
    Collect(active);
    // A task the job says was submitted but whose attempt its execution does not hold (an
    // execution made for a job stored by an earlier version) is stopped by its attempt's name.
    std::set<std::string> stopping;
    for (const auto& stop : active.to_stop) stopping.insert(stop.name);
    for (const Task& task : job.tasks) {
      std::string name = TaskAttemptName(job, task);
      if (!AwaitsStop(task) || stopping.count(name)) continue;
      const State* state = job.workflow.FindState(task.state);
      active.to_stop.push_back(
          asl::TaskToStop{name, task.id == name ? "" : task.id, state ? state->resource : ""});
    }
    return true;
  };
  std::string key = JobExecutionKey(job_id);
  Status applied = ApplyToStored(key, cancel);
  if (!applied.ok() && applied.error().type == "ExecutionDoesNotExist") {
    // A job stored without its execution (StartJob was cut short): it gets one, then the cancel.
    auto job = store_.GetJob(job_id);
    if (!job.ok()) return job.error();
    if (IsTerminal(job->status)) {
      return Error{ErrorCode::kConflict,
                   "job '" + job_id + "' already finished with status " + ToString(job->status)};
    }
    Status ensured = EnsureJobExecution(job.value());
    if (!ensured.ok()) return ensured.error();
    applied = ApplyToStored(key, cancel);
  }
  if (!applied.ok()) return applied.error();
  return store_.GetJob(job_id);
}

Result<Record> ExecutionEngine::StartExecution(const StartExecutionRequest& request) {
  auto definition = Definition(request.definition);
  if (!definition.ok()) {
    return Error{ErrorCode::kInvalidArgument, definition.error().message, "InvalidDefinition"};
  }
  ExecutionInfo info;
  info.arn = request.execution_arn;
  info.name = request.name;
  info.state_machine_arn = request.state_machine_arn;
  info.state_machine_name = request.state_machine_name;
  info.state_machine_version_arn = request.version_arn;
  info.state_machine_alias_arn = request.alias_arn;
  info.definition = request.definition;
  info.role_arn = request.role_arn;
  info.input = request.input;
  info.start_date = clock_.Now();
  Record record = NewExecutionRecord(info);
  Status created = store_.CreateRecord(record);
  if (!created.ok()) {
    if (created.error().code != ErrorCode::kAlreadyExists) return created.error();
    auto existing = store_.GetRecord(kRecordExecution, info.arn);
    if (!existing.ok()) return existing.error();
    auto existing_info = ExecutionInfoOf(existing.value());
    if (!existing_info.ok()) return existing_info.error();
    bool same =
        asl::SameJson(ParseOr(existing_info->input, nullptr), ParseOr(info.input, nullptr)) &&
        existing_info->status == kExecutionRunning;
    if (!same) {
      return Error{ErrorCode::kAlreadyExists, "Execution Already Exists: '" + info.arn + "'",
                   "ExecutionAlreadyExists"};
    }
    return existing;
  }
  record.version = 1;
  Metrics::Global().Add(metric::kExecutionsStarted, {{"state_machine", info.state_machine_name}});
  Take(Started{record, std::nullopt});
  return record;
}

Status ExecutionEngine::ApplyToStored(const std::string& arn,
                                      const std::function<Result<bool>(Active&)>& change) {
  for (int attempt = 0; attempt < 20; ++attempt) {
    auto active = LoadStored(arn);
    if (!active.ok()) return active.error();
    Active& loaded = *active.value();
    auto changed = change(loaded);
    if (!changed.ok()) return changed.error();
    if (!changed.value()) return OkStatus();
    Collect(loaded);
    CommitBatch batch;
    AddWrites(loaded, clock_.Now(), &batch);
    auto conflicts = store_.Commit(batch);
    if (!conflicts.ok()) return conflicts.error();
    std::set<std::string> refused(conflicts->begin(), conflicts->end());
    if (refused.count(StoredKey(loaded))) {  // the engine wrote first: try again on its version
      DeleteStopRecords(store_, loaded.to_stop, refused);
      continue;
    }
    for (const auto& stop : loaded.to_stop) broker_->Withdraw(stop.name);
    {
      std::lock_guard lock(inbox_mu_);
      for (const auto& stop : loaded.to_stop) {
        if (!IsActivity(stop)) inbox_.stops.push_back({arn, stop});  // the round sends them
      }
      inbox_.reload.insert(arn);
    }
    wake_.notify_all();
    return OkStatus();
  }
  return Error{ErrorCode::kUnavailable, "execution " + arn + " is changing too fast; try again"};
}

Result<TimestampMs> ExecutionEngine::StopExecution(const std::string& execution_arn,
                                                   const std::string& error,
                                                   const std::string& cause) {
  TimestampMs stopped = 0;
  Status applied = ApplyToStored(execution_arn, [&](Active& active) -> Result<bool> {
    if (active.state.status != kExecutionRunning) {
      stopped = active.state.stop_ms;
      return false;
    }
    active.interpreter->Stop(error, cause, clock_.Now());
    stopped = active.state.stop_ms;
    return true;
  });
  if (!applied.ok()) return applied.error();
  return stopped;
}

Result<TimestampMs> ExecutionEngine::RedriveExecution(const std::string& execution_arn) {
  TimestampMs when = 0;
  Status applied = ApplyToStored(execution_arn, [&](Active& active) -> Result<bool> {
    when = clock_.Now();
    if (!active.interpreter->Redrive(when)) {
      return Error{ErrorCode::kConflict,
                   "Execution '" + execution_arn + "' is " + active.state.status +
                       ": only a FAILED, TIMED_OUT or ABORTED execution can be redriven",
                   "ExecutionNotRedrivable"};
    }
    active.info.redrive_date = when;
    return true;
  });
  if (!applied.ok()) return applied.error();
  return when;
}

void ExecutionEngine::GetActivityTask(const std::string& activity_arn,
                                      const std::string& worker_name,
                                      std::chrono::milliseconds wait,
                                      std::function<void(std::optional<ActivityTask>)> done) {
  broker_->Poll(activity_arn, worker_name, wait, std::move(done));
}

Result<std::string> ExecutionEngine::ExecutionOfToken(const std::string& token) {
  auto dot = token.find('.');
  std::optional<std::string> arn;
  if (dot != std::string::npos) arn = FromBase64Url(token.substr(0, dot));
  if (!arn || arn->rfind("arn:aws:states:", 0) != 0) {
    return Error{ErrorCode::kNotFound, "Invalid Token: '" + token.substr(0, 64) + "'",
                 "InvalidToken"};
  }
  return *arn;
}

namespace {

// Runs `apply` on the attempt that `token` names; TaskTimedOut when it is no longer current.
Result<bool> OnTaskOf(asl::Interpreter& interpreter, const std::string& token,
                      const std::function<bool(const std::string& attempt)>& apply) {
  const asl::Frame* frame = interpreter.FindAttempt(token);
  if (!frame || frame->task->token != token || !apply(frame->task->name)) {
    return Error{ErrorCode::kConflict, "Task Timed Out: the task of this token is not running",
                 "TaskTimedOut"};
  }
  return true;
}

}  // namespace

Status ExecutionEngine::SendTaskSuccess(const std::string& task_token, const std::string& output) {
  auto arn = ExecutionOfToken(task_token);
  if (!arn.ok()) return arn.error();
  Json result = Json::parse(output, nullptr, false);
  if (result.is_discarded()) {
    return Error{ErrorCode::kInvalidArgument, "output is not valid JSON", "InvalidOutput"};
  }
  std::string attempt_name;
  Status applied = ApplyToStored(arn.value(), [&](Active& active) {
    return OnTaskOf(*active.interpreter, task_token, [&](const std::string& attempt) {
      attempt_name = attempt;
      return active.interpreter->TaskSucceeded(attempt, result, clock_.Now());
    });
  });
  if (applied.ok()) broker_->Withdraw(attempt_name);
  if (!applied.ok() && applied.error().code == ErrorCode::kNotFound &&
      applied.error().type == "ExecutionDoesNotExist") {
    return Error{ErrorCode::kNotFound, "Task Does Not Exist", "TaskDoesNotExist"};
  }
  return applied;
}

Status ExecutionEngine::SendTaskFailure(const std::string& task_token, const std::string& error,
                                        const std::string& cause) {
  auto arn = ExecutionOfToken(task_token);
  if (!arn.ok()) return arn.error();
  std::string attempt_name;
  Status applied = ApplyToStored(arn.value(), [&](Active& active) {
    return OnTaskOf(*active.interpreter, task_token, [&](const std::string& attempt) {
      attempt_name = attempt;
      return active.interpreter->TaskFailed(attempt, asl::Failure{error, cause}, clock_.Now());
    });
  });
  if (applied.ok()) broker_->Withdraw(attempt_name);
  if (!applied.ok() && applied.error().type == "ExecutionDoesNotExist") {
    return Error{ErrorCode::kNotFound, "Task Does Not Exist", "TaskDoesNotExist"};
  }
  return applied;
}

Status ExecutionEngine::SendTaskHeartbeat(const std::string& task_token) {
  auto arn = ExecutionOfToken(task_token);
  if (!arn.ok()) return arn.error();
  Status applied = ApplyToStored(arn.value(), [&](Active& active) {
    return OnTaskOf(*active.interpreter, task_token, [&](const std::string& attempt) {
      return active.interpreter->TaskHeartbeat(attempt, clock_.Now());
    });
  });
  if (!applied.ok() && applied.error().type == "ExecutionDoesNotExist") {
    return Error{ErrorCode::kNotFound, "Task Does Not Exist", "TaskDoesNotExist"};
  }
  return applied;
}

// --- the rounds ----------------------------------------------------------------------------

void ExecutionEngine::Forget(const std::string& arn) {
  auto owned_by_it = [&](const std::string& id) {
    auto owner = by_executor_id_.find(id);
    if (owner != by_executor_id_.end() && owner->second.first == arn) by_executor_id_.erase(owner);
  };
  auto dormant = dormant_.find(arn);
  if (dormant != dormant_.end()) {
    for (const Watched& watched : dormant->second.watched) {
      ensured_.erase(watched.attempt);
      broker_->Withdraw(watched.attempt);
      owned_by_it(watched.attempt);
      if (!watched.executor_id.empty()) owned_by_it(watched.executor_id);
    }
    dormant_.erase(dormant);
  } else {
    auto it = active_.find(arn);
    if (it == active_.end()) return;
    for (const auto& [id, frame] : it->second->state.frames) {
      if (!frame.task) continue;
      ensured_.erase(frame.task->name);
      broker_->Withdraw(frame.task->name);
      if (!frame.task->executor_id.empty()) by_executor_id_.erase(frame.task->executor_id);
      by_executor_id_.erase(frame.task->name);
    }
    if (it->second->job) {  // tasks of a cancelled job watched until they stop
      for (const Task& task : it->second->job->tasks) {
        if (!task.id.empty()) owned_by_it(task.id);
      }
    }
    active_.erase(it);
  }
  CountActive();
  attention_.erase(arn);
  auto due = due_of_.find(arn);
  if (due != due_of_.end()) {
    due_.erase({due->second, arn});
    due_of_.erase(due);
  }
}

void ExecutionEngine::CountActive() {
  active_count_ = active_.size() + dormant_.size();
  dormant_count_ = dormant_.size();
}

namespace {

size_t HashOf(const std::string& text) { return std::hash<std::string>{}(text); }

}  // namespace

void ExecutionEngine::Evict(const std::string& key) {
  auto it = active_.find(key);
  if (it == active_.end()) return;
  Active& active = *it->second;
  Dormant dormant;
  dormant.version = active.job ? active.job->version : active.record.version;
  auto watch_job_task = [&](const Task& task, Watched& watched) {
    watched.status = task.status;
    watched.any_status = false;
    watched.started = task.started_at != 0;
    watched.reason_hash = HashOf(task.status_reason);
    watched.container_hash = HashOf(task.container);
  };
  for (const auto& [id, frame] : active.state.frames) {
    if (!frame.task) continue;
    Watched watched;
    watched.executor_id = frame.task->executor_id;
    watched.attempt = frame.task->name;
    asl::TaskResource resource = asl::ClassifyResource(frame.task->resource);
    watched.on_description =
        resource.kind == asl::ResourceKind::kBatchSubmit && !resource.wait_for_token;
    if (active.job) {
      const Task* task = TaskOfAttempt(*active.job, frame.task->name);
      if (task) {
        if (!task->id.empty()) watched.executor_id = task->id;
        watch_job_task(*task, watched);
      }
    }
    dormant.watched.push_back(std::move(watched));
  }
  if (active.job) {  // a cancelled job's tasks watched until they stop
    for (const Task& task : active.job->tasks) {
      if (!AwaitsStop(task)) continue;
      Watched watched;
      watched.executor_id = task.id;
      watched.attempt = TaskAttemptName(*active.job, task);
      watch_job_task(task, watched);
      watched.any_status = true;  // over for the job already: only the task's end matters
      dormant.watched.push_back(std::move(watched));
    }
  }
  active_.erase(it);
  dormant_[key] = std::move(dormant);
  CountActive();
}

ExecutionEngine::Active* ExecutionEngine::Resident(const std::string& key) {
  auto it = active_.find(key);
  if (it != active_.end()) return it->second.get();
  auto dormant = dormant_.find(key);
  if (dormant == dormant_.end()) return nullptr;
  auto loaded = LoadStored(key);
  bool same = loaded.ok() && Kept(*loaded.value()) &&
              (loaded.value()->job ? loaded.value()->job->version
                                   : loaded.value()->record.version) == dormant->second.version;
  if (!same) {  // gone, ended or changed by another writer, or the store is away
    {
      std::lock_guard lock(inbox_mu_);
      inbox_.reload.insert(key);
    }
    if (!loaded.ok() && loaded.error().code == ErrorCode::kUnavailable) {
      retry_at_ = SteadyClock::now() + std::chrono::milliseconds(options_.retry_interval_ms);
    }
    return nullptr;
  }
  dormant_.erase(dormant);
  Active* active = loaded.value().get();
  active_.emplace(key, std::move(loaded).value());
  CountActive();
  ++wakes_;
  return active;
}

bool ExecutionEngine::Wakes(const Dormant& dormant, const TaskObservation& seen) {
  if (IsTerminal(seen.status) || !seen.new_id.empty()) return true;
  for (const Watched& watched : dormant.watched) {
    if (watched.executor_id != seen.id) continue;
    if (watched.on_description && !seen.description_json.empty()) return true;
    if (watched.any_status) return false;
    return seen.status != watched.status || (seen.started_at != 0 && !watched.started) ||
           (!seen.status_reason.empty() && HashOf(seen.status_reason) != watched.reason_hash) ||
           (!seen.container.empty() && HashOf(seen.container) != watched.container_hash);
  }
  return true;  // not one it knows of: woken to find out
}

void ExecutionEngine::Touch(const std::string& arn) { attention_.insert(arn); }

void ExecutionEngine::TouchDue(int64_t now) {
  while (!due_.empty() && due_.begin()->first <= now) {
    attention_.insert(due_.begin()->second);
    due_of_.erase(due_.begin()->second);
    due_.erase(due_.begin());
  }
}

void ExecutionEngine::ScheduleDue(const Active& active) {
  const std::string& arn = active.info.arn;
  auto known = due_of_.find(arn);
  int64_t due = active.interpreter->NextDueMs();
  if (known != due_of_.end()) {
    if (known->second == due) return;
    due_.erase({known->second, arn});
    due_of_.erase(known);
  }
  if (due <= 0) return;
  due_.emplace(due, arn);
  due_of_.emplace(arn, due);
}

std::vector<std::pair<std::string, ExecutionEngine::Active*>> ExecutionEngine::Attended() {
  std::vector<std::pair<std::string, Active*>> attended;
  attended.reserve(attention_.size());
  for (auto it = attention_.begin(); it != attention_.end();) {
    Active* active = Resident(*it);
    if (!active) {
      // Dormant and not readable now: looked at again when it is reloaded.
      it = dormant_.count(*it) ? std::next(it) : attention_.erase(it);
      continue;
    }
    attended.emplace_back(*it, active);
    ++it;
  }
  return attended;
}

void ExecutionEngine::ForgetAll() {
  active_.clear();
  dormant_.clear();
  attention_.clear();
  due_.clear();
  due_of_.clear();
  by_executor_id_.clear();
  ensured_.clear();
  broker_->Clear();
  pending_stops_.clear();
  recovered_ = false;
  recover_after_.reset();
  CountActive();
}

void ExecutionEngine::Adopt(std::unique_ptr<Active> active) {
  std::string arn = active->info.arn;
  Forget(arn);
  for (const auto& [id, frame] : active->state.frames) {
    if (frame.phase != asl::FramePhase::kTask || !frame.task) continue;
    // Stored attempts: ask the executor for each again (it adopts the ones it runs already).
    active->to_start.push_back(id);
  }
  // Not running any more but kept in the running index (a job waiting to see a task stop):
  // written again, so the index follows once nothing is awaited.
  if (active->state.status != kExecutionRunning) active->dirty = true;
  if (active->job) {  // a cancelled job's tasks not yet seen stopping are watched
    for (const Task& task : active->job->tasks) {
      if (AwaitsStop(task)) by_executor_id_[task.id] = {arn, TaskAttemptName(*active->job, task)};
    }
  }
  active_[arn] = std::move(active);
  CountActive();
  Touch(arn);
}

void ExecutionEngine::Recover() {
  auto running = store_.ListRecordsWithStatus(kRecordExecution, kExecutionRunning);
  if (!running.ok()) {
    spdlog::warn("executions: can't load running executions: {}", running.error().message);
    retry_at_ = SteadyClock::now() + std::chrono::milliseconds(options_.retry_interval_ms);
    return;
  }
  for (const Record& record : running.value()) AdoptLoaded(record.key, Load(record));
  ApplyStoredCancelRequests();
  LoadStoredStops();
  // Jobs are read a page per round (RecoverSome), so that new work goes on meanwhile and no
  // more of them are held whole at once than a round takes; those with a stop to send first.
  for (const auto& [name, pending] : pending_stops_) {
    std::string job_id = JobIdOfExecutionKey(pending.execution);
    if (job_id.empty() || HeldVersion(pending.execution)) continue;
    auto job = store_.GetJob(job_id);
    if (job.ok()) HoldRecovered(std::move(job).value());
  }
  recover_after_ = PageCursor{};
  recovered_ = true;
  spdlog::info("executions: recovered {} running execution(s), {} task stop(s) to send; reading "
               "the active jobs",
               running->size(), pending_stops_.size());
}

void ExecutionEngine::HoldRecovered(Job job) {
  std::string key = JobExecutionKey(job.id);
  if (HeldVersion(key) || !IsActive(job)) return;  // read already (a request, a stop), or over
  if (job.execution.empty()) {  // stored by an earlier version of the service
    Status ensured = EnsureJobExecution(job);
    if (!ensured.ok()) {
      LogFields fields{{"job_id", job.id}, {"workflow", job.workflow.name}};
      spdlog::warn("executions: job {}: {}", job.id, ensured.error().message);
    }
    return;
  }
  AdoptLoaded(key, LoadJob(std::move(job)));
}

void ExecutionEngine::RecoverSome() {
  constexpr size_t kJobsPerRound = 2000;
  auto page = store_.ListActiveJobs(*recover_after_, kJobsPerRound);
  if (!page.ok()) {  // the store is away: later
    retry_at_ = SteadyClock::now() + std::chrono::milliseconds(options_.retry_interval_ms);
    return;
  }
  if (!page->empty()) {
    recover_after_ = PageCursor{false, page->back().created_at, page->back().id};
  }
  bool last = page->size() < kJobsPerRound;
  for (Job& job : page.value()) HoldRecovered(std::move(job));
  if (last) {
    recover_after_.reset();
    spdlog::info("executions: every active job is read");
  }
}

void ExecutionEngine::AdoptLoaded(const std::string& key,
                                  Result<std::unique_ptr<Active>> loaded) {
  if (loaded.ok()) {
    Adopt(std::move(loaded).value());
  } else {
    LoadFailed(key, loaded.error());
  }
}

void ExecutionEngine::LoadFailed(const std::string& arn, const Error& error) {
  if (error.code == ErrorCode::kUnavailable) {
    std::lock_guard lock(inbox_mu_);
    inbox_.reload.insert(arn);  // read again in the next round
    return;
  }
  spdlog::error("executions: {}", error.message);
}

void ExecutionEngine::ApplyStoredCancelRequests() {
  auto requests = store_.ListCancelCommands();
  if (!requests.ok()) {
    spdlog::warn("executions: can't read stored cancel requests: {}", requests.error().message);
    return;
  }
  CommitBatch consumed;
  for (const CancelCommand& request : requests.value()) {
    auto cancelled = CancelJob(request.job_id, request.reason);
    bool settled = cancelled.ok() || cancelled.error().code == ErrorCode::kNotFound ||
                   cancelled.error().code == ErrorCode::kConflict;  // gone, or finished first
    if (settled) consumed.consumed_commands.push_back(request.id);
  }
  if (!consumed.consumed_commands.empty()) (void)store_.Commit(consumed);
}

void ExecutionEngine::Discover(std::set<std::string>* reload) {
  auto running = store_.ListRecordsWithStatus(kRecordExecution, kExecutionRunning);
  auto jobs = running.ok() ? store_.ListActiveJobVersions() : running.error();
  if (!jobs.ok()) return;
  std::unordered_set<std::string> listed;
  for (const Record& record : running.value()) {
    listed.insert(record.key);
    auto known = HeldVersion(record.key);
    if (known) {
      // Changed by another replica's API (a stop, a cancel, a worker's result): reloaded.
      if (*known < record.version) reload->insert(record.key);
      continue;
    }
    auto active = Load(record);
    if (active.ok()) Adopt(std::move(active).value());
  }
  for (const JobVersion& job : jobs.value()) {
    std::string key = JobExecutionKey(job.id);
    listed.insert(key);
    auto known = HeldVersion(key);
    // Started or changed by another replica's API: (re)loaded.
    if (!known || *known < job.version) reload->insert(key);
  }
  for (const auto& [key, active] : active_) {  // ended by another replica's API
    if (!listed.count(key) && active->state.status == kExecutionRunning) reload->insert(key);
  }
  for (const auto& [key, dormant] : dormant_) {
    if (!listed.count(key)) reload->insert(key);
  }
  LoadStoredStops();  // stored by the API of another replica
}

std::optional<int64_t> ExecutionEngine::HeldVersion(const std::string& key) const {
  auto active = active_.find(key);
  if (active != active_.end()) {
    const Active& held = *active->second;
    return held.job ? held.job->version : held.record.version;
  }
  auto dormant = dormant_.find(key);
  if (dormant != dormant_.end()) return dormant->second.version;
  return std::nullopt;
}

std::vector<std::string> ExecutionEngine::ActiveExecutorIds() const {
  std::vector<std::string> ids;
  ids.reserve(by_executor_id_.size());
  for (const auto& [id, owner] : by_executor_id_) ids.push_back(id);
  return ids;
}

void ExecutionEngine::ApplyExecutorChanges(const std::vector<std::string>& ids, int64_t now) {
  std::vector<std::string> known;
  for (const auto& id : ids) {
    if (by_executor_id_.count(id)) known.push_back(id);
  }
  if (known.empty()) return;
  for (const TaskObservation& seen : executor_.Describe(known)) {
    std::string key = Observe(seen, now);
    // Looked at by the round only when the observation changed it: a poll that brings no news
    // costs no pass over the executions it describes.
    auto held = active_.find(key);
    if (held != active_.end() && held->second->dirty) Touch(key);
  }
}

std::string ExecutionEngine::Observe(const TaskObservation& seen, int64_t now) {
  auto owner = by_executor_id_.find(seen.id);
  if (owner == by_executor_id_.end()) return "";
  auto [arn, attempt] = owner->second;
  auto dormant = dormant_.find(arn);
  if (dormant != dormant_.end() && !Wakes(dormant->second, seen)) return arn;  // no news
  Active* held = Resident(arn);
  if (!held && dormant_.count(arn)) return arn;  // not readable now: the next poll brings it again
  bool job_task_stopped = true;  // for the job's view, whatever the interpreter still waits on
  if (held && held->job) job_task_stopped = ObserveInJob(*held, seen, attempt, now);
  if (!seen.new_id.empty() && seen.new_id != seen.id) {
    by_executor_id_.erase(owner);
    owner = by_executor_id_.emplace(seen.new_id, std::make_pair(arn, attempt)).first;
  }
  const asl::Frame* frame = held ? held->interpreter->FindAttempt(attempt) : nullptr;
  if (!frame) {  // over for the interpreter; a cancelled job's task is watched until it stops
    if (job_task_stopped) by_executor_id_.erase(owner);
    return arn;
  }
  Active& active = *held;
  asl::Frame& stored = active.state.frames.at(frame->id);
  if (!seen.new_id.empty() && seen.new_id != stored.task->executor_id) {
    stored.task->executor_id = seen.new_id;
    active.dirty = true;
  }
  asl::TaskResource resource = asl::ClassifyResource(stored.task->resource);
  // batch:submitJob (no .sync) ends once the job is described (it exists: its ARN is known),
  // whatever it does then; a refused submission fails it below.
  bool submitted = !seen.description_json.empty() || seen.status == TaskStatus::kSucceeded;
  if (resource.kind == asl::ResourceKind::kBatchSubmit && !resource.wait_for_token && submitted) {
    std::string job_id = seen.new_id.empty() ? seen.id : seen.new_id;
    by_executor_id_.erase(job_id);
    ensured_.erase(attempt);
    active.interpreter->TaskSucceeded(
        attempt, SubmitJobResult(job_id, attempt, active.info.arn, seen.description_json), now);
    Collect(active);
    return arn;
  }
  if (IsTerminal(seen.status)) {
    by_executor_id_.erase(seen.new_id.empty() ? seen.id : seen.new_id);
    ensured_.erase(attempt);
    if (resource.wait_for_token && seen.status == TaskStatus::kSucceeded) {
      return arn;  // the result comes with SendTaskSuccess
    }
    auto result = TaskResultOf(seen, resource);
    if (result.ok()) {
      active.interpreter->TaskSucceeded(attempt, std::move(result).value(), now);
    } else {
      active.interpreter->TaskFailed(attempt, result.failure(), now);
    }
  } else if (seen.status == TaskStatus::kRunning) {
    active.interpreter->TaskStarted(attempt, stored.task->executor_id, "", now);
  }
  Collect(active);
  return arn;
}

bool ExecutionEngine::Act(Active& active, int64_t now) {
  bool changed = false;
  std::vector<std::string> submitted;
  std::vector<int64_t> to_start = std::exchange(active.to_start, {});
  std::vector<asl::TaskToStop> to_stop = std::exchange(active.to_stop, {});
  for (const auto& stop : to_stop) {
    broker_->Withdraw(stop.name);
    ensured_.erase(stop.name);
    if (!active.job) {  // a job's stopped tasks are watched until they stop (for its view)
      by_executor_id_.erase(stop.name);
      if (!stop.executor_id.empty()) by_executor_id_.erase(stop.executor_id);
    }
    if (!IsActivity(stop)) pending_stops_[stop.name] = {active.info.arn, stop};  // stored too
  }
  for (int64_t frame_id : to_start) {
    auto it = active.state.frames.find(frame_id);
    if (it == active.state.frames.end() || it->second.phase != asl::FramePhase::kTask) continue;
    asl::Frame& frame = it->second;
    asl::TaskAttempt& task = *frame.task;
    if (ensured_.count(task.name)) continue;
    asl::TaskResource resource = asl::ClassifyResource(task.resource);
    if (resource.kind == asl::ResourceKind::kActivity) {
      if (task.worker.empty()) {
        broker_->Offer(OfferedActivityTask{task.resource, active.info.arn, task.name,
                                           ActivityTask{task.token, task.input.dump()}});
      }
      ensured_.insert(task.name);
      continue;
    }
    Task* job_task = active.job ? TaskOfAttempt(*active.job, task.name) : nullptr;
    auto spec = active.job
                    ? JobSpecOf(*active.job, task, job_task)
                    : TaskSpecFor(task, resource, active.context, frame.state, frame.retry_count);
    if (!spec.ok()) {
      active.interpreter->TaskFailed(task.name, spec.failure(), now);
      changed = true;
      continue;
    }
    spec.value().fresh = active.fresh_attempts.count(task.name) > 0;
    auto id = executor_.Submit(spec.value());
    if (!id.ok()) {
      if (id.error().code == ErrorCode::kUnavailable) {
        active.to_start.push_back(frame_id);  // try again later
        retry_at_ = SteadyClock::now() + std::chrono::milliseconds(options_.retry_interval_ms);
        continue;
      }
      active.interpreter->TaskFailed(task.name,
                                     asl::Failure{asl::kStatesTaskFailed, id.error().message}, now);
      if (job_task) FailSubmission(*job_task, id.error().message, now);
      changed = true;
      continue;
    }
    std::string attempt = task.name;
    active.fresh_attempts.erase(attempt);
    ensured_.insert(attempt);
    by_executor_id_[id.value()] = {active.info.arn, attempt};
    submitted.push_back(id.value());  // what the executor knows of it already, at once
    if (job_task && job_task->id != id.value()) job_task->id = id.value();
    if (task.executor_id != id.value()) {
      active.interpreter->TaskStarted(attempt, id.value(), "", now);
    }
    changed = true;
  }
  Collect(active);
  if (!submitted.empty()) OnExecutorChange(submitted);
  return changed;
}

bool ExecutionEngine::CommitDirty(const std::vector<std::pair<std::string, Active*>>& attended) {
  std::vector<Active*> dirty;
  for (const auto& [arn, active] : attended) {
    if (active->dirty) dirty.push_back(active);
  }
  // Transactions of a bounded size: a round that touched tens of thousands of executions does
  // not build one huge write (SQLite spills it, and it holds the memory of all of them at once).
  constexpr size_t kExecutionsPerCommit = 1000;
  for (size_t start = 0; start < dirty.size(); start += kExecutionsPerCommit) {
    size_t end = std::min(dirty.size(), start + kExecutionsPerCommit);
    if (!Commit({dirty.begin() + start, dirty.begin() + end})) return false;
  }
  return true;
}

bool ExecutionEngine::Commit(const std::vector<Active*>& written) {
  CommitBatch batch;
  std::vector<size_t> record_mutation;  // per written execution, its index in batch.records
  TimestampMs now = clock_.Now();
  for (Active* active : written) {
    record_mutation.push_back(batch.records.size());
    AddWrites(*active, now, &batch);
  }
  auto conflicts = store_.Commit(batch);
  if (!conflicts.ok()) {
    spdlog::warn("executions: can't store {} execution(s): {}", written.size(),
                 conflicts.error().message);
    // Nothing was written: keep the events for the next try.
    size_t next = 0;
    for (Active* active : written) {
      while (next < batch.events.size() && batch.events[next].execution == active->info.arn) {
        active->pending_events.push_back(std::move(batch.events[next++]));
      }
    }
    retry_at_ = SteadyClock::now() + std::chrono::milliseconds(options_.retry_interval_ms);
    return false;
  }
  // Refused: executions another writer changed first, and stops stored already (kept).
  std::set<std::string> refused(conflicts->begin(), conflicts->end());
  std::vector<std::string> lost;
  for (size_t i = 0; i < written.size(); ++i) {
    Active* active = written[i];
    if (refused.count(StoredKey(*active))) {
      DeleteStopRecords(store_, active->to_stop, refused);
      lost.push_back(active->info.arn);
      continue;
    }
    if (active->job) {
      ++active->job->version;
    } else {
      active->record.version = batch.records[record_mutation[i]].record.version;
    }
    active->dirty = false;
  }
  commits_++;
  executions_written_ += written.size() - lost.size();
  for (const auto& arn : lost) {
    Forget(arn);  // another writer was first: start again from what it stored
    std::lock_guard lock(inbox_mu_);
    inbox_.reload.insert(arn);
  }
  return true;
}

bool ExecutionEngine::Round() {
  rounds_++;
  Inbox inbox;
  {
    std::lock_guard lock(inbox_mu_);
    std::swap(inbox, inbox_);
  }
  if (!recovered_) {
    Recover();
    if (!recovered_) return false;
  }
  if (recover_after_) RecoverSome();
  // A bounded number of just-started executions per round (the others wait for the next), so
  // that a burst is not held whole at once.
  constexpr size_t kStartedPerRound = 2000;
  if (inbox.started.size() > kStartedPerRound) {
    std::lock_guard lock(inbox_mu_);
    inbox_.started.insert(inbox_.started.begin(),
                          std::make_move_iterator(inbox.started.begin() + kStartedPerRound),
                          std::make_move_iterator(inbox.started.end()));
    inbox.started.resize(kStartedPerRound);
  }
  auto steady_now = SteadyClock::now();
  if (options_.discovery_interval_ms > 0 && !recover_after_ && steady_now >= next_discovery_) {
    Discover(&inbox.reload);
    next_discovery_ = steady_now + std::chrono::milliseconds(options_.discovery_interval_ms);
  }
  int64_t now = clock_.Now();
  for (Started& started : inbox.started) {
    std::string key = started.job ? JobExecutionKey(started.job->id) : started.record.key;
    auto known = HeldVersion(key);
    if (known && *known >= (started.job ? started.job->version : started.record.version)) continue;
    AdoptLoaded(key, started.job ? LoadJob(std::move(*started.job)) : Load(started.record));
  }
  for (const auto& key : inbox.reload) {
    auto active = LoadStored(key);
    if (!active.ok() && active.error().code == ErrorCode::kNotFound) {
      Forget(key);
      continue;
    }
    if (!active.ok()) {
      LoadFailed(key, active.error());
      continue;
    }
    if (!Kept(*active.value())) {
      Forget(key);
      continue;
    }
    Adopt(std::move(active).value());
  }
  std::vector<std::string> changed(inbox.changed_ids.begin(), inbox.changed_ids.end());
  if (steady_now >= next_poll_) {
    changed = ActiveExecutorIds();
    next_poll_ = steady_now + std::chrono::milliseconds(options_.poll_interval_ms);
  }
  ApplyExecutorChanges(changed, now);
  for (auto& stop : inbox.stops) pending_stops_[stop.stop.name] = std::move(stop);
  for (const auto& [offered, worker] : inbox.taken) {
    Active* active = Resident(offered.execution_arn);
    if (!active) continue;
    active->interpreter->TaskStarted(offered.attempt, "", worker, now);
    Collect(*active);
    Touch(offered.execution_arn);
  }
  TouchDue(now);
  std::vector<std::pair<std::string, Active*>> attended = Attended();
  for (const auto& [arn, active] : attended) {
    if (active->state.last_event_id == 0) {
      active->interpreter->Start(now);
    } else {
      int64_t due = active->interpreter->NextDueMs();
      if (due > 0 && due <= now) active->interpreter->Advance(now);
    }
    Collect(*active);
  }
  if (!CommitDirty(attended)) return false;
  attended = Attended();  // without those a conflict made the commit forget (reloaded)
  bool more = false;
  std::vector<std::string> finished, evicted;
  // Executions held whole beyond the bound: as many settled ones are held as small entries.
  size_t excess = active_.size() > options_.max_resident_executions
                      ? active_.size() - options_.max_resident_executions
                      : 0;
  for (const auto& [arn, active] : attended) {
    if (!active->to_start.empty() || !active->to_stop.empty()) {
      if (Act(*active, now)) more = true;
    }
    if (!Kept(*active) && !active->dirty && active->to_stop.empty()) {
      finished.push_back(arn);
      Metrics::Global().Add(
          metric::kFinished,
          active->job ? MetricLabels{{"kind", "job"},
                                     {"name", active->job->workflow.name},
                                     {"status", ToString(active->job->status)}}
                      : MetricLabels{{"kind", "execution"},
                                     {"name", active->info.state_machine_name},
                                     {"status", active->info.status}});
    } else if (!active->dirty && active->to_start.empty() && active->to_stop.empty()) {
      attention_.erase(arn);  // settled: looked at again when something happens to it
      std::string().swap(active->info_text);  // memory for the waiting, made again when written
      ScheduleDue(*active);
      if (evicted.size() < excess) evicted.push_back(arn);
    } else {
      ScheduleDue(*active);
    }
  }
  for (const auto& arn : finished) Forget(arn);
  executions_finished_ += finished.size();
  for (const auto& arn : evicted) Evict(arn);
  if (recover_after_ && retry_at_ <= SteadyClock::now()) more = true;
  if (!pending_stops_.empty() && SendPendingStops()) more = true;
  return more;
}

void ExecutionEngine::LoadStoredStops() {
  auto stored = store_.ListRecordsWithStatus(kRecordTaskStop, kTaskStopPending);
  if (!stored.ok()) {
    spdlog::warn("executions: can't load pending task stops: {}", stored.error().message);
    return;
  }
  for (const Record& record : stored.value()) {
    auto stop = TaskStopOf(record);
    if (!stop.ok()) {
      spdlog::error("executions: {}", stop.error().message);
      continue;
    }
    pending_stops_.emplace(record.key, PendingStop{record.parent, std::move(stop).value()});
  }
}

bool ExecutionEngine::SendPendingStops() {
  // By reason: a job's tasks are stopped with the reason it was cancelled with.
  std::map<std::string, std::vector<std::string>> ids_by_reason;
  std::unordered_map<std::string, std::string> name_of_id;
  for (const auto& [name, pending] : pending_stops_) {
    const asl::TaskToStop& stop = pending.stop;
    Active* owner = Resident(pending.execution);
    std::string reason = owner && owner->job ? owner->job->status_reason : "its state was left";
    std::string id = stop.executor_id.empty() ? name : stop.executor_id;
    ids_by_reason[reason].push_back(id);
    name_of_id[id] = name;
  }
  bool changed = false;
  for (const auto& [reason, ids] : ids_by_reason) {
    for (const auto& id : executor_.Terminate(ids, reason)) {
      auto name = name_of_id.find(id);
      if (name == name_of_id.end()) continue;
      Status deleted = store_.DeleteRecord(kRecordTaskStop, name->second);
      if (!deleted.ok() && deleted.error().code != ErrorCode::kNotFound) continue;
      auto pending = pending_stops_.find(name->second);
      Active* owner = Resident(pending->second.execution);
      if (owner && owner->job) {  // the job's view learns it too
        Task* task = TaskOfAttempt(*owner->job, name->second);
        if (task && !task->terminate_sent) {
          task->terminate_sent = true;
          owner->dirty = true;
          Touch(pending->second.execution);
          changed = true;
        }
      }
      pending_stops_.erase(pending);
    }
  }
  if (!pending_stops_.empty()) {
    spdlog::warn("executions: {} task(s) not stopped yet; trying again", pending_stops_.size());
    retry_at_ = SteadyClock::now() + std::chrono::milliseconds(options_.retry_interval_ms);
  }
  return changed;
}

void ExecutionEngine::Loop() {
  while (true) {
    // Acquires the lead when it is free, or confirms it (the lock rate-limits its own checks).
    bool leading = options_.leadership == nullptr || options_.leadership->Hold();
    if (leading != leading_) {
      leading_ = leading;
      ForgetAll();
    }
    if (retry_at_ > SteadyClock::now()) {  // the store or the executor was away: wait a little
      std::unique_lock lock(inbox_mu_);
      wake_.wait_until(lock, retry_at_, [this] { return stopping_; });
      if (stopping_) return;
      continue;
    }
    if (!leading_) {  // the leader finds what the API stored here
      std::unique_lock lock(inbox_mu_);
      inbox_ = Inbox{};
      wake_.wait_for(lock, std::chrono::milliseconds(options_.leader_retry_interval_ms),
                     [this] { return stopping_; });
      if (stopping_) return;
      continue;
    }
    auto round_start = SteadyClock::now();
    bool more = Round();
    Metrics::Global().Observe(metric::kRoundSeconds, {},
                              std::chrono::duration<double>(SteadyClock::now() - round_start)
                                  .count());
    std::unique_lock lock(inbox_mu_);
    if (stopping_) return;
    if (more) continue;
    auto deadline = std::min(
        next_poll_, SteadyClock::now() + std::chrono::milliseconds(options_.poll_interval_ms));
    if (options_.discovery_interval_ms > 0) deadline = std::min(deadline, next_discovery_);
    if (!due_.empty()) {
      int64_t wait_ms = std::max<int64_t>(0, due_.begin()->first - clock_.Now());
      deadline = std::min(deadline, SteadyClock::now() + std::chrono::milliseconds(wait_ms));
    }
    wake_.wait_until(lock, deadline, [this] {
      return stopping_ || !inbox_.reload.empty() || !inbox_.started.empty() ||
             !inbox_.changed_ids.empty() || !inbox_.taken.empty();
    });
  }
}

Result<nlohmann::json> ExecutionEngine::TestState(const nlohmann::json& request) {
  asl::InterpreterOptions options = interpreter_options_;
  options.wait_time_scale = 1;  // a Retry interval shows as RETRIABLE; Waits are ended at once
  return RunTestState(request, executor_, clock_, options);
}

}  // namespace wfm
