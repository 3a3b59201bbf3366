#include "executor/local/local_executor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/logging.h"
#include "executor/local/state_file.h"
#include "executor/local/step_functions_task.h"
#include "executor/local/supervisor_protocol.h"
#include "executor/local/task_launch.h"

namespace wfm {
namespace {

namespace fs = std::filesystem;

// glibc 2.36's <sys/pidfd.h> lacks C linkage for C++, so the system calls are made directly.
int PidfdOpen(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }
int PidfdSignal(int pidfd, int sig) {
  return static_cast<int>(syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0));
}

// Whether `id` can name an attempt's files in the tasks directory.
bool IsAttemptName(const std::string& id) {
  return !id.empty() && id != "." && id != ".." && id.find('/') == std::string::npos &&
         id.find('\0') == std::string::npos;
}

constexpr int kSettleIntervalMs = 1000;
// The system's limit on one argument or environment string, its terminating NUL included
// (MAX_ARG_STRLEN).
constexpr size_t kMaxArgumentBytes = 32 * 4096;

// For an attempt whose command ended without an "exit" record (its supervisor died, and the
// command with it): kills what the command left in its process group. The group's id can't name
// another group while a member of it lives.
void KillLeftoverGroup(const std::string& state_path) {
  if (!ReadStateRecord(state_path, "exit").is_discarded()) return;
  auto command = ReadStateRecord(state_path, "command");
  pid_t group = command.is_object() ? command.value("pid", 0) : 0;
  if (group > 1) kill(-group, SIGKILL);
}
constexpr const char* kOutcomeUnknown =
    "the task's supervisor stopped without recording an outcome (killed?); outcome unknown";

// A connection to the supervisor listening at `path`, or -1.
int ConnectTo(const std::string& path) {
  int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
  if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    return fd;
  }
  if (fd >= 0) close(fd);
  return -1;
}

// The "started" record of a state file whose lock is held. A runner writes it first thing, so
// it is waited for briefly: a process sharing the directory may have spawned that runner just now.
nlohmann::json AwaitStartedRecord(const std::string& state_path) {
  for (int i = 0; i < 200; ++i) {
    auto started = ReadStateRecord(state_path, "started");
    if (started.is_object()) return started;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return nlohmann::json(nlohmann::json::value_t::discarded);
}

}  // namespace

Result<std::unique_ptr<LocalExecutor>> LocalExecutor::Create(LocalExecutorOptions options,
                                                             JobDefinitions definitions,
                                                             Clock& clock) {
  std::error_code ec;
  fs::create_directories(options.tasks_dir, ec);
  // Absolute, as tasks are given paths in it while they run in directories of their own.
  if (!ec) options.tasks_dir = fs::absolute(options.tasks_dir, ec).lexically_normal().string();
  if (ec || !fs::is_directory(options.tasks_dir)) {
    return Error{ErrorCode::kInvalidArgument,
                 "can't create tasks directory '" + options.tasks_dir + "': " + ec.message()};
  }
  if (access(options.runner_path.c_str(), X_OK) != 0) {
    return Error{ErrorCode::kInvalidArgument,
                 "task runner '" + options.runner_path + "' is not executable"};
  }
  auto inherited = InheritedTaskEnvironment(options.pass_environment);
  if (!inherited.ok()) return inherited.error();
  if (options.max_parallel < 1) options.max_parallel = 1;
  std::unique_ptr<LocalExecutor> executor(new LocalExecutor(
      std::move(options), std::move(definitions), std::move(inherited.value()), clock));
  return executor;
}

LocalExecutor::LocalExecutor(LocalExecutorOptions options, JobDefinitions definitions,
                             Environment inherited_env, Clock& clock)
    : options_(std::move(options)),
      definitions_(std::make_shared<const JobDefinitions>(std::move(definitions))),
      inherited_env_(std::move(inherited_env)),
      clock_(clock) {
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  tasks_dir_fd_ = open(options_.tasks_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  watcher_ = std::thread([this] { WatchLoop(); });
}

LocalExecutor::~LocalExecutor() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  Wake();
  watcher_.join();
  for (auto& [id, task] : tasks_) {
    if (task.pidfd >= 0) close(task.pidfd);
  }
  for (int fd : retired_fds_) close(fd);
  if (supervisor_fd_ >= 0) close(supervisor_fd_);
  if (tasks_dir_fd_ >= 0) close(tasks_dir_fd_);
  close(wake_fd_);
}

