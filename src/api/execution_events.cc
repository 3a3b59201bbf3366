#include "api/execution_events.h"

#include "engine/execution_view.h"

namespace wfm {

using nlohmann::json;

nlohmann::json ExecutionStatusJson(const ExecutionInfo& info) {
  // The view's own fields, so that both answers show them alike (its states need the history).
  json view = ExecutionView(info, {});
  json out = json::object();
  for (const char* key : {"executionArn", "status", "startDate", "stopDate", "error", "cause",
                          "output", "redriveCount"}) {
    out[key] = std::move(view[key]);
  }
  return out;
}

bool IsExecutionFinished(const std::string& status) {
  return status == kExecutionSucceeded || status == kExecutionFailed ||
         status == kExecutionTimedOut || status == kExecutionAborted;
}

std::map<StreamPosition, StreamUpdate> ExecutionEvents::Read(
    const std::string& arn, const std::set<StreamPosition>& positions) {
  std::map<StreamPosition, StreamUpdate> updates;
  auto record = store_.GetRecord(kRecordExecution, arn);
  if (!record.ok() && record.error().code != ErrorCode::kNotFound) return updates;  // try later
  auto info = record.ok() ? ExecutionInfoOf(record.value()) : Result<ExecutionInfo>(record.error());
  if (!info.ok()) {  // gone, or a record that can't be read (it won't change by waiting)
    for (const StreamPosition& position : positions) {
      updates.emplace(position, StreamUpdate{EventHub::ErrorEventText(info.error().message),
                                             position, true, false});
    }
    return updates;
  }
  // The status is read before the history: the history read may hold events newer than the
  // status (which catches up in the next round), never older, so no stream ends before its last
  // history event is sent.
  const json status = ExecutionStatusJson(info.value());
  const bool finished = IsExecutionFinished(info->status);
  for (const StreamPosition& position : positions) {
    auto history = store_.ReadHistory(arn, position.last + 1, history_events_per_event_ + 1, false);
    if (!history.ok()) continue;  // try later
    // One event more than is sent tells whether more follow.
    const bool more = history->size() > static_cast<size_t>(history_events_per_event_);
    if (more) history->pop_back();
    const bool ends = finished && !more;
    if (position.started && history->empty() && !ends) continue;  // nothing new
    json events = json::array();
    for (const HistoryEvent& event : history.value()) {
      json parsed = json::parse(event.body, nullptr, false);
      if (parsed.is_object()) events.push_back(std::move(parsed));  // a corrupt one is left out
    }
    const int64_t last = history->empty() ? position.last : history->back().id;
    std::string data = json{{"execution", status}, {"events", std::move(events)}}.dump(
        -1, ' ', false, json::error_handler_t::replace);
    updates.emplace(position,
                    StreamUpdate{EventHub::EventText("execution", data, std::to_string(last)),
                                 StreamPosition{last, true}, ends, more});
  }
  return updates;
}

}  // namespace wfm
