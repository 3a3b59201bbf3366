// Requests to the workflow-manager service: its base URL, the API token, JSON bodies, and the one
// place where an unsuccessful answer becomes a CliError with the service's own message.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "aws/http_client.h"
#include "cli/cli_error.h"

namespace wfm::cli {

using Json = nlohmann::json;

// Where the service is and how to authenticate (from --server/WFM_SERVER, --token/WFM_TOKEN).
struct ServiceAddress {
  std::string server = "http://localhost:8080";
  std::string token;  // sent as "Authorization: Bearer <token>" when not empty
};

struct ServiceReply {
  int status = 0;
  std::string body;
  std::string next_page_token;  // the X-Next-Page-Token header, empty when absent
  std::string request_id;       // the X-Request-Id header, empty when absent
};

// Percent-encodes `text` for a path segment or a query value.
std::string UrlEncode(std::string_view text);

// The message an unsuccessful answer carries: its JSON "message" (prefixed with "__type: " for
// Step Functions errors), else its first line of text, else "HTTP <status>".
std::string ErrorMessageOf(const ServiceReply& reply);

// The CliError(kExitServiceError) of an unsuccessful answer: `message` (when empty,
// ErrorMessageOf(reply)), then " (request ID)" when the answer carried an X-Request-Id, so that
// the service's logs can be searched for it.
CliError ServiceError(const ServiceReply& reply, const std::string& message = "");

// True when the answer is the service's 404 for a path it does not serve at all ("no such path"),
// as opposed to a 404 for a missing workflow, job or execution.
bool IsUnknownPath(const ServiceReply& reply);

class ServiceClient {
 public:
  explicit ServiceClient(ServiceAddress address);

  // Sends METHOD path (path begins with '/', query included) with an optional JSON body and
  // returns whatever the service answered. Throws CliError(kExitCannotConnect) when no answer
  // came, naming the server and how to choose another.
  ServiceReply Send(const std::string& method, const std::string& path,
                    const std::string& body = "") const;

  // Send() that accepts only a 2xx answer and returns its body parsed as JSON (null when empty).
  // Throws ServiceError() otherwise, and CliError(kExitServiceError) when the body is not JSON.
  Json Call(const std::string& method, const std::string& path, const Json* body = nullptr) const;

  // One Step Functions operation (JSON 1.0: POST / with X-Amz-Target: AWSStepFunctions.<op>).
  // Returns the answer's JSON; throws as Call() does.
  Json CallStepFunctions(const std::string& operation, const Json& request) const;

  // GETs `path` and hands each chunk of a 2xx body to on_data as it arrives, until the body ends
  // or on_data returns false; on_idle is called about once a second while nothing arrives
  // (for redrawing a clock). Returns the status with the body and X-Request-Id of a non-2xx
  // answer (on_data is not called then), or the 2xx status however the body ended (at its end,
  // stopped by on_data, or cut by the network). Throws CliError(kExitCannotConnect) when no
  // answer came at all.
  ServiceReply Stream(const std::string& path, const std::function<bool(std::string_view)>& on_data,
                      const std::function<void()>& on_idle) const;

 private:
  std::string Url(const std::string& path) const;
  [[noreturn]] void ThrowCannotConnect(const std::string& reason) const;

  ServiceAddress address_;
  std::shared_ptr<wfm::HttpClient> http_;
};

}  // namespace wfm::cli
