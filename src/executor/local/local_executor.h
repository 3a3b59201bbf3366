// The local executor: runs each task attempt as a child process on this machine, through
// wfm-task-runner (see task_runner_main.cc). Each attempt has <tasks dir>/<attempt name>.state,
// locked by the runner while it lives and where it records "started" and "exit", and .log with
// the command's output. So after the service is killed and restarted a task is adopted (never
// started twice) and its outcome still recorded.
#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "executor/change_notifier.h"
#include "executor/executor.h"
#include "executor/local/job_definitions.h"

namespace wfm {

struct LocalExecutorOptions {
  std::string tasks_dir;        // where task directories live; created if missing
  std::string runner_path;      // the wfm-task-runner binary
  int max_parallel = 2;         // tasks running at once; the rest wait, QUEUED
  int kill_grace_seconds = 10;  // between SIGTERM and SIGKILL
};

class LocalExecutor : public Executor {
 public:
  // Errors: kInvalidArgument if the tasks directory can't be created.
  static Result<std::unique_ptr<LocalExecutor>> Create(LocalExecutorOptions options,
                                                       JobDefinitions definitions, Clock& clock);
  ~LocalExecutor() override;  // stops watching; running tasks go on (and are adopted later)

  Result<std::string> Submit(const TaskSpec& spec) override;
  std::vector<TaskObservation> Describe(const std::vector<std::string>& ids) override;
  std::vector<std::string> Terminate(const std::vector<std::string>& ids,
                                     const std::string& reason) override;
  void SetChangeListener(std::function<void(const std::vector<std::string>&)> listener) override;

  // The task's captured stdout and stderr (at most the last `max_bytes`). Errors: kNotFound.
  Result<std::string> ReadLog(const std::string& id, size_t max_bytes) const;

 private:
  struct Tracked {
    TaskObservation seen;
    TaskSpec spec;
    JobDefinition definition;
    pid_t runner_pid = 0;
    int pidfd = -1;  // readable when the runner exits
    bool own_child = false;
    bool terminate_requested = false;
  };

  LocalExecutor(LocalExecutorOptions options, JobDefinitions definitions, Clock& clock);
  std::string StatePath(const std::string& name) const;
  std::string LogPath(const std::string& name) const;
  // Looks at a task's state file left by an earlier process. Called with mu_ held.
  void AdoptLocked(Tracked& task);
  // Starts queued tasks while slots are free. Called with mu_ held; returns ids that changed.
  std::vector<std::string> StartQueuedLocked();
  bool StartLocked(Tracked& task);
  // Records the outcome the runner left in the directory. Called with mu_ held.
  void FinishLocked(Tracked& task);
  void WatchLoop();
  void Wake();

  LocalExecutorOptions options_;
  JobDefinitions definitions_;
  Clock& clock_;
  mutable std::mutex mu_;
  std::map<std::string, Tracked> tasks_;
  std::deque<std::string> queue_;
  std::set<std::string> watched_;  // tasks with a runner to watch (pidfd >= 0)
  int running_ = 0;
  ChangeNotifier notifier_;
  int wake_fd_ = -1;
  bool stopping_ = false;
  std::thread watcher_;
};

}  // namespace wfm
