#include "engine/task_stop_record.h"

#include <nlohmann/json.hpp>

namespace wfm {

Record TaskStopRecordOf(const asl::TaskToStop& stop, const std::string& execution_arn,
                        TimestampMs now) {
  Record record;
  record.kind = kRecordTaskStop;
  record.key = stop.name;
  record.parent = execution_arn;
  record.status = kTaskStopPending;
  record.created_at = now;
  record.body =
      nlohmann::json{{"executorId", stop.executor_id}, {"resource", stop.resource}}.dump();
  return record;
}

Result<asl::TaskToStop> TaskStopOf(const Record& record) {
  try {
    auto body = nlohmann::json::parse(record.body);
    return asl::TaskToStop{record.key, body.at("executorId").get<std::string>(),
                           body.at("resource").get<std::string>()};
  } catch (const nlohmann::json::exception& e) {
    return Error{ErrorCode::kInternal, "corrupt task stop " + record.key + ": " + e.what()};
  }
}

}  // namespace wfm