std::string LocalExecutor::StatePath(const std::string& name) const {
  return options_.tasks_dir + "/" + name + ".state";
}

std::string LocalExecutor::LogPath(const std::string& name) const {
  return options_.tasks_dir + "/" + name + ".log";
}

std::string LocalExecutor::WorkDir(const std::string& name) const {
  return options_.tasks_dir + "/" + name + ".d";
}

Result<std::string> LocalExecutor::Submit(const TaskSpec& spec) {
  auto definition = std::atomic_load(&definitions_)->Resolve(spec.resource);
  if (!definition.ok()) return definition.error();
  auto overrides = ApplySubmitJobOverrides(spec.submit_job, definition.value());
  if (!overrides.ok()) return overrides.error();
  std::vector<std::string> changed;
  {
    std::lock_guard lock(mu_);
    if (tasks_.count(spec.name)) return spec.name;
    Tracked& task = tasks_[spec.name];
    task.spec = spec;
    task.definition = definition.value();
    task.overrides = std::move(overrides.value());
    task.created_at = clock_.Now();
    task.seen.id = spec.name;
    task.seen.status = TaskStatus::kQueued;
    task.seen.job_definition =
        definition->name + ":" + std::to_string(definition->revision);
    if (fs::exists(StatePath(spec.name))) {
      AdoptLocked(task);
    } else {
      queue_.push_back(spec.name);
    }
    changed = StartQueuedLocked();
  }
  Wake();
  notifier_.Notify(changed);
  return spec.name;
}

void LocalExecutor::AdoptLocked(Tracked& task) {
  LogFields fields{{"task_id", task.seen.id}};
  std::string state = StatePath(task.seen.id);
  int lock = TryLockStateFile(state);
  if (lock < 0) {  // an earlier service process (or a replica) is running it
    auto started = AwaitStartedRecord(state);
    if (started.is_object() && started.value("supervised", false)) {
      std::string why;
      // Connected before the lock is looked at again: its "done" can't be missed.
      if (ConnectSupervisorLocked(&why)) {
        MarkSupervisedLocked(task);
        task.seen.started_at = started.value("startedAt", 0LL);
        task.seen.status = TaskStatus::kRunning;
        auto command = ReadStateRecord(state, "command");
        if (command.is_object()) {
          task.seen.container = "pid " + std::to_string(command.value("pid", 0));
        }
        ++running_;
        DescribeStepFunctionsTask(WorkDir(task.seen.id), task.seen);
        int ended = TryLockStateFile(state);  // it may have ended meanwhile
        if (ended >= 0) {
          close(ended);
          FinishLocked(task);
        }
        spdlog::info("local executor: adopted running task {}", task.seen.id);
        return;
      }
      spdlog::warn("local executor: can't watch task {}: {}", task.seen.id, why);
    }
    pid_t runner_pid = started.is_object() ? started.value("runnerPid", 0) : 0;
    task.pidfd = runner_pid > 0 ? PidfdOpen(runner_pid) : -1;
    if (task.pidfd >= 0) {
      task.seen.started_at = started.value("startedAt", 0LL);
      task.seen.status = TaskStatus::kRunning;
      auto command = ReadStateRecord(state, "command");
      task.seen.container =
          "pid " + std::to_string(command.is_object() ? command.value("pid", 0) : runner_pid);
      watched_.insert(task.seen.id);
      Wake();  // the watcher polls this runner from now on, whoever adopted it
      ++running_;
      DescribeStepFunctionsTask(WorkDir(task.seen.id), task.seen);
      spdlog::info("local executor: adopted running task {}", task.seen.id);
      return;
    }
    lock = TryLockStateFile(state);  // the runner has exited in the meantime: its records are final
    if (lock < 0) {
      task.seen.status = TaskStatus::kFailed;
      task.seen.status_reason = "can't watch the task's runner; outcome unknown";
      task.seen.stopped_at = clock_.Now();
      return;
    }
  }
  close(lock);
  if (ReadStateOutcome(state, &task.seen)) {
    CompleteStepFunctionsObservation(WorkDir(task.seen.id), task.seen);
    return;
  }
  if (!ReadStateRecord(state, "started").is_discarded()) {
    KillLeftoverGroup(state);
    task.seen.status = TaskStatus::kFailed;
    task.seen.status_reason = kOutcomeUnknown;
    task.seen.stopped_at = clock_.Now();
    DescribeStepFunctionsTask(WorkDir(task.seen.id), task.seen);
    return;
  }
  if (task.definition.command.empty()) return;  // described, not submitted: leave it queued
  queue_.push_back(task.seen.id);               // the earlier process never started it
}

