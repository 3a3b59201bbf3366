// wfm-task-runner: the local executor's supervisor. One long-lived process per tasks directory
// starts every task's command (one process start per task), waits for it and records its outcome
// in the attempt's state file, so the outcome survives the service being killed. Written by hand
// (no library does this): it must be small, start fast and depend on nothing but libc.
//
// usage: wfm-task-runner TASKS_DIR
// Started by the service with only descriptors 0 to 2; goes on in the background in a session of
// its own (the first process exits at once, so the service need not reap it). Locks
// TASKS_DIR/supervisor.lock (another supervisor holding it: exits at once, that one serves the
// directory), listens on TASKS_DIR/supervisor.sock and speaks supervisor_protocol.h. It is every
// command's parent and the subreaper of what they leave behind. For each "run" it appends to the
// state file (received locked) "started {runnerPid, startedAt}", starts the command (argv as given,
// never through a shell, in its own process group, stdout and stderr appended to LOG_PATH, the
// given environment, in WORK_DIR, stdin from STDIN_PATH; killed if the supervisor dies), appends
// "command {pid}", and when the command ends "exit {...}", then closes the state file (releasing
// its lock) and tells every connected service "done". "stop" or TIMEOUT_S: SIGTERM to the
// command's group, SIGKILL GRACE_S later; when the command ends, what it left in its process group
// is killed. SIGTERM to the supervisor stops every command that way. Only processes of its own
// user may connect (the socket is its user's alone, and each peer's uid is checked); one that does
// not read what it is told is disconnected rather than waited for. Exits once no service is
// connected and no command runs.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "executor/local/supervisor_protocol.h"

extern char** environ;

