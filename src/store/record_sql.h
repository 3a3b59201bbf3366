// The SQL of the record and history reads, shared by the SQLite and PostgreSQL stores (and by the
// tests that check which index each one uses). Parameters are positional: "?" for SQLite, "$n"
// for PostgreSQL. Every statement selects what its comment says, in that column order.
#pragma once

#include <string>

namespace wfm {

enum class SqlDialect { kSqlite, kPostgres };

// Columns: kind, key, parent, status, created_at, body, version (as kRecordColumns lists them).
inline constexpr const char* kRecordColumns =
    "kind, key, parent, status, created_at, body, version";

// ListRecords: a page of records, newest first. Parameters in order: kind, parent (by_parent),
// status (by_status), the cursor's created_at and key (after_cursor), the row limit.
std::string ListRecordsSql(SqlDialect dialect, bool by_parent, bool by_status, bool after_cursor);
// ListRecordsWithStatus: every record of a kind and status, oldest first. Parameters: kind,
// status.
std::string ListRecordsWithStatusSql(SqlDialect dialect);
// ReadHistory: columns id, body. Parameters: execution, the id to start from (unless
// from_last), the row limit. Forward: ids >= the start, ascending; reverse: ids <= the start
// (or from the last), descending.
std::string ReadHistorySql(SqlDialect dialect, bool reverse, bool from_last);

}  // namespace wfm
