// What the source files of SqliteStore share: connections, errors, transactions and the pool of
// reader connections. Not part of the store's interface.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <memory>
#include <mutex>
#include <string>

#include "core/result.h"
#include "store/sqlite/sqlite_store.h"

namespace wfm::sqlite {

// A store error made of SQLite's exception: kUnavailable with its message.
Error StoreError(const SQLite::Exception& e);

// Opens a connection to `path` (creating the file) in WAL mode. Throws SQLite::Exception.
std::unique_ptr<SQLite::Database> Connect(const std::string& path);

// Runs `body` inside BEGIN IMMEDIATE ... COMMIT; an error result or an exception rolls back.
template <typename Body>
auto InWriteTransaction(SQLite::Database& db, Body body) -> decltype(body()) {
  db.exec("BEGIN IMMEDIATE");
  try {
    auto result = body();
    db.exec(result.ok() ? "COMMIT" : "ROLLBACK");
    return result;
  } catch (...) {
    db.exec("ROLLBACK");
    throw;
  }
}

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
    if (!db_) db_ = sqlite::Connect(store_.path_);
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

}  // namespace wfm
