#include "store/sqlite/database_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace wfm {

namespace fs = std::filesystem;

Result<std::unique_ptr<DatabaseLock>> DatabaseLock::Acquire(const std::string& database_path) {
  std::error_code ec;
  fs::path database = fs::weakly_canonical(fs::absolute(database_path), ec);
  if (ec) database = fs::absolute(database_path);
  std::string lock_path = database.string() + ".lock";
  int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Error{ErrorCode::kUnavailable,
                 "can't open the lock file " + lock_path + ": " + std::strerror(errno)};
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int error = errno;
    close(fd);
    if (error != EWOULDBLOCK) {
      return Error{ErrorCode::kUnavailable,
                   "can't lock " + lock_path + ": " + std::strerror(error)};
    }
    std::ifstream in(lock_path);
    std::string holder;
    std::getline(in, holder);
    return Error{ErrorCode::kAlreadyExists,
                 "another workflow-manager already runs on the SQLite database " +
                     database.string() + (holder.empty() ? "" : " (pid " + holder + ")") +
                     ": only one service may advance its jobs. Stop that one, or give this one "
                     "another --data-dir or --store"};
  }
  std::string pid = std::to_string(getpid()) + "\n";
  // The pid only makes a refused service's message clearer: a failed write changes nothing.
  if (ftruncate(fd, 0) == 0) (void)!pwrite(fd, pid.data(), pid.size(), 0);
  return std::unique_ptr<DatabaseLock>(new DatabaseLock(fd));
}

DatabaseLock::~DatabaseLock() { close(fd_); }

}  // namespace wfm