std::vector<std::string> LocalExecutor::StartQueuedLocked() {
  std::vector<std::string> changed;
  while (running_ < options_.max_parallel && !queue_.empty()) {
    std::string id = queue_.front();
    queue_.pop_front();
    auto it = tasks_.find(id);
    if (it == tasks_.end() || it->second.seen.status != TaskStatus::kQueued) continue;
    StartLocked(it->second);
    changed.push_back(id);
  }
  return changed;
}

bool LocalExecutor::StartLocked(Tracked& task) {
  const std::string id = task.seen.id;
  auto fail = [&](const std::string& why) {
    task.seen.status = TaskStatus::kFailed;
    task.seen.status_reason = why;
    task.seen.stopped_at = clock_.Now();
    return false;
  };
  int lock = TryLockStateFile(StatePath(id));
  if (lock < 0 || !ReadStateRecord(StatePath(id), "started").is_discarded() ||
      !ReadStateRecord(StatePath(id), "cancelled").is_discarded()) {
    // Another process (a replica, or an earlier one) started or cancelled it meanwhile: adopt it.
    if (lock >= 0) close(lock);
    AdoptLocked(task);
    return task.seen.status == TaskStatus::kRunning;
  }

  std::error_code ec;
  fs::create_directories(WorkDir(id), ec);
  if (ec) {
    close(lock);
    return fail("can't create the task's directory " + WorkDir(id) + ": " + ec.message());
  }
  Environment definition_env = task.definition.environment;  // then the SubmitJob overrides
  definition_env.insert(definition_env.end(), task.overrides.begin(), task.overrides.end());
  Environment engine_env = task.spec.environment;
  std::string stdin_path = "/dev/null";
  if (task.spec.function_input) {
    stdin_path = FunctionInputPath(WorkDir(id));
    engine_env.emplace_back("WFM_TASK_OUTPUT", FunctionOutputPath(WorkDir(id)));
  }
  if (task.spec.function_input || !task.spec.submit_job.is_null()) {
    auto written = WriteStepFunctionsTaskFiles(task.spec, task.definition, task.overrides,
                                               task.created_at, WorkDir(id));
    if (!written.ok()) {
      close(lock);
      return fail(written.error().message);
    }
  }
  auto environment = TaskEnvironment(inherited_env_, definition_env, engine_env, WorkDir(id));
  if (!environment.ok()) {
    close(lock);
    return fail(environment.error().message);
  }
  std::vector<std::string> fields = {"run",
                                     id,
                                     LogPath(id),
                                     WorkDir(id),
                                     stdin_path,
                                     std::to_string(task.definition.timeout_seconds),
                                     std::to_string(options_.kill_grace_seconds),
                                     std::to_string(task.definition.command.size())};
  fields.insert(fields.end(), task.definition.command.begin(), task.definition.command.end());
  fields.push_back(std::to_string(environment->size()));
  for (const auto& [name, value] : environment.value()) fields.push_back(name + "=" + value);
  std::string message = supervisor::Encode(fields);
  if (message.size() > supervisor::kMaxMessageBytes) {
    close(lock);
    return fail("the task's command and environment take " + std::to_string(message.size()) +
                " bytes, more than the local executor's limit of " +
                std::to_string(supervisor::kMaxMessageBytes) +
                " bytes; pass large inputs as the job's data (read from _BATCH_START_FILE)");
  }
  for (size_t i = 8; i < fields.size(); ++i) {
    if (fields[i].size() >= kMaxArgumentBytes) {
      close(lock);
      return fail("an argument or environment variable of the task ('" + fields[i].substr(0, 40) +
                  "...') has " + std::to_string(fields[i].size()) + " bytes; the system allows " +
                  std::to_string(kMaxArgumentBytes - 1));
    }
  }
  std::string why;
  bool sent = SendLocked(message, lock, &why);
  close(lock);  // the supervisor holds it now (a copy of it), until the command has ended
  if (!sent) return fail("can't start the task: " + why);

  MarkSupervisedLocked(task);
  task.seen.status = TaskStatus::kRunning;
  task.seen.started_at = clock_.Now();
  ++running_;
  DescribeStepFunctionsTask(WorkDir(id), task.seen);
  return true;
}

