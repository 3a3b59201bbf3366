#include "store/postgres/pg_pool.h"

namespace wfm {

std::string WithConnectionDefaults(const std::string& url) {
  std::string params =
      "connect_timeout=5&keepalives=1&keepalives_idle=5&keepalives_interval=2&"
      "keepalives_count=3&application_name=workflow-manager";
  return url + (url.find('?') == std::string::npos ? "?" : "&") + params;
}

PgPool::PgPool(std::string url, size_t max_idle)
    : url_(WithConnectionDefaults(url)), max_idle_(max_idle) {}

bool PgPool::IsTransient(const std::string& sqlstate) {
  return sqlstate == "40001" ||           // serialization_failure
         sqlstate == "40P01" ||           // deadlock_detected
         sqlstate.rfind("08", 0) == 0 ||  // connection exceptions
         sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03" ||  // shutdowns
         sqlstate == "53300";  // too_many_connections
}

std::string PgPool::FirstLine(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  return line.empty() ? "connection failed" : line;
}

std::unique_ptr<pqxx::connection> PgPool::Acquire() {
  {
    std::lock_guard lock(mu_);
    while (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      if (conn->is_open()) return conn;
    }
  }
  return std::make_unique<pqxx::connection>(url_);
}

void PgPool::Release(std::unique_ptr<pqxx::connection> conn) {
  if (!conn || !conn->is_open()) return;
  std::lock_guard lock(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(conn));
}

void PgPool::Backoff(int attempt) {
  int64_t cap_ms = 50LL << attempt;  // 100, 200, 400, 800 ms: about 1.5 s in all at most
  int64_t wait_ms;
  {
    std::lock_guard lock(mu_);
    wait_ms = std::uniform_int_distribution<int64_t>(cap_ms / 2, cap_ms)(random_);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
}

}  // namespace wfm
