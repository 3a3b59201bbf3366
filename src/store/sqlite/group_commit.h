// Group commit for SQLite's single writer connection: the writes of concurrent threads share one
// transaction and one fsync. The first waiting writer becomes the leader: it opens a transaction,
// runs every queued write inside a SAVEPOINT of its own (so a write that fails undoes only itself),
// commits once, and wakes the others. A writer never waits for an fsync of its own, only for the
// commit that holds its change.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>

#include "core/result.h"

namespace wfm::sqlite {

class GroupCommit {
 public:
  // A write: runs on `db` inside the shared transaction; returns true to keep its changes, false
  // to undo them. It may throw a std::exception such as SQLite::Exception (its changes are
  // undone). Runs on whichever
  // thread leads the group, while the caller waits.
  using Write = std::function<bool(SQLite::Database& db)>;

  // `db` is the writer connection; this object is its only user from now on.
  explicit GroupCommit(SQLite::Database& db);

  // Runs `write` in a transaction shared with other threads' writes and returns once that
  // transaction is committed (on disk as far as the connection's `synchronous` setting makes
  // it). Returns ok when `write` ran (kept or undone) and the transaction committed; kUnavailable
  // with SQLite's message when `write` threw (its changes undone, the others' kept) or when the
  // commit failed (then nothing of the group is stored). Thread-safe.
  Status Run(const Write& write);

  // Transactions committed so far (each one fsync in synchronous=FULL), for tests and benchmarks.
  int64_t commits() const;
  // Writers waiting for a leader to take them (not counting a group being applied); for tests.
  size_t queued() const;

 private:
  struct Pending {
    const Write* write;
    Status status = OkStatus();
    bool done = false;
  };
  // Applies `group` in one transaction; sets each one's status. Called by the leader only.
  void Apply(const std::deque<Pending*>& group);

  SQLite::Database& db_;
  mutable std::mutex mu_;
  std::condition_variable done_cv_;
  std::deque<Pending*> queue_;  // guarded by mu_; waiting writers, oldest first
  bool leading_ = false;        // guarded by mu_; a leader is applying a group
  int64_t commits_ = 0;         // guarded by mu_
};

}  // namespace wfm::sqlite
