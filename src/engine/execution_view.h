// GET /executions/{arn}: an execution as people (and the web UI) read it: its facts and every
// state it visited, in the order entered, with input, output, task attempts and times. Built from
// the stored record and history events (each event's previousEventId leads back to the visit it
// belongs to). Pure.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "engine/execution_record.h"
#include "store/store.h"

namespace wfm {

// At most `max_visits` visits are listed ("truncated": true when there were more).
nlohmann::json ExecutionView(const ExecutionInfo& info, const std::vector<HistoryEvent>& events,
                             size_t max_visits = 10000);

}  // namespace wfm
