// wfm-task-runner: runs one task attempt for the local executor and records its outcome, so the
// outcome survives the service being killed. Written by hand (no library does this): it must be
// tiny, start fast and depend on nothing but libc.
//
// usage: wfm-task-runner LOG_PATH TIMEOUT_SECONDS GRACE_SECONDS COMMAND [ARG...]
// Expects fd 3 to be the task's state file, opened for appending and exclusively flock-ed by the
// service; it keeps the lock until it exits: "lock held" means "runner alive". Closes every
// descriptor above 3 first, whatever it inherited, so the command gets only 0, 1 and 2. Appends the
// line "started {json}" (before anything else), then "command {json}" with the command's pid, runs
// COMMAND (argv as given, in its own process group, stdout and stderr appended to LOG_PATH,
// environment inherited), and finally appends "exit {json}". Each line is one write(), so a reader
// sees it whole or not at all. SIGTERM: the command's group gets SIGTERM, then SIGKILL after
// GRACE_SECONDS. TIMEOUT_SECONDS > 0: the same when it runs longer.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

namespace {

long long NowMs() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

constexpr int kStateFd = 3;

// Appends one record line to the state file with a single write().
void Record(const std::string& line) {
  ssize_t ignored = write(kStateFd, line.data(), line.size());
  (void)ignored;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s DIR TIMEOUT_SECONDS GRACE_SECONDS COMMAND [ARG...]\n", argv[0]);
    return 2;
  }
  close_range(kStateFd + 1, ~0U, 0);  // nothing of whoever started it reaches the command
  const char* log_path = argv[1];
  long timeout_s = atol(argv[2]);
  long grace_s = atol(argv[3]);
  fcntl(kStateFd, F_SETFD, FD_CLOEXEC);  // the lock stays with the runner, not the command

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGCHLD);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigprocmask(SIG_BLOCK, &signals, nullptr);

  long long started_at = NowMs();
  // Recorded before the fork: an attempt without this line provably never ran its command.
  Record("started {\"runnerPid\":" + std::to_string(getpid()) +
         ",\"startedAt\":" + std::to_string(started_at) + "}\n");
  int log = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  pid_t runner = getpid();
  pid_t child = fork();
  if (child == 0) {
    sigprocmask(SIG_UNBLOCK, &signals, nullptr);
    setpgid(0, 0);
    // The command does not outlive its runner: unsupervised, its outcome could not be recorded.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != runner) _exit(137);
    if (log >= 0) {
      dup2(log, 1);
      dup2(log, 2);
    }
    execvp(argv[4], argv + 4);
    fprintf(stderr, "workflow-manager: can't run '%s': %s\n", argv[4], strerror(errno));
    _exit(127);
  }
  if (child < 0) {
    Record("exit {\"exitCode\":-1,\"reason\":\"fork failed\",\"startedAt\":" +
           std::to_string(started_at) + ",\"stoppedAt\":" + std::to_string(NowMs()) + "}\n");
    return 1;
  }
  setpgid(child, child);
  Record("command {\"pid\":" + std::to_string(child) + "}\n");

  std::string reason;
  long long kill_at = timeout_s > 0 ? started_at + timeout_s * 1000 : 0;
  bool term_sent = false;
  int status = 0;
  while (true) {
    pid_t done = waitpid(child, &status, WNOHANG);
    if (done == child) break;
    long long now = NowMs();
    if (kill_at != 0 && now >= kill_at) {
      if (!term_sent) {
        if (reason.empty()) reason = "timed out after " + std::to_string(timeout_s) + "s";
        kill(-child, SIGTERM);
        term_sent = true;
        kill_at = now + grace_s * 1000;
      } else {
        kill(-child, SIGKILL);
        kill_at = 0;
      }
    }
    long long wait_ms = kill_at != 0 ? kill_at - now : 1000;
    if (wait_ms > 1000) wait_ms = 1000;
    if (wait_ms < 1) wait_ms = 1;
    struct timespec ts = {static_cast<time_t>(wait_ms / 1000), (wait_ms % 1000) * 1000000L};
    int sig = sigtimedwait(&signals, nullptr, &ts);
    if ((sig == SIGTERM || sig == SIGINT) && !term_sent) {
      reason = "terminated";
      kill(-child, SIGTERM);
      term_sent = true;
      kill_at = NowMs() + grace_s * 1000;
    }
  }

  std::string outcome;
  if (WIFEXITED(status)) {
    outcome = "\"exitCode\":" + std::to_string(WEXITSTATUS(status));
  } else {
    outcome = "\"signal\":" + std::to_string(WTERMSIG(status));
  }
  Record("exit {" + outcome + ",\"reason\":\"" + reason + "\",\"startedAt\":" +
         std::to_string(started_at) + ",\"stoppedAt\":" + std::to_string(NowMs()) + "}\n");
  return 0;
}
