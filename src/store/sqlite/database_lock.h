// An exclusive lock on an SQLite database for one service's engine: two services on one database
// file would both advance the same jobs. It is an flock(2) on a sidecar file "<database>.lock",
// chosen because the kernel drops it when the process dies (kill -9 leaves no stale lock), it is
// independent of SQLite's own POSIX locks on the database file (an flock on that file itself is
// emulated with POSIX locks on NFS and would clash with them), and readers (the `token`
// subcommands, the sqlite3 shell, backups) keep working, which SQLite's exclusive locking mode
// would forbid. The descriptor is close-on-exec, so tasks never inherit it.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"

namespace wfm {

class DatabaseLock {
 public:
  // Locks "<database_path>.lock" (created if needed; the path made canonical first, so links to
  // one file share a lock) and writes this process's id in it. Errors: kAlreadyExists naming the
  // database and the holder's pid when another process holds it; kUnavailable when the lock file
  // can't be opened. Thread-safe.
  static Result<std::unique_ptr<DatabaseLock>> Acquire(const std::string& database_path);
  ~DatabaseLock();  // releases the lock
  DatabaseLock(const DatabaseLock&) = delete;
  DatabaseLock& operator=(const DatabaseLock&) = delete;

 private:
  explicit DatabaseLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace wfm
