// What the source files of SqliteStore share: connections, errors, transactions and the pool of
// reader connections. Not part of the store's interface.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/result.h"
#include "store/sqlite/sqlite_store.h"

namespace wfm::sqlite {

// A store error made of SQLite's exception: kUnavailable with its message.
Error StoreError(const SQLite::Exception& e);

// Opens a connection to `path` (creating the file) in WAL mode, synchronous=FULL when `durable`
// (NORMAL otherwise), through `vfs` unless it is empty. Throws SQLite::Exception.
std::unique_ptr<SQLite::Database> Connect(const std::string& path, bool durable,
                                          const std::string& vfs);

}  // namespace wfm::sqlite

namespace wfm {

// A read connection borrowed from the store's pool for the lifetime of this object.
class SqliteStore::ReaderLease {
 public:
  explicit ReaderLease(SqliteStore& store) : store_(store) {
    {
      std::lock_guard lock(store_.readers_mu_);
      if (!store_.idle_readers_.empty()) {
        db_ = std::move(store_.idle_readers_.back());
        store_.idle_readers_.pop_back();
      }
    }
    if (!db_) db_ = sqlite::Connect(store_.path_, store_.options_.durable, store_.options_.vfs);
  }
  ~ReaderLease() {
    std::lock_guard lock(store_.readers_mu_);
    store_.idle_readers_.push_back(std::move(db_));
  }
  SQLite::Database& db() { return *db_; }

 private:
  SqliteStore& store_;
  std::unique_ptr<SQLite::Database> db_;
};

template <typename T>
T SqliteStore::Write(const std::function<T(SQLite::Database&)>& write) {
  std::optional<T> result;
  Status committed = group_->Run([&](SQLite::Database& db) {
    result.emplace(write(db));
    return result->ok();
  });
  if (!committed.ok()) return committed.error();
  return std::move(*result);
}

}  // namespace wfm
