// Leadership among replicas on one PostgreSQL database: a session-level advisory lock
// (pg_try_advisory_lock) held on a connection of its own. The server releases it the moment that
// connection ends, so a killed leader frees it at once (a vanished host within about 11 s, through
// TCP keepalives set on the session); the other replicas try to take it at every Hold().
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <pqxx/pqxx>
#include <string>

#include "engine/leadership.h"

namespace wfm {

class PostgresLeaderLock : public Leadership {
 public:
  // `confirm_every`: how often a held lock is confirmed with a query on its connection.
  PostgresLeaderLock(const std::string& url, std::chrono::milliseconds confirm_every);
  ~PostgresLeaderLock() override;

  bool Hold() override;
  bool IsLeader() const override { return held_.load(); }

 private:
  void Drop();

  std::string url_;
  std::chrono::milliseconds confirm_every_;
  std::unique_ptr<pqxx::connection> conn_;
  std::chrono::steady_clock::time_point confirmed_at_{};
  std::atomic<bool> held_{false};
};

}  // namespace wfm
