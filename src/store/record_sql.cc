#include "store/record_sql.h"

namespace wfm {
namespace {

// Numbers the placeholders of one statement in order.
class Placeholders {
 public:
  explicit Placeholders(SqlDialect dialect) : dialect_(dialect) {}
  std::string Next() {
    ++count_;
    return dialect_ == SqlDialect::kSqlite ? "?" : "$" + std::to_string(count_);
  }

 private:
  SqlDialect dialect_;
  int count_ = 0;
};

}  // namespace

std::string ListRecordsSql(SqlDialect dialect, bool by_parent, bool by_status, bool after_cursor) {
  Placeholders p(dialect);
  std::string sql =
      std::string("SELECT ") + kRecordColumns + " FROM records WHERE kind = " + p.Next();
  if (by_parent) sql += " AND parent = " + p.Next();
  if (by_status) sql += " AND status = " + p.Next();
  if (after_cursor) {
    std::string created_at = p.Next();
    sql += " AND (created_at, key) < (" + created_at + ", " + p.Next() + ")";
  }
  return sql + " ORDER BY created_at DESC, key DESC LIMIT " + p.Next();
}

std::string ListRecordsWithStatusSql(SqlDialect dialect) {
  Placeholders p(dialect);
  std::string kind = p.Next();
  return std::string("SELECT ") + kRecordColumns + " FROM records WHERE kind = " + kind +
         " AND status = " + p.Next() + " ORDER BY created_at, key";
}

std::string ReadHistorySql(SqlDialect dialect, bool reverse, bool from_last) {
  Placeholders p(dialect);
  std::string sql = "SELECT id, body FROM history_events WHERE execution = " + p.Next();
  if (!from_last) sql += std::string(reverse ? " AND id <= " : " AND id >= ") + p.Next();
  return sql + (reverse ? " ORDER BY id DESC" : " ORDER BY id") + " LIMIT " + p.Next();
}

}  // namespace wfm