namespace {

using wfm::supervisor::Decode;
using wfm::supervisor::Encode;

mode_t task_umask = 022;  // the umask the supervisor was started with, which commands get

long long NowMs() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

// An attempt's state file descriptor: appends one record line with a single write().
void Record(int state_fd, const std::string& line) {
  ssize_t ignored = write(state_fd, line.data(), line.size());
  (void)ignored;
}

struct Task {
  std::string name;
  pid_t pid = 0;  // the command, leader of its own process group
  int state_fd = -1;
  long long started_at = 0;
  long grace_s = 10;
  long timeout_s = 0;
  long long kill_at = 0;  // when the next signal is due; 0: none
  bool term_sent = false;
  std::string reason;
};

// What the command's side of vfork() needs, prepared by the supervisor beforehand: that side
// runs on the supervisor's memory until it execs, so it must not allocate or change anything.
struct CommandLaunch {
  pid_t supervisor;
  const char* log_path;
  const char* work_dir;
  const char* stdin_path;
  char** argv;  // null-terminated
  char** envp;  // null-terminated
};

// The command's side of vfork(): system calls only, then exec; never returns. One vfork costs
// about a third less than a fork here (no page tables copied), which is most of what a short task
// costs.
[[noreturn]] void RunCommand(const CommandLaunch& launch) {
  setpgid(0, 0);
  umask(task_umask);
  // The command does not outlive its supervisor: unsupervised, its outcome could not be recorded.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != launch.supervisor) _exit(137);
  int in = open(launch.stdin_path, O_RDONLY);
  int log = open(launch.log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (in < 0 || log < 0 || dup2(in, 0) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0) _exit(126);
  close_range(3, ~0U, 0);  // nothing of the supervisor (sockets, other tasks' files) reaches it
  if (chdir(launch.work_dir) != 0) {
    dprintf(2, "workflow-manager: can't enter '%s': %s\n", launch.work_dir, strerror(errno));
    _exit(126);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  // Every disposition back to the default, the C library's reserved real-time signals too (which
  // sigaction() refuses to touch).
  struct KernelSigaction {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)();
    unsigned long mask;
  } default_action{SIG_DFL, 0, nullptr, 0};
  for (int sig = 1; sig < 65; ++sig) {
    syscall(SYS_rt_sigaction, sig, &default_action, nullptr, sizeof default_action.mask);
  }
  // execvp looks the command up in the task's PATH; the supervisor puts its own environ back.
  environ = launch.envp;
  execvp(launch.argv[0], launch.argv);
  dprintf(2, "workflow-manager: can't run '%s': %s\n", launch.argv[0], strerror(errno));
  _exit(127);
}

class Supervisor {
 public:
  explicit Supervisor(int listener) : listener_(listener) {}
  int Run();

 private:
  void Accept();
  // Reads one message of client `i`; false when the client is gone.
  bool Serve(size_t i);
  void Start(const std::vector<std::string>& fields, int state_fd);
  void Stop(const std::string& name, const std::string& reason);
  void Reap();
  void FireTimers();
  void Broadcast(const std::vector<std::string>& fields);
  int NextTimeoutMs() const;

  int listener_;
  int signals_ = -1;
  std::vector<int> clients_;
  std::vector<int> dropped_;  // clients that did not read what they were told: closed
  std::map<pid_t, Task> tasks_;
  bool stopping_ = false;
};

int Supervisor::Run() {
  sigset_t handled;
  sigemptyset(&handled);
  sigaddset(&handled, SIGCHLD);
  sigaddset(&handled, SIGTERM);
  sigaddset(&handled, SIGINT);
  sigprocmask(SIG_BLOCK, &handled, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a service gone while told something
  signals_ = signalfd(-1, &handled, SFD_CLOEXEC | SFD_NONBLOCK);
  prctl(PR_SET_CHILD_SUBREAPER, 1);  // what a command leaves behind is reaped here
  // The service that started it connects within moments; a supervisor nobody uses goes.
  long long idle_since = NowMs();
  while (true) {
    if (tasks_.empty() && (stopping_ || (clients_.empty() && NowMs() - idle_since > 10000))) {
      return 0;
    }
    std::vector<pollfd> fds = {{signals_, POLLIN, 0}, {listener_, POLLIN, 0}};
    for (int client : clients_) fds.push_back({client, POLLIN, 0});
    if (poll(fds.data(), fds.size(), NextTimeoutMs()) < 0 && errno != EINTR) return 1;
    if (fds[0].revents & POLLIN) {
      signalfd_siginfo info;
      while (read(signals_, &info, sizeof info) == sizeof info) {
        if (info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT) {
          stopping_ = true;
          for (auto& [pid, task] : tasks_) Stop(task.name, "terminated");
        }
      }
      Reap();
    }
    if (fds[1].revents & POLLIN) Accept();
    std::vector<int> gone;
    for (size_t i = 2; i < fds.size(); ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) && !Serve(i - 2))
        gone.push_back(fds[i].fd);
    }
    gone.insert(gone.end(), dropped_.begin(), dropped_.end());
    dropped_.clear();
    std::sort(gone.begin(), gone.end());
    gone.erase(std::unique(gone.begin(), gone.end()), gone.end());
    for (int fd : gone) {
      close(fd);
      std::erase(clients_, fd);
    }
    if (clients_.empty() && !gone.empty()) idle_since = NowMs() - 10000;  // the service left
    FireTimers();
  }
}

void Supervisor::Accept() {
  int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
  if (client < 0) return;
  ucred peer{};
  socklen_t size = sizeof peer;
  if (getsockopt(client, SOL_SOCKET, SO_PEERCRED, &peer, &size) != 0 || peer.uid != getuid()) {
    close(client);  // it would run commands as this user
    return;
  }
  clients_.push_back(client);
}

bool Supervisor::Serve(size_t i) {
  static std::vector<char> buffer(wfm::supervisor::kMaxMessageBytes);
  char control[CMSG_SPACE(sizeof(int))];
  iovec io{buffer.data(), buffer.size()};
  msghdr message{};
  message.msg_iov = &io;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  ssize_t size = recvmsg(clients_[i], &message, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
  if (size < 0 && (errno == EAGAIN || errno == EINTR)) return true;
  if (size <= 0) return false;
  int state_fd = -1;
  for (cmsghdr* c = CMSG_FIRSTHDR(&message); c; c = CMSG_NXTHDR(&message, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      memcpy(&state_fd, CMSG_DATA(c), sizeof state_fd);
    }
  }
  std::vector<std::string> fields = Decode(buffer.data(), static_cast<size_t>(size));
  if (fields.size() >= 2 && fields[0] == "run" && state_fd >= 0 &&
      !(message.msg_flags & MSG_TRUNC)) {
    Start(fields, state_fd);
  } else if (fields.size() == 2 && fields[0] == "stop") {
    Stop(fields[1], "terminated");
    if (state_fd >= 0) close(state_fd);
  } else if (state_fd >= 0) {
    close(state_fd);  // not a message of ours: nothing runs
  }
  return true;
}

void Supervisor::Start(const std::vector<std::string>& fields, int state_fd) {
  // run NAME LOG WORK_DIR STDIN TIMEOUT GRACE ARGC ARG... ENVC VAR...
  size_t argc = fields.size() > 7 ? strtoul(fields[7].c_str(), nullptr, 10) : 0;
  size_t env_count_at = 8 + argc;
  if (fields.size() < 9 || argc == 0 || env_count_at >= fields.size() ||
      strtoul(fields[env_count_at].c_str(), nullptr, 10) != fields.size() - env_count_at - 1) {
    long long now = NowMs();
    Record(state_fd,
           "exit {\"exitCode\":-1,\"reason\":\"malformed request to the supervisor\","
           "\"startedAt\":" +
               std::to_string(now) + ",\"stoppedAt\":" + std::to_string(now) + "}\n");
    close(state_fd);
    Broadcast({"done", fields[1]});
    return;
  }
  size_t envc = fields.size() - env_count_at - 1;
  Task task;
  task.name = fields[1];
  task.timeout_s = atol(fields[5].c_str());
  task.grace_s = atol(fields[6].c_str());
  task.state_fd = state_fd;
  task.started_at = NowMs();
  // Recorded before the fork: an attempt without this line provably never ran its command.
  Record(state_fd, "started {\"runnerPid\":" + std::to_string(getpid()) +
                       ",\"supervised\":true,\"startedAt\":" + std::to_string(task.started_at) +
                       "}\n");
  std::vector<char*> argv, envp;
  for (size_t i = 0; i < argc; ++i) argv.push_back(const_cast<char*>(fields[8 + i].c_str()));
  argv.push_back(nullptr);
  for (size_t i = 0; i < envc; ++i) {
    envp.push_back(const_cast<char*>(fields[env_count_at + 1 + i].c_str()));
  }
  envp.push_back(nullptr);
  CommandLaunch launch{getpid(),          fields[2].c_str(), fields[3].c_str(),
                       fields[4].c_str(), argv.data(),       envp.data()};
  char** own_environ = environ;
  pid_t child = vfork();
  if (child == 0) RunCommand(launch);
  environ = own_environ;
  if (child < 0) {
    Record(state_fd,
           "exit {\"exitCode\":-1,\"reason\":\"vfork failed: " + std::string(strerror(errno)) +
               "\",\"startedAt\":" + std::to_string(task.started_at) +
               ",\"stoppedAt\":" + std::to_string(NowMs()) + "}\n");
    close(state_fd);
    Broadcast({"done", task.name});
    return;
  }
  setpgid(child, child);
  task.pid = child;
  Record(state_fd, "command {\"pid\":" + std::to_string(child) + "}\n");
  if (task.timeout_s > 0) task.kill_at = task.started_at + task.timeout_s * 1000;
  Broadcast({"started", task.name, std::to_string(child)});
  tasks_.emplace(child, std::move(task));
}

void Supervisor::Stop(const std::string& name, const std::string& reason) {
  for (auto& [pid, task] : tasks_) {
    if (task.name != name || task.term_sent) continue;
    if (task.reason.empty()) task.reason = reason;
    kill(-pid, SIGTERM);
    task.term_sent = true;
    task.kill_at = NowMs() + task.grace_s * 1000;
  }
}

void Supervisor::Reap() {
  while (true) {
    siginfo_t ended{};
    if (waitid(P_ALL, 0, &ended, WEXITED | WNOHANG | WNOWAIT) != 0 || ended.si_pid == 0) return;
    pid_t pid = ended.si_pid;
    auto it = tasks_.find(pid);
    // The rest of the command's group goes with it, while its pid (the group's id) is still
    // taken by the unreaped leader, so the signal can't reach another group.
    if (it != tasks_.end()) kill(-pid, SIGKILL);
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) return;
    if (it == tasks_.end()) continue;  // an orphan of a command, reaped as subreaper
    Task& task = it->second;
    std::string outcome = WIFEXITED(status) ? "\"exitCode\":" + std::to_string(WEXITSTATUS(status))
                                            : "\"signal\":" + std::to_string(WTERMSIG(status));
    Record(task.state_fd, "exit {" + outcome + ",\"reason\":\"" + task.reason +
                              "\",\"startedAt\":" + std::to_string(task.started_at) +
                              ",\"stoppedAt\":" + std::to_string(NowMs()) + "}\n");
    close(task.state_fd);  // releases the lock: the outcome is final
    Broadcast({"done", task.name});
    tasks_.erase(it);
  }
}

void Supervisor::FireTimers() {
  long long now = NowMs();
  for (auto& [pid, task] : tasks_) {
    if (task.kill_at == 0 || now < task.kill_at) continue;
    if (!task.term_sent) {
      task.reason = "timed out after " + std::to_string(task.timeout_s) + "s";
      kill(-pid, SIGTERM);
      task.term_sent = true;
      task.kill_at = now + task.grace_s * 1000;
    } else {
      kill(-pid, SIGKILL);
      task.kill_at = 0;
    }
  }
}

int Supervisor::NextTimeoutMs() const {
  long long now = NowMs(), next = now + 1000;  // also checks the idle exit once a second
  for (const auto& [pid, task] : tasks_) {
    if (task.kill_at != 0 && task.kill_at < next) next = task.kill_at;
  }
  return static_cast<int>(next > now ? next - now : 0);
}

void Supervisor::Broadcast(const std::vector<std::string>& fields) {
  std::string message = Encode(fields);
  for (int client : clients_) {
    // Never waits: a service that does not read is dropped (on reconnecting, it reads the state
    // files instead of these words), so that it can't hold up the others' tasks.
    if (send(client, message.data(), message.size(), MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
      dropped_.push_back(client);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s TASKS_DIR\n", argv[0]);
    return 2;
  }
  close_range(3, ~0U, 0);   // nothing of whoever started it reaches a command
  task_umask = umask(077);  // its socket and lock file are its user's alone; tasks get the old one
  // Not the service's child: whoever started it waits for this first process only.
  pid_t daemon = fork();
  if (daemon != 0) return daemon > 0 ? 0 : 1;
  setsid();
  int dir = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) {
    fprintf(stderr, "wfm-task-runner: can't open '%s': %s\n", argv[1], strerror(errno));
    return 1;
  }
  int lock = openat(dir, wfm::supervisor::kLockName, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB) != 0) return 0;  // another one serves it
  std::string path = wfm::supervisor::ShortPath(dir, wfm::supervisor::kSocketName);
  unlink(path.c_str());  // the socket its last supervisor left behind
  int listener = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
  if (listener < 0 || bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(listener, 64) != 0) {
    fprintf(stderr, "wfm-task-runner: can't listen on '%s/%s': %s\n", argv[1],
            wfm::supervisor::kSocketName, strerror(errno));
    return 1;
  }
  // The socket stays when it exits (the next supervisor replaces it): removing it would race with
  // whoever removes the tasks directory.
  return Supervisor(listener).Run();
}