void LocalExecutor::CancelQueuedLocked(Tracked& task, const std::string& reason) {
  std::string state = StatePath(task.seen.id);
  int lock = TryLockStateFile(state);
  if (lock < 0 || !ReadStateRecord(state, "started").is_discarded()) {
    if (lock >= 0) close(lock);
    AdoptLocked(task);  // started meanwhile by another process sharing the directory
    return;
  }
  TimestampMs now = clock_.Now();
  if (!AppendStateRecord(lock, "cancelled", {{"reason", reason}, {"stoppedAt", now}})) {
    spdlog::warn("local executor: can't record the cancellation of {}: {}", task.seen.id,
                 strerror(errno));
  }
  close(lock);
  task.seen.status = TaskStatus::kFailed;
  task.seen.status_reason = "terminated before it started: " + reason;
  task.seen.stopped_at = now;
}

void LocalExecutor::MarkSupervisedLocked(Tracked& task) {
  if (!task.supervised) ++supervised_count_;
  task.supervised = true;
}

void LocalExecutor::FinishLocked(Tracked& task) {
  if (task.pidfd >= 0) close(task.pidfd);
  task.pidfd = -1;
  if (task.supervised) --supervised_count_;
  task.supervised = false;
  watched_.erase(task.seen.id);
  --running_;
  if (!ReadStateOutcome(StatePath(task.seen.id), &task.seen)) {
    task.seen.status = TaskStatus::kFailed;
    task.seen.status_reason = kOutcomeUnknown;
    task.seen.stopped_at = clock_.Now();
  }
  CompleteStepFunctionsObservation(WorkDir(task.seen.id), task.seen);
}

std::vector<TaskObservation> LocalExecutor::Describe(const std::vector<std::string>& ids) {
  std::lock_guard lock(mu_);
  std::vector<TaskObservation> out;
  out.reserve(ids.size());
  for (const auto& id : ids) {
    auto it = tasks_.find(id);
    if (it == tasks_.end() && IsAttemptName(id) && fs::exists(StatePath(id))) {
      it = tasks_.emplace(id, Tracked{}).first;  // from an earlier process
      it->second.seen.id = id;
      it->second.seen.status = TaskStatus::kQueued;
      AdoptLocked(it->second);
    }
    if (it == tasks_.end()) {
      TaskObservation lost;
      lost.id = id;
      lost.status = TaskStatus::kFailed;
      lost.status_reason = "task " + id + " is unknown to the local executor";
      out.push_back(lost);
      continue;
    }
    out.push_back(it->second.seen);
    // Reported terminal: forgotten here (its records stay on disk).
    if (IsTerminal(it->second.seen.status) && it->second.pidfd < 0 && !it->second.supervised) {
      tasks_.erase(it);
    }
  }
  return out;
}

std::vector<std::string> LocalExecutor::Terminate(const std::vector<std::string>& ids,
                                                  const std::string& reason) {
  std::vector<std::string> changed, taken;
  {
    std::lock_guard lock(mu_);
    for (const auto& id : ids) {
      taken.push_back(id);
      auto it = tasks_.find(id);
      if (it == tasks_.end()) {
        if (!IsAttemptName(id)) continue;          // nothing can run under it; Describe says so
        it = tasks_.emplace(id, Tracked{}).first;  // an attempt of an earlier process, or none
        it->second.seen.id = id;
        it->second.seen.status = TaskStatus::kQueued;
        if (fs::exists(StatePath(id))) AdoptLocked(it->second);
      }
      Tracked& task = it->second;
      if (task.seen.status == TaskStatus::kQueued) CancelQueuedLocked(task, reason);
      std::string why;
      if (IsTerminal(task.seen.status)) {
        changed.push_back(id);
      } else if (task.supervised) {
        // A supervisor that can't be reached is gone, and its commands with it (settled).
        if (!SendLocked(supervisor::Encode({"stop", id}), -1, &why)) {
          spdlog::warn("local executor: can't stop task {}: {}", id, why);
        }
      } else if (task.pidfd >= 0) {
        PidfdSignal(task.pidfd, SIGTERM);  // an earlier version's runner stops its command
      }
    }
  }
  Wake();  // adopted runners are watched from now on
  notifier_.Notify(changed);
  return taken;
}

