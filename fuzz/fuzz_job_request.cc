// The bodies of POST /jobs (ParseStartJobRequest) and DELETE /jobs/{id} (ParseCancelReason); each
// input is given to both.
// Contract: an input is either refused (kInvalidArgument, or kTooLarge for data over the limit)
// with a message, or gives a request within the limits that reads back the same from the JSON
// a client would send for it.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "fuzz_check.h"
#include "model/requests.h"

namespace {

using nlohmann::json;

// Small enough for the fuzzer to reach every limit.
wfm::RequestLimits Limits() {
  wfm::RequestLimits limits;
  limits.max_json_depth = 16;
  limits.max_data_bytes = 96;
  return limits;
}

void CheckStartJob(const std::string& body, const wfm::RequestLimits& limits) {
  auto request = wfm::ParseStartJobRequest(body, limits);
  if (!request.ok()) {
    FUZZ_CHECK(request.error().code == wfm::ErrorCode::kInvalidArgument ||
                   request.error().code == wfm::ErrorCode::kTooLarge,
               "a refused job request is kInvalidArgument or kTooLarge");
    FUZZ_CHECK(!request.error().message.empty(), "a refusal says why");
    return;
  }
  FUZZ_CHECK(!request->workflow_name.empty(), "an accepted job request names a workflow");
  FUZZ_CHECK(request->data_json.size() <= limits.max_data_bytes, "accepted data is within limits");
  json data = json::parse(request->data_json, nullptr, false);
  FUZZ_CHECK(data.is_array(), "accepted data is a JSON array");

  json resent = {{"workflow", {{"name", request->workflow_name}, {"revision", request->revision}}},
                 {"data", data}};
  auto again = wfm::ParseStartJobRequest(resent.dump(), limits);
  FUZZ_CHECK(again.ok(), "the same request sent again is accepted");
  FUZZ_CHECK(again->workflow_name == request->workflow_name &&
                 again->revision == request->revision && again->data_json == request->data_json,
             "a job request round-trips unchanged");
}

void CheckCancel(const std::string& body, const wfm::RequestLimits& limits) {
  auto reason = wfm::ParseCancelReason(body, limits);
  if (!reason.ok()) {
    FUZZ_CHECK(reason.error().code == wfm::ErrorCode::kInvalidArgument,
               "a refused cancel body is kInvalidArgument");
    FUZZ_CHECK(!reason.error().message.empty(), "a refusal says why");
    return;
  }
  auto again = wfm::ParseCancelReason(json{{"reason", reason.value()}}.dump(), limits);
  FUZZ_CHECK(again.ok() && again.value() == reason.value(), "a cancel reason round-trips");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  const wfm::RequestLimits limits = Limits();
  CheckStartJob(body, limits);
  CheckCancel(body, limits);
  return 0;
}
