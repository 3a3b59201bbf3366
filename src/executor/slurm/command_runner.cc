#include "executor/slurm/command_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <sstream>
#include <thread>

namespace wfm {
namespace {

using SteadyClock = std::chrono::steady_clock;

// A descriptor closed when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Close(); }
  int get() const { return fd_; }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

Error SystemError(const std::string& what) {
  return Error{ErrorCode::kUnavailable, what + ": " + strerror(errno)};
}

int RemainingMs(SteadyClock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Reads both pipes until they close or the deadline passes. Returns false at the deadline.
bool ReadUntilClosed(int out_fd, int err_fd, SteadyClock::time_point deadline,
                     CommandOutput& output) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&output.standard_output, &output.standard_error};
  int open_count = 2;
  char buffer[65536];
  while (open_count > 0) {
    int ready = poll(fds, 2, RemainingMs(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        fds[i].fd = -1;
        --open_count;
      } else {
        sinks[i]->append(buffer, static_cast<size_t>(n));
      }
    }
  }
  return true;
}

// Waits for the child to end until the deadline. Returns false at the deadline.
bool WaitUntil(pid_t pid, SteadyClock::time_point deadline, int& status) {
  while (true) {
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return true;
    if (done < 0 && errno != EINTR) return true;  // not ours to wait for any more
    if (SteadyClock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

void KillAndReap(pid_t pid) {
  kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

Result<CommandOutput> RunCommand(const Command& command) {
  auto deadline = SteadyClock::now() + std::chrono::milliseconds(command.timeout_ms);
  const std::string& program = command.argv.at(0);
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return SystemError("can't make a pipe");
  Fd out_read(out_pipe[0]), out_write(out_pipe[1]);
  if (pipe2(err_pipe, O_CLOEXEC) != 0) return SystemError("can't make a pipe");
  Fd err_read(err_pipe[0]), err_write(err_pipe[1]);

  // The passed descriptors are first copied high, where no dup2 below can overwrite them.
  std::vector<std::unique_ptr<Fd>> high_fds;
  int first_closed = 3;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err_write.get(), 2);
  for (const auto& [parent_fd, child_fd] : command.passed_fds) {
    high_fds.push_back(std::make_unique<Fd>(fcntl(parent_fd, F_DUPFD_CLOEXEC, 100)));
    posix_spawn_file_actions_adddup2(&actions, high_fds.back()->get(), child_fd);
    first_closed = std::max(first_closed, child_fd + 1);
  }
  posix_spawn_file_actions_addclosefrom_np(&actions, first_closed);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> argv, envp;
  for (const auto& arg : command.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  for (const auto& entry : command.environment) envp.push_back(const_cast<char*>(entry.c_str()));
  envp.push_back(nullptr);

  pid_t pid = 0;
  int rc = posix_spawn(&pid, program.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  high_fds.clear();
  out_write.Close();
  err_write.Close();
  if (rc != 0) {
    return Error{ErrorCode::kUnavailable, "can't run " + program + ": " + strerror(rc)};
  }

  CommandOutput output;
  int status = 0;
  if (!ReadUntilClosed(out_read.get(), err_read.get(), deadline, output) ||
      !WaitUntil(pid, deadline, status)) {
    KillAndReap(pid);
    return Error{ErrorCode::kUnavailable, program + " did not answer within " +
                                              std::to_string(command.timeout_ms) + " ms"};
  }
  output.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return output;
}

std::string FindOnPath(const std::string& program, const std::string& path_variable) {
  if (program.find('/') != std::string::npos) return program;
  std::istringstream directories(path_variable);
  std::string directory;
  while (std::getline(directories, directory, ':')) {
    if (directory.empty()) continue;
    std::string candidate = directory + "/" + program;
    struct stat info;
    if (stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
        access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return program;
}

}  // namespace wfm
