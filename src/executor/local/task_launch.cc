#include "executor/local/task_launch.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>

namespace wfm {
Result<Environment> InheritedTaskEnvironment(const std::vector<std::string>& extra_names) {
  Environment inherited;
  std::vector<std::string> names = kAlwaysPassedVariables;
  for (const auto& name : extra_names) {
    if (name.empty() || name.find('=') != std::string::npos) {
      return Error{ErrorCode::kInvalidArgument,
                   "--task-env-pass '" + name + "' is not an environment variable name"};
    }
    names.push_back(name);
  }
  for (const auto& name : names) {
    if (const char* value = std::getenv(name.c_str())) inherited.emplace_back(name, value);
  }
  return inherited;
}

Result<Environment> TaskEnvironment(const Environment& inherited, const Environment& definition,
                                    const Environment& engine, const std::string& work_dir) {
  std::map<std::string, std::string> merged;
  for (const Environment* layer : {&inherited, &definition, &engine}) {
    for (const auto& [name, value] : *layer) merged[name] = value;
  }
  auto data = merged.find("_BATCH_START");
  if (data != merged.end()) {
    std::string path = work_dir + "/batch-start.json";
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << data->second;
    out.close();
    if (!out) return Error{ErrorCode::kUnavailable, "can't write the task's data to " + path};
    merged["_BATCH_START_FILE"] = path;
    if (data->second.size() > kInlineDataLimit) merged.erase("_BATCH_START");
  }
  return Environment(merged.begin(), merged.end());
}

Status SpawnSupervisor(const std::string& runner_path, const std::string& tasks_dir,
                       const std::string& log_path) {
  std::vector<std::string> args = {runner_path, tasks_dir};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  char* no_environment[] = {nullptr};

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawn_file_actions_addchdir_np(&actions, "/");

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);  // an ignored SIGPIPE of the service stays behind
  // Its own session: a SIGINT to the service's process group does not reach it.
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), no_environment);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return Error{ErrorCode::kUnavailable, std::string("can't start the task supervisor: ") +
                                              strerror(rc)};
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return OkStatus();
}

}  // namespace wfm
