#include "engine/execution_record.h"

namespace wfm {

nlohmann::json ToJson(const ExecutionInfo& info) {
  nlohmann::json out = {{"arn", info.arn},
                        {"name", info.name},
                        {"stateMachineArn", info.state_machine_arn},
                        {"stateMachineName", info.state_machine_name},
                        {"stateMachineVersionArn", info.state_machine_version_arn},
                        {"stateMachineAliasArn", info.state_machine_alias_arn},
                        {"definition", info.definition},
                        {"roleArn", info.role_arn},
                        {"status", info.status},
                        {"input", info.input},
                        {"error", info.error},
                        {"cause", info.cause},
                        {"startDate", info.start_date},
                        {"stopDate", info.stop_date},
                        {"redriveCount", info.redrive_count},
                        {"redriveDate", info.redrive_date}};
  out["output"] = info.output ? nlohmann::json(*info.output) : nlohmann::json(nullptr);
  return out;
}

Result<ExecutionInfo> ExecutionInfoFromJson(const nlohmann::json& json) {
  try {
    ExecutionInfo info;
    info.arn = json.at("arn").get<std::string>();
    info.name = json.at("name").get<std::string>();
    info.state_machine_arn = json.at("stateMachineArn").get<std::string>();
    info.state_machine_name = json.at("stateMachineName").get<std::string>();
    info.state_machine_version_arn = json.at("stateMachineVersionArn").get<std::string>();
    info.state_machine_alias_arn = json.at("stateMachineAliasArn").get<std::string>();
    info.definition = json.at("definition").get<std::string>();
    info.role_arn = json.at("roleArn").get<std::string>();
    info.status = json.at("status").get<std::string>();
    info.input = json.at("input").get<std::string>();
    if (!json.at("output").is_null()) info.output = json.at("output").get<std::string>();
    info.error = json.at("error").get<std::string>();
    info.cause = json.at("cause").get<std::string>();
    info.start_date = json.at("startDate").get<TimestampMs>();
    info.stop_date = json.at("stopDate").get<TimestampMs>();
    info.redrive_count = json.at("redriveCount").get<int64_t>();
    info.redrive_date = json.at("redriveDate").get<TimestampMs>();
    return info;
  } catch (const nlohmann::json::exception& e) {
    return Error{ErrorCode::kInternal, std::string("corrupt execution record: ") + e.what()};
  }
}

Result<ExecutionInfo> ExecutionInfoOf(const Record& record) {
  auto body = nlohmann::json::parse(record.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object() || !body.contains("info")) {
    return Error{ErrorCode::kInternal, "corrupt execution record " + record.key};
  }
  return ExecutionInfoFromJson(body["info"]);
}

}  // namespace wfm
