// What the local executor and its supervisor (wfm-task-runner, supervisor_main.cc) say to each
// other over the supervisor's socket (<tasks dir>/supervisor.sock, SOCK_SEQPACKET: one message a
// packet). Every field is text, each one ended by '\0'.
//   executor -> supervisor:
//     run  NAME LOG_PATH WORK_DIR STDIN_PATH TIMEOUT_S GRACE_S ARGC ARG... ENVC VAR=VALUE...
//          with the attempt's state file, opened and locked, passed as SCM_RIGHTS
//     stop NAME                  terminate it: SIGTERM to its process group, SIGKILL after GRACE_S
//   supervisor -> every connected executor:
//     started NAME PID           the command runs as PID
//     done NAME                  its "exit" record is written and the state file's lock released
// Written by hand: a few lines of framing that both ends share; no library is worth it here.
#pragma once

#include <string>
#include <vector>

namespace wfm::supervisor {

inline constexpr const char* kSocketName = "supervisor.sock";
inline constexpr const char* kLockName = "supervisor.lock";
// The largest message a supervisor accepts (the kernel's default socket buffer bounds it too).
inline constexpr size_t kMaxMessageBytes = 200 * 1024;

// `fields` as one message.
std::string Encode(const std::vector<std::string>& fields);
// The fields of a message; empty when it is not one (no field, or the last not ended by '\0').
std::vector<std::string> Decode(const char* data, size_t size);

// A path to `name` in the directory open as `dir_fd` that fits a socket address whatever the
// directory's own path length ("/proc/self/fd/N/name").
std::string ShortPath(int dir_fd, const char* name);

}  // namespace wfm::supervisor
