// The local executor: runs each task attempt as a process on this machine, started by the tasks
// directory's supervisor (wfm-task-runner, see supervisor_main.cc), a long-lived process of its
// own that this executor starts when none answers and speaks to over a Unix socket
// (supervisor_protocol.h): one process start per task, and tasks outlive the service. Each
// attempt has, in the tasks directory, <attempt name>.state (state_file.h: locked while its
// command runs), <attempt name>.log with the command's output, and <attempt name>.d/, the task's
// working directory. So after the service is killed and restarted a task is adopted (never
// started twice) and its outcome still recorded; tasks of an earlier version's per-task runner
// are adopted too. A task gets nothing of the service but what task_launch.h lets through. Step
// Functions tasks (SubmitJob overrides, local functions) are described in step_functions_task.h.
#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "executor/change_notifier.h"
#include "executor/executor.h"
#include "executor/job_definitions.h"

namespace wfm {

struct LocalExecutorOptions {
  std::string tasks_dir;        // where task directories live; created if missing
  std::string runner_path;      // the wfm-task-runner binary (the supervisor)
  int max_parallel = 2;         // tasks running at once; the rest wait, QUEUED
  int kill_grace_seconds = 10;  // between SIGTERM and SIGKILL
  // Variables of the service's environment passed to tasks besides PATH, HOME, LANG and TZ.
  std::vector<std::string> pass_environment;
};

class LocalExecutor : public Executor {
 public:
  // Errors: kInvalidArgument if the tasks directory can't be created, the runner is not
  // executable or a name in `pass_environment` is not a variable name. Takes the values of the
  // passed variables from the environment now.
  static Result<std::unique_ptr<LocalExecutor>> Create(LocalExecutorOptions options,
                                                       JobDefinitions definitions, Clock& clock);
  ~LocalExecutor() override;  // stops watching; running tasks go on (and are adopted later)

  Result<std::string> Submit(const TaskSpec& spec) override;
  std::vector<TaskObservation> Describe(const std::vector<std::string>& ids) override;
  // Takes charge of every id: one this process never saw is looked up by its state file (a runner
  // still alive is adopted and signalled; an attempt that never started is marked so that it
  // never does, even if submitted later, here or by another process sharing the directory).
  std::vector<std::string> Terminate(const std::vector<std::string>& ids,
                                     const std::string& reason) override;
  // kInvalidArgument naming the resource when no local job definition matches it.
  Status CheckResource(const std::string& resource) override;
  Result<nlohmann::json> ListJobDefinitions() const override;
  // Uses `definitions` from now on (tasks submitted before keep theirs). Thread-safe.
  void ReplaceJobDefinitions(JobDefinitions definitions);
  void SetChangeListener(std::function<void(const std::vector<std::string>&)> listener) override;

  // The task's captured stdout and stderr (at most the last `max_bytes`). Errors: kNotFound.
  Result<std::string> ReadLog(const std::string& id, size_t max_bytes) const;

 private:
  struct Tracked {
    TaskObservation seen;
    TaskSpec spec;
    JobDefinition definition;  // with the SubmitJob overrides applied (step_functions_task.h)
    Environment overrides;     // containerOverrides.environment
    TimestampMs created_at = 0;
    bool supervised = false;  // run by the supervisor: its "done" message (or its end) ends it
    int pidfd = -1;           // an earlier version's runner: readable when it exits
  };

  LocalExecutor(LocalExecutorOptions options, JobDefinitions definitions, Environment inherited_env,
                Clock& clock);
  std::string StatePath(const std::string& name) const;
  std::string LogPath(const std::string& name) const;
  std::string WorkDir(const std::string& name) const;
  // Looks at a task's state file left by an earlier process. Called with mu_ held.
  void AdoptLocked(Tracked& task);
  // Starts queued tasks while slots are free. Called with mu_ held; returns ids that changed.
  std::vector<std::string> StartQueuedLocked();
  bool StartLocked(Tracked& task);
  // Marks a queued task terminated before it started, on disk too. Called with mu_ held.
  void CancelQueuedLocked(Tracked& task, const std::string& reason);
  // Records the outcome the supervisor (or runner) left in the directory. Called with mu_ held.
  void FinishLocked(Tracked& task);
  // Connects to the tasks directory's supervisor, starting one when none answers; a new
  // connection settles the supervised tasks (a "done" may have been missed). Called with mu_
  // held; false (with the reason in `why`) when none could be reached.
  bool ConnectSupervisorLocked(std::string* why);
  // Gives up the connection (the watcher closes it) and settles the supervised tasks. Called
  // with mu_ held.
  void DropSupervisorLocked();
  // Finishes every supervised task whose state file is no longer locked (its supervisor recorded
  // its outcome, or died); they are reported by the watcher. Called with mu_ held.
  void SettleSupervisedLocked();
  // Sends one message to the supervisor, passing `fd` along when it is >= 0; reconnects once
  // when the connection broke. Called with mu_ held; false (with the reason in `why`) on failure.
  bool SendLocked(const std::string& message, int fd, std::string* why);
  // Reads what the supervisor said ("started", "done") and applies it. Called with mu_ held.
  void ReadSupervisorLocked();
  // Marks `task` as run by the supervisor (counted in supervised_count_). Called with mu_ held.
  void MarkSupervisedLocked(Tracked& task);
  void WatchLoop();
  void Wake();

  LocalExecutorOptions options_;
  // Replaced whole (ReplaceJobDefinitions); read with std::atomic_load.
  std::shared_ptr<const JobDefinitions> definitions_;
  Environment inherited_env_;  // what tasks get of the service's environment
  Clock& clock_;
  mutable std::mutex mu_;
  std::map<std::string, Tracked> tasks_;
  std::deque<std::string> queue_;
  std::set<std::string> watched_;  // tasks with an earlier version's runner to watch (pidfd >= 0)
  int running_ = 0;
  int supervised_count_ = 0;      // tasks_ with supervised set, so that the watcher need not count
  int tasks_dir_fd_ = -1;         // for the supervisor socket's short path
  int supervisor_fd_ = -1;        // guarded by mu_; -1: not connected
  std::vector<int> retired_fds_;  // guarded by mu_; connections the watcher closes
  std::vector<std::string> unreported_;  // guarded by mu_; changed ids the watcher reports
  ChangeNotifier notifier_;
  int wake_fd_ = -1;
  bool stopping_ = false;
  std::thread watcher_;
};

}  // namespace wfm
