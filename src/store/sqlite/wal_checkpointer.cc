#include "store/sqlite/wal_checkpointer.h"

#include <spdlog/spdlog.h>

namespace wfm::sqlite {

WalCheckpointer::WalCheckpointer(std::unique_ptr<SQLite::Database> db, int interval_ms)
    : db_(std::move(db)), interval_ms_(interval_ms), thread_([this] { Loop(); }) {}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  thread_.join();
}

void WalCheckpointer::Loop() {
  std::unique_lock lock(mu_);
  for (bool last = false; !last;) {
    last = stop_cv_.wait_for(lock, std::chrono::milliseconds(interval_ms_),
                             [this] { return stopping_; });
    lock.unlock();
    try {
      db_->exec("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (const SQLite::Exception& e) {
      spdlog::warn("sqlite: WAL checkpoint failed (tried again later): {}", e.what());
    }
    lock.lock();
  }
}

}  // namespace wfm::sqlite
