#include "executor/local/local_executor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

extern char** environ;

namespace wfm {
namespace {

namespace fs = std::filesystem;

// glibc 2.36's <sys/pidfd.h> lacks C linkage for C++, so the system calls are made directly.
int PidfdOpen(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }
int PidfdSignal(int pidfd, int sig) {
  return static_cast<int>(syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0));
}

std::string ReadWhole(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The task's state file, opened for appending and locked exclusively; -1 if another process (the
// task's runner) holds the lock.
int TryLock(const std::string& state_path) {
  int fd = open(state_path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// The record the runner wrote on the line starting with `tag` ("started" or "exit") of a state
// file, or a discarded value when there is none (or it is cut short).
nlohmann::json ReadRecord(const std::string& state_path, const std::string& tag) {
  std::istringstream lines(ReadWhole(state_path));
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(tag + " ", 0) == 0) {
      return nlohmann::json::parse(line.substr(tag.size() + 1), nullptr, false);
    }
  }
  return nlohmann::json(nlohmann::json::value_t::discarded);
}

// The runner's outcome record, if it wrote one, as an observation of a finished task.
bool ReadOutcome(const std::string& state_path, TaskObservation* seen) {
  auto json = ReadRecord(state_path, "exit");
  if (json.is_discarded() || !json.is_object()) return false;
  seen->started_at = json.value("startedAt", 0LL);
  seen->stopped_at = json.value("stoppedAt", 0LL);
  std::string reason = json.value("reason", "");
  if (json.contains("exitCode")) {
    int code = json["exitCode"].get<int>();
    seen->exit_code = code;
    seen->status = code == 0 && reason.empty() ? TaskStatus::kSucceeded : TaskStatus::kFailed;
    if (seen->status == TaskStatus::kFailed) {
      seen->status_reason = reason.empty() ? "exit code " + std::to_string(code)
                                           : reason + " (exit code " + std::to_string(code) + ")";
    }
  } else {
    int sig = json.value("signal", 0);
    seen->status = TaskStatus::kFailed;
    std::string killed = "killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
    seen->status_reason = reason.empty() ? killed : reason + ": " + killed;
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<LocalExecutor>> LocalExecutor::Create(LocalExecutorOptions options,
                                                             JobDefinitions definitions,
                                                             Clock& clock) {
  std::error_code ec;
  fs::create_directories(options.tasks_dir, ec);
  if (ec || !fs::is_directory(options.tasks_dir)) {
    return Error{ErrorCode::kInvalidArgument,
                 "can't create tasks directory '" + options.tasks_dir + "': " + ec.message()};
  }
  if (access(options.runner_path.c_str(), X_OK) != 0) {
    return Error{ErrorCode::kInvalidArgument,
                 "task runner '" + options.runner_path + "' is not executable"};
  }
  if (options.max_parallel < 1) options.max_parallel = 1;
  std::unique_ptr<LocalExecutor> executor(
      new LocalExecutor(std::move(options), std::move(definitions), clock));
  return executor;
}

LocalExecutor::LocalExecutor(LocalExecutorOptions options, JobDefinitions definitions, Clock& clock)
    : options_(std::move(options)), definitions_(std::move(definitions)), clock_(clock) {
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
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
  close(wake_fd_);
}

std::string LocalExecutor::StatePath(const std::string& name) const {
  return options_.tasks_dir + "/" + name + ".state";
}

std::string LocalExecutor::LogPath(const std::string& name) const {
  return options_.tasks_dir + "/" + name + ".log";
}

Result<std::string> LocalExecutor::Submit(const TaskSpec& spec) {
  auto definition = definitions_.Resolve(spec.resource);
  if (!definition.ok()) return definition.error();
  std::vector<std::string> changed;
  {
    std::lock_guard lock(mu_);
    if (tasks_.count(spec.name)) return spec.name;
    Tracked& task = tasks_[spec.name];
    task.spec = spec;
    task.definition = definition.value();
    task.seen.id = spec.name;
    task.seen.status = TaskStatus::kQueued;
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
  std::string state = StatePath(task.seen.id);
  int lock = TryLock(state);
  if (lock < 0) {  // the runner of an earlier service process is still running it
    auto started = ReadRecord(state, "started");
    task.runner_pid = started.is_object() ? started.value("runnerPid", 0) : 0;
    task.pidfd = task.runner_pid > 0 ? PidfdOpen(task.runner_pid) : -1;
    if (task.pidfd >= 0) {
      task.seen.started_at = started.value("startedAt", 0LL);
      task.seen.status = TaskStatus::kRunning;
      auto command = ReadRecord(state, "command");
      task.seen.container =
          "pid " + std::to_string(command.is_object() ? command.value("pid", 0) : task.runner_pid);
      watched_.insert(task.seen.id);
      ++running_;
      spdlog::info("local executor: adopted running task {}", task.seen.id);
      return;
    }
    lock = TryLock(state);  // the runner has exited in the meantime: its records are final
    if (lock < 0) {
      task.seen.status = TaskStatus::kFailed;
      task.seen.status_reason = "can't watch the task's runner; outcome unknown";
      task.seen.stopped_at = clock_.Now();
      return;
    }
  }
  close(lock);
  if (ReadOutcome(state, &task.seen)) return;
  if (!ReadRecord(state, "started").is_discarded()) {
    task.seen.status = TaskStatus::kFailed;
    task.seen.status_reason =
        "the task's runner stopped without recording an outcome (killed?); outcome unknown";
    task.seen.stopped_at = clock_.Now();
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
  auto fail = [&](const std::string& why) {
    task.seen.status = TaskStatus::kFailed;
    task.seen.status_reason = why;
    task.seen.stopped_at = clock_.Now();
    return false;
  };
  int lock = TryLock(StatePath(task.seen.id));
  if (lock < 0 || !ReadRecord(StatePath(task.seen.id), "started").is_discarded()) {
    // Another process (a replica, or an earlier one) started this attempt meanwhile: adopt it.
    if (lock >= 0) close(lock);
    AdoptLocked(task);
    return task.seen.status == TaskStatus::kRunning;
  }

  std::vector<std::string> args = {options_.runner_path, LogPath(task.seen.id),
                                   std::to_string(task.definition.timeout_seconds),
                                   std::to_string(options_.kill_grace_seconds)};
  args.insert(args.end(), task.definition.command.begin(), task.definition.command.end());
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv = *e;
    size_t eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : task.definition.environment) env[k] = v;
  for (const auto& [k, v] : task.spec.environment) env[k] = v;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, lock, 3);  // the runner keeps the lock while alive
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);  // a SIGINT to the service's group skips it
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(lock);
  if (rc != 0) return fail(std::string("can't start task runner: ") + strerror(rc));

  task.runner_pid = pid;
  task.own_child = true;
  task.pidfd = PidfdOpen(pid);
  if (task.pidfd >= 0) watched_.insert(task.seen.id);
  task.seen.status = TaskStatus::kRunning;
  task.seen.started_at = clock_.Now();
  task.seen.container = "pid " + std::to_string(pid);
  ++running_;
  return true;
}

void LocalExecutor::FinishLocked(Tracked& task) {
  if (task.own_child) waitpid(task.runner_pid, nullptr, 0);
  if (task.pidfd >= 0) close(task.pidfd);
  task.pidfd = -1;
  watched_.erase(task.seen.id);
  --running_;
  if (!ReadOutcome(StatePath(task.seen.id), &task.seen)) {
    task.seen.status = TaskStatus::kFailed;
    task.seen.status_reason = "the task's runner exited without recording an outcome";
    task.seen.stopped_at = clock_.Now();
  }
}

std::vector<TaskObservation> LocalExecutor::Describe(const std::vector<std::string>& ids) {
  std::lock_guard lock(mu_);
  std::vector<TaskObservation> out;
  out.reserve(ids.size());
  for (const auto& id : ids) {
    auto it = tasks_.find(id);
    if (it == tasks_.end() && fs::exists(StatePath(id))) {  // from an earlier process
      it = tasks_.emplace(id, Tracked{}).first;
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
    if (IsTerminal(it->second.seen.status) && it->second.pidfd < 0) tasks_.erase(it);  // reported
  }
  return out;
}

std::vector<std::string> LocalExecutor::Terminate(const std::vector<std::string>& ids,
                                              const std::string& reason) {
  std::vector<std::string> changed, taken;
  {
    std::lock_guard lock(mu_);
    for (const auto& id : ids) {
      auto it = tasks_.find(id);
      if (it == tasks_.end()) continue;
      taken.push_back(id);
      Tracked& task = it->second;
      if (task.seen.status == TaskStatus::kQueued) {
        task.seen.status = TaskStatus::kFailed;
        task.seen.status_reason = "terminated before it started: " + reason;
        task.seen.stopped_at = clock_.Now();
        changed.push_back(id);
      } else if (task.pidfd >= 0) {
        task.terminate_requested = true;
        PidfdSignal(task.pidfd, SIGTERM);  // the runner stops its command
      }
    }
  }
  notifier_.Notify(changed);
  return taken;
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

void LocalExecutor::WatchLoop() {
  while (true) {
    std::vector<pollfd> fds{{wake_fd_, POLLIN, 0}};
    std::vector<std::string> ids{""};
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      for (const auto& id : watched_) {
        fds.push_back({tasks_.at(id).pidfd, POLLIN, 0});
        ids.push_back(id);
      }
    }
    if (poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) return;
    if (fds[0].revents & POLLIN) {
      uint64_t count;
      ssize_t ignored = read(wake_fd_, &count, sizeof count);
      (void)ignored;
    }
    std::vector<std::string> changed;
    {
      std::lock_guard lock(mu_);
      for (size_t i = 1; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        auto it = tasks_.find(ids[i]);
        if (it == tasks_.end() || it->second.pidfd != fds[i].fd) continue;
        FinishLocked(it->second);
        changed.push_back(ids[i]);
        // Nobody describes a task of a cancelled job again; its records stay on disk.
        if (it->second.terminate_requested) tasks_.erase(it);
      }
      auto started = StartQueuedLocked();
      changed.insert(changed.end(), started.begin(), started.end());
    }
    notifier_.Notify(changed);
  }
}

}  // namespace wfm
