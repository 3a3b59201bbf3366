// A small pool of PostgreSQL connections (libpqxx) that runs transactions and retries the
// transient failures: a lost connection is dropped and made anew, serialization failures,
// deadlocks and server restarts are retried with exponential backoff and jitter, a bounded number
// of times; after that the caller gets kUnavailable and nothing was written.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"

namespace wfm {

class PgPool {
 public:
  // `url`: a libpq connection URI (postgresql://user@host:port/db). Connections are opened lazily.
  explicit PgPool(std::string url, size_t max_idle = 8);

  // Runs body(txn) in a transaction and commits it if the body returns ok; an error from the body
  // rolls back and is returned as is. Thread-safe. Errors: kUnavailable when the database can't
  // be reached or keeps failing transiently; kInternal for any other database error.
  template <typename T>
  Result<T> Transact(const std::function<Result<T>(pqxx::work&)>& body) {
    std::string last_error;
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
      if (attempt > 0) Backoff(attempt);
      std::unique_ptr<pqxx::connection> conn;
      try {
        conn = Acquire();
        Result<T> result = [&] {
          pqxx::work txn(*conn);
          Result<T> r = body(txn);
          if (r.ok()) txn.commit();
          return r;
        }();
        Release(std::move(conn));
        return result;
      } catch (const pqxx::in_doubt_error& e) {
        return Error{ErrorCode::kUnavailable,
                     std::string("postgresql: commit outcome unknown: ") + e.what()};
      } catch (const pqxx::broken_connection& e) {
        last_error = e.what();
      } catch (const pqxx::sql_error& e) {
        if (!IsTransient(e.sqlstate())) {
          if (conn && conn->is_open()) Release(std::move(conn));
          return Error{ErrorCode::kInternal, std::string("postgresql: ") + e.what()};
        }
        last_error = e.what();
      } catch (const std::exception& e) {  // a bug in a query or its use: retrying won't help
        return Error{ErrorCode::kInternal, std::string("postgresql: ") + e.what()};
      }
    }
    return Error{ErrorCode::kUnavailable, "postgresql unavailable: " + FirstLine(last_error)};
  }

 private:
  static constexpr int kAttempts = 5;
  static bool IsTransient(const std::string& sqlstate);
  static std::string FirstLine(const std::string& text);
  std::unique_ptr<pqxx::connection> Acquire();
  void Release(std::unique_ptr<pqxx::connection> conn);
  void Backoff(int attempt);

  std::string url_;
  size_t max_idle_;
  std::mutex mu_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  std::mt19937 random_{std::random_device{}()};
};

// `url` with libpq parameters appended (connect_timeout and TCP keepalives), so a dead server or
// network is noticed in seconds.
std::string WithConnectionDefaults(const std::string& url);

}  // namespace wfm
