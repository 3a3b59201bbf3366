// MemoryStore's records and histories: the Step Functions face's documents and events.
#include <algorithm>

#include "store/memory/memory_store.h"
#include "store/record_paging.h"

namespace wfm {

std::vector<MemoryStore::RecordFilter> MemoryStore::FiltersOf(const Record& record) {
  std::vector<RecordFilter> filters{{record.kind, "", ""}};
  if (!record.parent.empty()) filters.emplace_back(record.kind, record.parent, "");
  if (!record.status.empty()) filters.emplace_back(record.kind, "", record.status);
  if (!record.parent.empty() && !record.status.empty()) {
    filters.emplace_back(record.kind, record.parent, record.status);
  }
  return filters;
}

void MemoryStore::PutRecordLocked(const Record& record) {
  RecordId id{record.kind, record.key};
  EraseRecordLocked(id);
  records_[id] = record;
  for (const auto& filter : FiltersOf(record)) {
    record_listings_[filter].insert({record.created_at, record.key});
  }
}

void MemoryStore::EraseRecordLocked(const RecordId& id) {
  auto it = records_.find(id);
  if (it == records_.end()) return;
  for (const auto& filter : FiltersOf(it->second)) {
    auto listing = record_listings_.find(filter);
    listing->second.erase({it->second.created_at, it->second.key});
    if (listing->second.empty()) record_listings_.erase(listing);
  }
  records_.erase(it);
}

int64_t MemoryStore::RecordVersionLocked(const RecordId& id) const {
  auto it = records_.find(id);
  return it == records_.end() ? 0 : it->second.version;
}

Status MemoryStore::CreateRecord(const Record& record) {
  std::lock_guard lock(mu_);
  if (records_.count({record.kind, record.key})) {
    return Error{ErrorCode::kAlreadyExists, record.kind + " '" + record.key + "' already exists"};
  }
  Record stored = record;
  stored.version = 1;
  PutRecordLocked(stored);
  return OkStatus();
}

Result<Record> MemoryStore::GetRecord(const std::string& kind, const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = records_.find({kind, key});
  if (it == records_.end()) return Error{ErrorCode::kNotFound, kind + " '" + key + "' not found"};
  return it->second;
}

Status MemoryStore::UpdateRecord(const Record& record, int64_t expected_version) {
  std::lock_guard lock(mu_);
  auto it = records_.find({record.kind, record.key});
  if (it == records_.end()) {
    return Error{ErrorCode::kNotFound, record.kind + " '" + record.key + "' not found"};
  }
  if (it->second.version != expected_version) {
    return Error{ErrorCode::kConflict, record.kind + " '" + record.key + "' is at version " +
                                           std::to_string(it->second.version) + ", not " +
                                           std::to_string(expected_version)};
  }
  Record stored = record;
  stored.created_at = it->second.created_at;
  stored.version = expected_version + 1;
  PutRecordLocked(stored);
  return OkStatus();
}

Status MemoryStore::DeleteRecord(const std::string& kind, const std::string& key) {
  std::lock_guard lock(mu_);
  if (!records_.count({kind, key})) {
    return Error{ErrorCode::kNotFound, kind + " '" + key + "' not found"};
  }
  EraseRecordLocked({kind, key});
  if (kind == kRecordExecution) histories_.erase(key);
  return OkStatus();
}

Result<RecordPage> MemoryStore::ListRecords(const RecordQuery& query) {
  auto cursor = ParseRecordQuery(query);
  if (!cursor.ok()) return cursor.error();
  std::lock_guard lock(mu_);
  RecordPage page;
  auto listing = record_listings_.find({query.kind, query.parent, query.status});
  if (listing == record_listings_.end()) return page;
  const auto& keys = listing->second;
  auto pos =
      cursor->first ? keys.begin() : keys.upper_bound(JobKey{cursor->created_at, cursor->id});
  for (; pos != keys.end() && !CloseIfFull(page, query.limit); ++pos) {
    page.records.push_back(records_.at({query.kind, pos->second}));
  }
  return page;
}

Result<std::vector<Record>> MemoryStore::ListRecordsWithStatus(const std::string& kind,
                                                               const std::string& status) {
  std::lock_guard lock(mu_);
  std::vector<Record> out;
  auto listing = record_listings_.find({kind, "", status});
  if (listing == record_listings_.end()) return out;
  for (auto pos = listing->second.rbegin(); pos != listing->second.rend(); ++pos) {
    const Record& record = records_.at({kind, pos->second});
    if (record.status == status) out.push_back(record);  // status "": the kind's whole listing
  }
  return out;
}

Result<std::vector<HistoryEvent>> MemoryStore::ReadHistory(const std::string& execution,
                                                           int64_t from_id, int limit,
                                                           bool reverse) {
  auto checked = CheckHistoryLimit(limit);
  if (!checked.ok()) return checked.error();
  std::lock_guard lock(mu_);
  std::vector<HistoryEvent> out;
  auto history = histories_.find(execution);
  if (history == histories_.end()) return out;
  const auto& events = history->second;
  auto add = [&](const auto& event) { out.push_back({execution, event.first, event.second}); };
  if (reverse) {
    auto pos =
        from_id <= 0 ? events.rbegin() : std::make_reverse_iterator(events.upper_bound(from_id));
    for (; pos != events.rend() && static_cast<int>(out.size()) < limit; ++pos) add(*pos);
  } else {
    for (auto pos = events.lower_bound(from_id);
         pos != events.end() && static_cast<int>(out.size()) < limit; ++pos) {
      add(*pos);
    }
  }
  return out;
}

}  // namespace wfm