Result<nlohmann::json> LocalExecutor::ListJobDefinitions() const {
  return std::atomic_load(&definitions_)->Documents();
}

void LocalExecutor::ReplaceJobDefinitions(JobDefinitions definitions) {
  std::atomic_store(&definitions_, std::make_shared<const JobDefinitions>(std::move(definitions)));
}

Status LocalExecutor::CheckResource(const std::string& resource) {
  auto definition = std::atomic_load(&definitions_)->Resolve(resource);
  if (definition.ok()) return OkStatus();
  return Error{ErrorCode::kInvalidArgument,
               "resource '" + resource + "': " + definition.error().message};
}

void LocalExecutor::SetChangeListener(
    std::function<void(const std::vector<std::string>&)> listener) {
  notifier_.Set(std::move(listener));
}

Result<std::string> LocalExecutor::ReadLog(const std::string& id, size_t max_bytes) const {
  std::string path = LogPath(id);
  if (id.empty() || id.find('/') != std::string::npos || !fs::exists(path)) {
    return Error{ErrorCode::kNotFound, "no log for task '" + id + "'"};
  }
  std::ifstream in(path, std::ios::binary);
  in.seekg(0, std::ios::end);
  auto size = static_cast<size_t>(in.tellg());
  size_t start = size > max_bytes ? size - max_bytes : 0;
  in.seekg(static_cast<std::streamoff>(start));
  std::string text(size - start, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  return text;
}

void LocalExecutor::Wake() {
  uint64_t one = 1;
  ssize_t ignored = write(wake_fd_, &one, sizeof one);
  (void)ignored;
}

bool LocalExecutor::ConnectSupervisorLocked(std::string* why) {
  if (supervisor_fd_ >= 0) return true;
  if (tasks_dir_fd_ < 0) {
    *why = "can't open the tasks directory " + options_.tasks_dir;
    return false;
  }
  std::string path = supervisor::ShortPath(tasks_dir_fd_, supervisor::kSocketName);
  int fd = ConnectTo(path);
  // None answers: start one, and wait (bounded) until it listens.
  for (int attempt = 0; fd < 0 && attempt < 500; ++attempt) {
    if (attempt % 100 == 0) {
      Status spawned = SpawnSupervisor(options_.runner_path, options_.tasks_dir,
                                       options_.tasks_dir + "/supervisor.log");
      if (!spawned.ok()) {
        *why = spawned.error().message;
        return false;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    fd = ConnectTo(path);
  }
  if (fd < 0) {
    *why = "the task supervisor does not answer (see " + options_.tasks_dir + "/supervisor.log)";
    return false;
  }
  supervisor_fd_ = fd;
  Wake();  // the watcher listens to it from now on
  SettleSupervisedLocked();
  return true;
}

void LocalExecutor::DropSupervisorLocked() {
  if (supervisor_fd_ >= 0) retired_fds_.push_back(supervisor_fd_);
  supervisor_fd_ = -1;
  Wake();
  SettleSupervisedLocked();
}

void LocalExecutor::SettleSupervisedLocked() {
  for (auto& [id, task] : tasks_) {
    if (!task.supervised) continue;
    int lock = TryLockStateFile(StatePath(id));
    if (lock < 0) continue;  // its command still runs
    close(lock);
    KillLeftoverGroup(StatePath(id));
    FinishLocked(task);
    unreported_.push_back(id);
  }
  if (!unreported_.empty()) Wake();
}

bool LocalExecutor::SendLocked(const std::string& message, int fd, std::string* why) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!ConnectSupervisorLocked(why)) return false;
    iovec io{const_cast<char*>(message.data()), message.size()};
    msghdr header{};
    header.msg_iov = &io;
    header.msg_iovlen = 1;
    char control[CMSG_SPACE(sizeof(int))] = {};
    if (fd >= 0) {
      header.msg_control = control;
      header.msg_controllen = sizeof control;
      cmsghdr* passed = CMSG_FIRSTHDR(&header);
      passed->cmsg_level = SOL_SOCKET;
      passed->cmsg_type = SCM_RIGHTS;
      passed->cmsg_len = CMSG_LEN(sizeof(int));
      memcpy(CMSG_DATA(passed), &fd, sizeof fd);
    }
    if (sendmsg(supervisor_fd_, &header, MSG_NOSIGNAL) == static_cast<ssize_t>(message.size())) {
      return true;
    }
    *why = std::string("can't reach the task supervisor: ") + strerror(errno);
    if (errno == EMSGSIZE) return false;
    DropSupervisorLocked();  // it went away: a new one, once
  }
  return false;
}

