#include "store/sqlite/group_commit.h"

#include <chrono>

#include "core/service_metrics.h"

namespace wfm::sqlite {

namespace {

// The most writes one transaction takes: bounds the leader's work and the others' wait.
constexpr size_t kMaxGroup = 512;

Status Unavailable(const std::exception& e) {
  return Error{ErrorCode::kUnavailable, std::string("sqlite: ") + e.what()};
}

}  // namespace

GroupCommit::GroupCommit(SQLite::Database& db) : db_(db) {}

Status GroupCommit::Run(const Write& write) {
  Pending me{&write};
  std::unique_lock lock(mu_);
  queue_.push_back(&me);
  done_cv_.wait(lock, [&] { return me.done || (!leading_ && queue_.front() == &me); });
  if (me.done) return me.status;
  leading_ = true;
  std::deque<Pending*> group;
  while (!queue_.empty() && group.size() < kMaxGroup) {
    group.push_back(queue_.front());
    queue_.pop_front();
  }
  lock.unlock();
  auto start = std::chrono::steady_clock::now();
  Apply(group);
  Metrics::Global().Observe(
      metric::kStoreCommitSeconds, {{"store", "sqlite"}},
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  lock.lock();
  leading_ = false;
  ++commits_;
  for (Pending* pending : group) pending->done = true;
  done_cv_.notify_all();
  return me.status;
}

void GroupCommit::Apply(const std::deque<Pending*>& group) {
  try {
    db_.exec("BEGIN IMMEDIATE");
  } catch (const SQLite::Exception& e) {
    for (Pending* pending : group) pending->status = Unavailable(e);
    return;
  }
  for (Pending* pending : group) {
    try {
      db_.exec("SAVEPOINT write");
      bool keep = false;
      try {
        keep = (*pending->write)(db_);
      } catch (const std::exception& e) {
        pending->status = Unavailable(e);
      }
      if (!keep) db_.exec("ROLLBACK TO write");
      db_.exec("RELEASE write");
    } catch (const SQLite::Exception& e) {
      pending->status = Unavailable(e);  // the savepoint itself failed; the commit decides
    }
  }
  try {
    db_.exec("COMMIT");
  } catch (const SQLite::Exception& e) {
    try {
      db_.exec("ROLLBACK");
    } catch (const SQLite::Exception&) {
      // No transaction is left open (SQLite ended it with the failed COMMIT).
    }
    for (Pending* pending : group) pending->status = Unavailable(e);
  }
}

size_t GroupCommit::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

int64_t GroupCommit::commits() const {
  std::lock_guard lock(mu_);
  return commits_;
}

}  // namespace wfm::sqlite
