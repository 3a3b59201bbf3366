#include "store/postgres/leader_lock.h"

#include <spdlog/spdlog.h>

#include "store/postgres/pg_pool.h"

namespace wfm {
namespace {

constexpr int64_t kLeaderLockKey = 0x57464d0002;

}  // namespace

PostgresLeaderLock::PostgresLeaderLock(const std::string& url,
                                       std::chrono::milliseconds confirm_every)
    : url_(WithConnectionDefaults(url)), confirm_every_(confirm_every) {}

PostgresLeaderLock::~PostgresLeaderLock() { Drop(); }

void PostgresLeaderLock::Drop() {
  if (held_) spdlog::warn("leadership lost");
  held_ = false;
  conn_.reset();  // closing the session releases the lock on the server
}

bool PostgresLeaderLock::Hold() {
  auto now = std::chrono::steady_clock::now();
  try {
    if (held_) {
      if (now - confirmed_at_ < confirm_every_) return true;
      pqxx::nontransaction txn(*conn_);
      auto mine = txn.exec_params1(
          "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND "
          "pid = pg_backend_pid() AND ((classid::bigint << 32) | objid::bigint) = $1",
          kLeaderLockKey);
      if (mine[0].as<int64_t>() == 0) {
        Drop();
        return false;
      }
      confirmed_at_ = now;
      return true;
    }
    if (!conn_) {
      conn_ = std::make_unique<pqxx::connection>(url_);
      pqxx::nontransaction setup(*conn_);
      // The server notices a vanished leader's host within about 5 + 2 * 3 seconds.
      setup.exec0("SET tcp_keepalives_idle = 5");
      setup.exec0("SET tcp_keepalives_interval = 2");
      setup.exec0("SET tcp_keepalives_count = 3");
    }
    pqxx::nontransaction txn(*conn_);
    if (txn.exec_params1("SELECT pg_try_advisory_lock($1)", kLeaderLockKey)[0].as<bool>()) {
      held_ = true;
      confirmed_at_ = now;
      spdlog::info("leadership acquired: this replica advances the jobs");
    }
    return held_;
  } catch (const std::exception& e) {
    spdlog::warn("leader lock: {}",
                 std::string(e.what()).substr(0, std::string(e.what()).find('\n')));
    Drop();
    return false;
  }
}

}  // namespace wfm
