// SqliteStore's records and histories: the Step Functions face's documents and events.
#include <set>

#include "store/record_paging.h"
#include "store/record_sql.h"
#include "store/sqlite/sqlite_common.h"
#include "store/sqlite/sqlite_store.h"

namespace wfm {
namespace {

using sqlite::StoreError;

// A row selected with kRecordColumns.
Record RecordFromRow(SQLite::Statement& row) {
  return Record{row.getColumn(0).getString(), row.getColumn(1).getString(),
                row.getColumn(2).getString(), row.getColumn(3).getString(),
                row.getColumn(4).getInt64(),  row.getColumn(5).getString(),
                row.getColumn(6).getInt64()};
}

std::vector<Record> AllRecords(SQLite::Statement& query) {
  std::vector<Record> out;
  while (query.executeStep()) out.push_back(RecordFromRow(query));
  return out;
}

Error NotFound(const std::string& kind, const std::string& key) {
  return Error{ErrorCode::kNotFound, kind + " '" + key + "' not found"};
}

// Statements of Commit, prepared once per commit and run once per mutation or event.
constexpr const char* kInsertRecord =
    "INSERT OR IGNORE INTO records (kind, key, parent, status, created_at, version, body) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kUpdateRecord =
    "UPDATE records SET parent = ?, status = ?, body = ?, version = ? "
    "WHERE kind = ? AND key = ? AND version = ?";
// The same when parent and status keep their values: SQLite then leaves the indexes alone.
constexpr const char* kUpdateRecordBody =
    "UPDATE records SET body = ?, version = ? "
    "WHERE kind = ? AND key = ? AND version = ? AND parent = ? AND status = ?";
constexpr const char* kInsertEvent =
    "INSERT OR IGNORE INTO history_events (execution, id, body) VALUES (?, ?, ?)";

// Runs kInsertRecord for `record` at version 1; false when its kind and key exist.
bool InsertRecord(SQLite::Statement& insert, const Record& record) {
  insert.reset();
  insert.bind(1, record.kind);
  insert.bind(2, record.key);
  insert.bind(3, record.parent);
  insert.bind(4, record.status);
  insert.bind(5, static_cast<int64_t>(record.created_at));
  insert.bind(6, static_cast<int64_t>(1));
  insert.bind(7, record.body);
  return insert.exec() > 0;
}

// The statements that update a record, prepared together.
struct RecordUpdate {
  explicit RecordUpdate(SQLite::Database& db)
      : body(db, kUpdateRecordBody), all(db, kUpdateRecord) {}
  SQLite::Statement body, all;
};

// Writes `record` (all but its created_at) as version expected_version + 1: its body alone when
// its parent and status are unchanged (most updates: an update of indexed columns rewrites every
// index holding them, which cost SQLite about 40% more), else every column. False when the stored
// version is not expected_version or there is no such record.
bool UpdateStoredRecord(RecordUpdate& update, const Record& record, int64_t expected_version) {
  update.body.reset();
  update.body.bind(1, record.body);
  update.body.bind(2, static_cast<int64_t>(expected_version + 1));
  update.body.bind(3, record.kind);
  update.body.bind(4, record.key);
  update.body.bind(5, static_cast<int64_t>(expected_version));
  update.body.bind(6, record.parent);
  update.body.bind(7, record.status);
  if (update.body.exec() > 0) return true;
  update.all.reset();
  update.all.bind(1, record.parent);
  update.all.bind(2, record.status);
  update.all.bind(3, record.body);
  update.all.bind(4, static_cast<int64_t>(expected_version + 1));
  update.all.bind(5, record.kind);
  update.all.bind(6, record.key);
  update.all.bind(7, static_cast<int64_t>(expected_version));
  return update.all.exec() > 0;
}

}  // namespace

Result<std::vector<bool>> SqliteStore::WriteRecordsAndEvents(SQLite::Database& db,
                                                             const CommitBatch& batch) {
  std::vector<bool> written(batch.records.size());
  std::set<std::string> conflicted;
  if (!batch.records.empty()) {
    SQLite::Statement insert(db, kInsertRecord);
    RecordUpdate update(db);
    for (size_t i = 0; i < batch.records.size(); ++i) {
      const RecordMutation& mutation = batch.records[i];
      written[i] = mutation.expected_version == 0
                       ? InsertRecord(insert, mutation.record)
                       : UpdateStoredRecord(update, mutation.record, mutation.expected_version);
      if (!written[i]) conflicted.insert(mutation.record.key);
    }
  }
  if (!batch.events.empty()) {
    SQLite::Statement append(db, kInsertEvent);
    for (const HistoryEvent& event : batch.events) {
      if (conflicted.count(event.execution)) continue;
      append.reset();
      append.bind(1, event.execution);
      append.bind(2, static_cast<int64_t>(event.id));
      append.bind(3, event.body);
      if (append.exec() == 0) {
        return Error{ErrorCode::kConflict, "event " + std::to_string(event.id) + " of execution '" +
                                               event.execution + "' already exists"};
      }
    }
  }
  return written;
}

Status SqliteStore::CreateRecord(const Record& record) {
  return Write<Status>([&](SQLite::Database& db) -> Status {
    SQLite::Statement insert(db, kInsertRecord);
    if (!InsertRecord(insert, record)) {
      return Error{ErrorCode::kAlreadyExists, record.kind + " '" + record.key + "' already exists"};
    }
    return OkStatus();
  });
}

Result<Record> SqliteStore::GetRecord(const std::string& kind, const std::string& key) {
  try {
    ReaderLease reader(*this);
    SQLite::Statement query(reader.db(), std::string("SELECT ") + kRecordColumns +
                                             " FROM records WHERE kind = ? AND key = ?");
    query.bind(1, kind);
    query.bind(2, key);
    if (!query.executeStep()) return NotFound(kind, key);
    return RecordFromRow(query);
  } catch (const SQLite::Exception& e) {
    return StoreError(e);
  }
}

Status SqliteStore::UpdateRecord(const Record& record, int64_t expected_version) {
  return Write<Status>([&](SQLite::Database& db) -> Status {
    SQLite::Statement current(db, "SELECT version FROM records WHERE kind = ? AND key = ?");
    current.bind(1, record.kind);
    current.bind(2, record.key);
    if (!current.executeStep()) return NotFound(record.kind, record.key);
    int64_t version = current.getColumn(0).getInt64();
    if (version != expected_version) {
      return Error{ErrorCode::kConflict, record.kind + " '" + record.key + "' is at version " +
                                             std::to_string(version) + ", not " +
                                             std::to_string(expected_version)};
    }
    RecordUpdate update(db);
    UpdateStoredRecord(update, record, expected_version);
    return OkStatus();
  });
}

Status SqliteStore::DeleteRecord(const std::string& kind, const std::string& key) {
  return Write<Status>([&](SQLite::Database& db) -> Status {
    SQLite::Statement remove(db, "DELETE FROM records WHERE kind = ? AND key = ?");
    remove.bind(1, kind);
    remove.bind(2, key);
    if (remove.exec() == 0) return NotFound(kind, key);
    if (kind == kRecordExecution) {
      SQLite::Statement history(db, "DELETE FROM history_events WHERE execution = ?");
      history.bind(1, key);
      history.exec();
    }
    return OkStatus();
  });
}

Result<RecordPage> SqliteStore::ListRecords(const RecordQuery& query) {
  auto cursor = ParseRecordQuery(query);
  if (!cursor.ok()) return cursor.error();
  try {
    ReaderLease reader(*this);
    bool by_parent = !query.parent.empty(), by_status = !query.status.empty();
    SQLite::Statement select(
        reader.db(), ListRecordsSql(SqlDialect::kSqlite, by_parent, by_status, !cursor->first));
    int next = 1;
    select.bind(next++, query.kind);
    if (by_parent) select.bind(next++, query.parent);
    if (by_status) select.bind(next++, query.status);
    if (!cursor->first) {
      select.bind(next++, static_cast<int64_t>(cursor->created_at));
      select.bind(next++, cursor->id);
    }
    select.bind(next, query.limit + 1);
    RecordPage page;
    while (select.executeStep() && !CloseIfFull(page, query.limit)) {
      page.records.push_back(RecordFromRow(select));
    }
    return page;
  } catch (const SQLite::Exception& e) {
    return StoreError(e);
  }
}

Result<std::vector<Record>> SqliteStore::ListRecordsWithStatus(const std::string& kind,
                                                               const std::string& status) {
  try {
    ReaderLease reader(*this);
    SQLite::Statement select(reader.db(), ListRecordsWithStatusSql(SqlDialect::kSqlite));
    select.bind(1, kind);
    select.bind(2, status);
    return AllRecords(select);
  } catch (const SQLite::Exception& e) {
    return StoreError(e);
  }
}

Result<std::vector<HistoryEvent>> SqliteStore::ReadHistory(const std::string& execution,
                                                           int64_t from_id, int limit,
                                                           bool reverse) {
  auto checked = CheckHistoryLimit(limit);
  if (!checked.ok()) return checked.error();
  try {
    ReaderLease reader(*this);
    bool from_last = reverse && from_id <= 0;
    SQLite::Statement select(reader.db(), ReadHistorySql(SqlDialect::kSqlite, reverse, from_last));
    int next = 1;
    select.bind(next++, execution);
    if (!from_last) select.bind(next++, static_cast<int64_t>(from_id));
    select.bind(next, limit);
    std::vector<HistoryEvent> out;
    while (select.executeStep()) {
      out.push_back({execution, select.getColumn(0).getInt64(), select.getColumn(1).getString()});
    }
    return out;
  } catch (const SQLite::Exception& e) {
    return StoreError(e);
  }
}

}  // namespace wfm
