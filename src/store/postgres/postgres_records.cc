// PostgresStore's records and histories: the Step Functions face's documents and events.
#include <map>
#include <set>

#include "store/postgres/postgres_store.h"
#include "store/record_paging.h"
#include "store/record_sql.h"

namespace wfm {
namespace {

// Rows per INSERT or UPDATE statement in Commit: one round trip writes hundreds of them.
constexpr size_t kRecordsPerStatement = 500;
constexpr size_t kEventsPerStatement = 1000;

// A row selected with kRecordColumns.
Record RecordFromRow(const pqxx::row& row) {
  return Record{row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                row[3].as<std::string>(), row[4].as<int64_t>(),     row[5].as<std::string>(),
                row[6].as<int64_t>()};
}

Error NotFound(const std::string& kind, const std::string& key) {
  return Error{ErrorCode::kNotFound, kind + " '" + key + "' not found"};
}

using RecordId = std::pair<std::string, std::string>;  // (kind, key)

// Creates the records of `mutations` (indexes into `batch.records`, distinct keys, each expecting
// version 0) that don't exist yet; returns which it created.
std::set<RecordId> CreateRecords(pqxx::work& txn, const CommitBatch& batch,
                                 const std::vector<size_t>& mutations) {
  std::set<RecordId> created;
  for (size_t start = 0; start < mutations.size(); start += kRecordsPerStatement) {
    size_t end = std::min(mutations.size(), start + kRecordsPerStatement);
    std::string values;
    for (size_t i = start; i < end; ++i) {
      const Record& r = batch.records[mutations[i]].record;
      values += (i > start ? ",(" : "(") + txn.quote(r.kind) + "," + txn.quote(r.key) + "," +
                txn.quote(r.parent) + "," + txn.quote(r.status) + "," +
                std::to_string(r.created_at) + ",1," + txn.quote(r.body) + ")";
    }
    for (const auto& row : txn.exec(
             "INSERT INTO records (kind, key, parent, status, created_at, version, body) VALUES " +
             values + " ON CONFLICT DO NOTHING RETURNING kind, key")) {
      created.emplace(row[0].as<std::string>(), row[1].as<std::string>());
    }
  }
  return created;
}

// Writes the records of `mutations` (indexes into `batch.records`, distinct keys) whose stored
// version is the expected one; returns which it wrote.
std::set<RecordId> UpdateRecords(pqxx::work& txn, const CommitBatch& batch,
                                 const std::vector<size_t>& mutations) {
  std::set<RecordId> updated;
  for (size_t start = 0; start < mutations.size(); start += kRecordsPerStatement) {
    size_t end = std::min(mutations.size(), start + kRecordsPerStatement);
    std::string values;
    for (size_t i = start; i < end; ++i) {
      const RecordMutation& m = batch.records[mutations[i]];
      values += (i > start ? ",(" : "(") + txn.quote(m.record.kind) + "," +
                txn.quote(m.record.key) + "," + txn.quote(m.record.parent) + "," +
                txn.quote(m.record.status) + "," + std::to_string(m.expected_version) +
                "::bigint," + txn.quote(m.record.body) + ")";
    }
    for (const auto& row :
         txn.exec("UPDATE records AS r SET parent = u.parent, status = u.status, body = u.body, "
                  "version = u.version + 1 FROM (VALUES " +
                  values +
                  ") AS u(kind, key, parent, status, version, body) "
                  "WHERE r.kind = u.kind AND r.key = u.key AND r.version = u.version "
                  "RETURNING r.kind, r.key")) {
      updated.emplace(row[0].as<std::string>(), row[1].as<std::string>());
    }
  }
  return updated;
}

// Appends `events` (those of conflicted records left out). Errors: kConflict naming the first
// event whose id is taken.
Status AppendEvents(pqxx::work& txn, const std::vector<const HistoryEvent*>& events) {
  for (size_t start = 0; start < events.size(); start += kEventsPerStatement) {
    size_t end = std::min(events.size(), start + kEventsPerStatement);
    std::string values;
    for (size_t i = start; i < end; ++i) {
      values += (i > start ? ",(" : "(") + txn.quote(events[i]->execution) + "," +
                std::to_string(events[i]->id) + "," + txn.quote(events[i]->body) + ")";
    }
    auto appended = txn.exec("INSERT INTO history_events (execution, id, body) VALUES " + values +
                             " ON CONFLICT DO NOTHING RETURNING execution, id");
    if (appended.size() == end - start) continue;
    std::set<std::pair<std::string, int64_t>> written;
    for (const auto& row : appended) {
      written.emplace(row[0].as<std::string>(), row[1].as<int64_t>());
    }
    for (size_t i = start; i < end; ++i) {
      if (!written.erase({events[i]->execution, events[i]->id})) {
        return Error{ErrorCode::kConflict, "event " + std::to_string(events[i]->id) +
                                               " of execution '" + events[i]->execution +
                                               "' already exists"};
      }
    }
  }
  return OkStatus();
}

}  // namespace

Result<std::vector<bool>> PostgresStore::WriteRecordsAndEvents(pqxx::work& txn,
                                                               const CommitBatch& batch) {
  // Mutations of one record apply in batch order: the n-th mutation of every record is written in
  // round n, after the (n-1)-th, so each round has distinct keys.
  std::vector<std::vector<size_t>> creates, updates;  // per round
  std::map<RecordId, size_t> seen;
  for (size_t i = 0; i < batch.records.size(); ++i) {
    const Record& r = batch.records[i].record;
    size_t round = seen[{r.kind, r.key}]++;
    auto& rounds = batch.records[i].expected_version == 0 ? creates : updates;
    if (rounds.size() <= round) rounds.resize(round + 1);
    rounds[round].push_back(i);
  }
  std::vector<bool> written(batch.records.size());
  for (size_t round = 0; round < std::max(creates.size(), updates.size()); ++round) {
    for (bool create : {true, false}) {
      const auto& rounds = create ? creates : updates;
      if (round >= rounds.size()) continue;
      auto done = create ? CreateRecords(txn, batch, rounds[round])
                         : UpdateRecords(txn, batch, rounds[round]);
      for (size_t i : rounds[round]) {
        written[i] = done.count({batch.records[i].record.kind, batch.records[i].record.key}) > 0;
      }
    }
  }
  std::set<std::string> conflicted;
  for (size_t i = 0; i < batch.records.size(); ++i) {
    if (!written[i]) conflicted.insert(batch.records[i].record.key);
  }
  std::vector<const HistoryEvent*> events;
  for (const HistoryEvent& event : batch.events) {
    if (!conflicted.count(event.execution)) events.push_back(&event);
  }
  auto appended = AppendEvents(txn, events);
  if (!appended.ok()) return appended.error();
  return written;
}

bool PostgresStore::InsertRecord(pqxx::work& txn, const Record& record) {
  auto inserted = txn.exec_params(
      "INSERT INTO records (kind, key, parent, status, created_at, version, body) "
      "VALUES ($1, $2, $3, $4, $5, 1, $6) ON CONFLICT DO NOTHING",
      record.kind, record.key, record.parent, record.status, record.created_at, record.body);
  return inserted.affected_rows() != 0;
}

Status PostgresStore::CreateRecord(const Record& record) {
  return pool_.Transact<std::monostate>([&](pqxx::work& txn) -> Status {
    if (!InsertRecord(txn, record)) {
      return Error{ErrorCode::kAlreadyExists, record.kind + " '" + record.key + "' already exists"};
    }
    return OkStatus();
  });
}

Result<Record> PostgresStore::GetRecord(const std::string& kind, const std::string& key) {
  return pool_.Transact<Record>([&](pqxx::work& txn) -> Result<Record> {
    auto rows = txn.exec_params(
        std::string("SELECT ") + kRecordColumns + " FROM records WHERE kind = $1 AND key = $2",
        kind, key);
    if (rows.empty()) return NotFound(kind, key);
    return RecordFromRow(rows[0]);
  });
}

Status PostgresStore::UpdateRecord(const Record& record, int64_t expected_version) {
  return pool_.Transact<std::monostate>([&](pqxx::work& txn) -> Status {
    auto current =
        txn.exec_params("SELECT version FROM records WHERE kind = $1 AND key = $2 FOR UPDATE",
                        record.kind, record.key);
    if (current.empty()) return NotFound(record.kind, record.key);
    int64_t version = current[0][0].as<int64_t>();
    if (version != expected_version) {
      return Error{ErrorCode::kConflict, record.kind + " '" + record.key + "' is at version " +
                                             std::to_string(version) + ", not " +
                                             std::to_string(expected_version)};
    }
    txn.exec_params0(
        "UPDATE records SET parent = $3, status = $4, body = $5, version = $6 "
        "WHERE kind = $1 AND key = $2",
        record.kind, record.key, record.parent, record.status, record.body, expected_version + 1);
    return OkStatus();
  });
}

Status PostgresStore::DeleteRecord(const std::string& kind, const std::string& key) {
  return pool_.Transact<std::monostate>([&](pqxx::work& txn) -> Status {
    auto removed = txn.exec_params("DELETE FROM records WHERE kind = $1 AND key = $2", kind, key);
    if (removed.affected_rows() == 0) return NotFound(kind, key);
    if (kind == kRecordExecution) {
      txn.exec_params0("DELETE FROM history_events WHERE execution = $1", key);
    }
    return OkStatus();
  });
}

Result<RecordPage> PostgresStore::ListRecords(const RecordQuery& query) {
  auto cursor = ParseRecordQuery(query);
  if (!cursor.ok()) return cursor.error();
  bool by_parent = !query.parent.empty(), by_status = !query.status.empty();
  std::string sql = ListRecordsSql(SqlDialect::kPostgres, by_parent, by_status, !cursor->first);
  // Every parameter as text: the server gives each the type of what it is compared with.
  std::vector<std::string> params{query.kind};
  if (by_parent) params.push_back(query.parent);
  if (by_status) params.push_back(query.status);
  if (!cursor->first) {
    params.push_back(std::to_string(cursor->created_at));
    params.push_back(cursor->id);
  }
  params.push_back(std::to_string(query.limit + 1));
  return pool_.Transact<RecordPage>([&](pqxx::work& txn) -> Result<RecordPage> {
    RecordPage page;
    for (const auto& row : txn.exec_params(sql, pqxx::prepare::make_dynamic_params(params))) {
      if (CloseIfFull(page, query.limit)) break;
      page.records.push_back(RecordFromRow(row));
    }
    return page;
  });
}

Result<std::vector<Record>> PostgresStore::ListRecordsWithStatus(const std::string& kind,
                                                                 const std::string& status) {
  return pool_.Transact<std::vector<Record>>([&](pqxx::work& txn) -> Result<std::vector<Record>> {
    std::vector<Record> out;
    for (const auto& row :
         txn.exec_params(ListRecordsWithStatusSql(SqlDialect::kPostgres), kind, status)) {
      out.push_back(RecordFromRow(row));
    }
    return out;
  });
}

Result<std::vector<HistoryEvent>> PostgresStore::ReadHistory(const std::string& execution,
                                                             int64_t from_id, int limit,
                                                             bool reverse) {
  auto checked = CheckHistoryLimit(limit);
  if (!checked.ok()) return checked.error();
  bool from_last = reverse && from_id <= 0;
  std::string sql = ReadHistorySql(SqlDialect::kPostgres, reverse, from_last);
  return pool_.Transact<std::vector<HistoryEvent>>(
      [&](pqxx::work& txn) -> Result<std::vector<HistoryEvent>> {
        pqxx::result rows = from_last ? txn.exec_params(sql, execution, limit)
                                      : txn.exec_params(sql, execution, from_id, limit);
        std::vector<HistoryEvent> out;
        for (const auto& row : rows) {
          out.push_back({execution, row[0].as<int64_t>(), row[1].as<std::string>()});
        }
        return out;
      });
}

}  // namespace wfm
