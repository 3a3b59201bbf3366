#include <cstdlib>

#include "store/record_paging.h"
#include "store/store.h"

namespace wfm {

Result<PageCursor> ParsePageRequest(const std::string& page_token, int limit) {
  if (limit < 1 || limit > 1000) {
    return Error{ErrorCode::kInvalidArgument, "limit must be between 1 and 1000"};
  }
  PageCursor cursor;
  if (page_token.empty()) return cursor;
  size_t sep = page_token.find('_');
  std::string number = page_token.substr(0, sep);
  char* end = nullptr;
  long long created_at = std::strtoll(number.c_str(), &end, 10);
  if (sep == 0 || sep == std::string::npos || sep + 1 == page_token.size() || *end != '\0' ||
      created_at < 0) {
    return Error{ErrorCode::kInvalidArgument, "malformed page token"};
  }
  cursor.first = false;
  cursor.created_at = created_at;
  cursor.id = page_token.substr(sep + 1);
  return cursor;
}

bool CloseIfFull(JobPage& page, int limit) {
  if (static_cast<int>(page.jobs.size()) < limit) return false;
  const Job& last = page.jobs.back();
  page.next_page_token = std::to_string(last.created_at) + "_" + last.id;
  return true;
}

Result<PageCursor> ParseRecordQuery(const RecordQuery& query) {
  if (query.kind.empty()) return Error{ErrorCode::kInvalidArgument, "a record kind is required"};
  return ParsePageRequest(query.page_token, query.limit);
}

bool CloseIfFull(RecordPage& page, int limit) {
  if (static_cast<int>(page.records.size()) < limit) return false;
  const Record& last = page.records.back();
  page.next_page_token = std::to_string(last.created_at) + "_" + last.key;
  return true;
}

Status CheckHistoryLimit(int limit) {
  if (limit < 1 || limit > 1000) {
    return Error{ErrorCode::kInvalidArgument, "limit must be between 1 and 1000"};
  }
  return OkStatus();
}

}  // namespace wfm
