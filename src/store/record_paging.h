// Request checks and paging shared by the stores' record and history methods. A ListRecords page
// token has the format of ListJobs' (see ParsePageRequest): the (created_at, key) of the last
// record of the previous page.
#pragma once

#include "store/store.h"

namespace wfm {

// Checks a ListRecords query: a kind, a limit of 1..1000 and a well-formed token.
// Errors: kInvalidArgument.
Result<PageCursor> ParseRecordQuery(const RecordQuery& query);
// True when `page` holds `limit` records: then it also sets the page's next_page_token (the
// caller has found one record more, so another page follows).
bool CloseIfFull(RecordPage& page, int limit);
// Checks ReadHistory's limit (1..1000). Errors: kInvalidArgument.
Status CheckHistoryLimit(int limit);

}  // namespace wfm