void LocalExecutor::ReadSupervisorLocked() {
  std::vector<char> buffer(64 * 1024);
  while (supervisor_fd_ >= 0) {
    ssize_t size = recv(supervisor_fd_, buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (size < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (size <= 0) {  // the supervisor is gone, and the commands it ran with it
      spdlog::warn("local executor: the task supervisor went away");
      DropSupervisorLocked();
      return;
    }
    auto fields = supervisor::Decode(buffer.data(), static_cast<size_t>(size));
    if (fields.size() < 2) continue;
    auto it = tasks_.find(fields[1]);
    if (it == tasks_.end() || !it->second.supervised) continue;  // not a task of this process
    if (fields[0] == "started" && fields.size() == 3) {
      it->second.seen.container = "pid " + fields[2];
    } else if (fields[0] == "done") {
      FinishLocked(it->second);  // kept until Describe has reported it
      unreported_.push_back(fields[1]);
    }
  }
}

void LocalExecutor::WatchLoop() {
  while (true) {
    std::vector<pollfd> fds{{wake_fd_, POLLIN, 0}};
    std::vector<std::string> ids{""};
    int supervisor = -1;
    bool supervised = false;
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      for (int fd : retired_fds_) close(fd);  // no poll of this thread waits on them now
      retired_fds_.clear();
      supervisor = supervisor_fd_;
      if (supervisor >= 0) {
        fds.push_back({supervisor, POLLIN, 0});
        ids.push_back("");
      }
      for (const auto& id : watched_) {
        fds.push_back({tasks_.at(id).pidfd, POLLIN, 0});
        ids.push_back(id);
      }
      supervised = supervised_count_ > 0;
    }
    // Supervised tasks are also looked at now and then: one whose supervisor died while this
    // process was not connected to it (or before its lock was released) sends no word.
    int timeout_ms = supervised ? kSettleIntervalMs : -1;
    int ready = poll(fds.data(), fds.size(), timeout_ms);
    if (ready < 0 && errno != EINTR) return;
    if (fds[0].revents & POLLIN) {
      uint64_t count;
      ssize_t ignored = read(wake_fd_, &count, sizeof count);
      (void)ignored;
    }
    std::vector<std::string> changed;
    {
      std::lock_guard lock(mu_);
      if (supervisor >= 0 && supervisor == supervisor_fd_) ReadSupervisorLocked();
      if (supervised && (ready == 0 || supervisor_fd_ < 0)) SettleSupervisedLocked();
      for (size_t i = 1; i < fds.size(); ++i) {
        if (ids[i].empty() || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        auto it = tasks_.find(ids[i]);
        if (it == tasks_.end() || it->second.pidfd != fds[i].fd) continue;
        FinishLocked(it->second);  // kept until Describe has reported it
        changed.push_back(ids[i]);
      }
      changed.insert(changed.end(), unreported_.begin(), unreported_.end());
      unreported_.clear();
      auto started = StartQueuedLocked();
      changed.insert(changed.end(), started.begin(), started.end());
    }
    notifier_.Notify(changed);
  }
}

}  // namespace wfm
