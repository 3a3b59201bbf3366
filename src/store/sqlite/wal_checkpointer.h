// Moves the WAL's pages into the database file from a thread and connection of its own, so that no
// writer pays for it. SQLite's automatic checkpoint runs inside the COMMIT that crosses its
// threshold, holding the one writer (and every writer waiting in its group) for the time it takes
// to copy and fsync the pages; the writer connection turns it off and this does it instead.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace wfm::sqlite {

class WalCheckpointer {
 public:
  // Starts the thread: a PASSIVE checkpoint (which never waits for readers or writers) through
  // `db` every `interval_ms`. `db` is this object's own connection.
  WalCheckpointer(std::unique_ptr<SQLite::Database> db, int interval_ms);
  // Stops the thread (after a last checkpoint).
  ~WalCheckpointer();

 private:
  void Loop();

  std::unique_ptr<SQLite::Database> db_;
  int interval_ms_;
  std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace wfm::sqlite
