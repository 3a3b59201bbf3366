#include "cli/service_client.h"

#include <curl/curl.h>

#include <cctype>

#include "cli/cli_error.h"

namespace wfm::cli {
namespace {

constexpr int kRequestTimeoutMs = 60'000;
constexpr const char* kChooseServer = "set --server or WFM_SERVER to the service's URL";

std::string HeaderValue(const wfm::HttpReply& reply, const std::string& lower_name) {
  for (const auto& [name, value] : reply.headers) {
    if (name == lower_name) return value;
  }
  return "";
}

// The state of one streamed GET, shared with libcurl's callbacks.
struct StreamState {
  CURL* curl = nullptr;
  const std::function<bool(std::string_view)>* on_data = nullptr;
  const std::function<void()>* on_idle = nullptr;
  std::string error_body;  // the body of a non-2xx answer
  std::string request_id;  // its X-Request-Id header
  bool stopped_by_reader = false;
  curl_off_t last_received = -1;
};

// One header line of the streamed answer ("Name: value\r\n"): keeps X-Request-Id's value.
size_t OnStreamHeader(char* data, size_t size, size_t count, void* user) {
  std::string line(data, size * count);
  size_t colon = line.find(':');
  if (colon == std::string::npos) return size * count;
  std::string name = line.substr(0, colon);
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (name == "x-request-id") {
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t\r\n") + 1);
    static_cast<StreamState*>(user)->request_id = value;
  }
  return size * count;
}

size_t OnStreamData(char* data, size_t size, size_t count, void* user) {
  auto* state = static_cast<StreamState*>(user);
  long status = 0;
  curl_easy_getinfo(state->curl, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) {
    state->error_body.append(data, size * count);
    return size * count;
  }
  if (!(*state->on_data)(std::string_view(data, size * count))) {
    state->stopped_by_reader = true;
    return 0;  // makes libcurl end the transfer
  }
  return size * count;
}

// libcurl calls this about once a second even when no byte arrives: the idle tick.
int OnStreamProgress(void* user, curl_off_t, curl_off_t received, curl_off_t, curl_off_t) {
  auto* state = static_cast<StreamState*>(user);
  if (received == state->last_received) (*state->on_idle)();
  state->last_received = received;
  return 0;
}

}  // namespace

std::string UrlEncode(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string ErrorMessageOf(const ServiceReply& reply) {
  Json body = Json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_object() && body.contains("message") && body["message"].is_string()) {
    std::string message = body["message"];
    if (body.contains("__type") && body["__type"].is_string()) {
      std::string type = body["__type"];
      type = type.substr(type.find('#') + 1);  // "com.amazonaws...#Name" is "Name"
      return type + ": " + message;
    }
    return message;
  }
  std::string first_line = reply.body.substr(0, reply.body.find('\n'));
  if (!first_line.empty() && first_line.size() < 200) {
    return "HTTP " + std::to_string(reply.status) + ": " + first_line;
  }
  return "the service answered HTTP " + std::to_string(reply.status);
}

CliError ServiceError(const ServiceReply& reply, const std::string& message) {
  std::string request = reply.request_id.empty() ? "" : " (request " + reply.request_id + ")";
  return CliError(kExitServiceError, (message.empty() ? ErrorMessageOf(reply) : message) + request);
}

bool IsUnknownPath(const ServiceReply& reply) {
  if (reply.status != 404) return false;
  Json body = Json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
  return body.is_object() && body.value("message", "").starts_with("no such path");
}

ServiceClient::ServiceClient(ServiceAddress address)
    : address_(std::move(address)), http_(std::make_shared<wfm::CurlHttpClient>()) {
  while (address_.server.ends_with('/')) address_.server.pop_back();
}

std::string ServiceClient::Url(const std::string& path) const { return address_.server + path; }

void ServiceClient::ThrowCannotConnect(const std::string& reason) const {
  constexpr std::string_view kPrefix = "HTTP request failed: ";  // wfm::CurlHttpClient's
  std::string_view why = reason;
  if (why.starts_with(kPrefix)) why.remove_prefix(kPrefix.size());
  throw CliError(kExitCannotConnect, "cannot connect to the service at " + address_.server + " (" +
                                         std::string(why) + "); " + kChooseServer);
}

ServiceReply ServiceClient::Send(const std::string& method, const std::string& path,
                                 const std::string& body) const {
  wfm::HttpCall call;
  call.method = method;
  call.url = Url(path);
  call.body = body;
  call.timeout_ms = kRequestTimeoutMs;
  if (!body.empty()) call.headers.emplace_back("Content-Type", "application/json");
  if (!address_.token.empty())
    call.headers.emplace_back("Authorization", "Bearer " + address_.token);
  auto reply = http_->Send(call);
  if (!reply.ok()) ThrowCannotConnect(reply.error().message);
  return ServiceReply{reply->status, reply->body, HeaderValue(*reply, "x-next-page-token"),
                      HeaderValue(*reply, "x-request-id")};
}

Json ServiceClient::Call(const std::string& method, const std::string& path,
                         const Json* body) const {
  ServiceReply reply = Send(method, path, body ? body->dump() : "");
  if (reply.status < 200 || reply.status > 299) throw ServiceError(reply);
  if (reply.body.empty()) return nullptr;
  Json parsed = Json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    throw CliError(kExitServiceError,
                   "the service answered " + method + " " + path + " with a body that is not JSON");
  }
  return parsed;
}

Json ServiceClient::CallStepFunctions(const std::string& operation, const Json& request) const {
  wfm::HttpCall call;
  call.method = "POST";
  call.url = Url("/");
  call.body = request.dump();
  call.timeout_ms = kRequestTimeoutMs;
  call.headers = {{"Content-Type", "application/x-amz-json-1.0"},
                  {"X-Amz-Target", "AWSStepFunctions." + operation}};
  if (!address_.token.empty())
    call.headers.emplace_back("Authorization", "Bearer " + address_.token);
  auto reply = http_->Send(call);
  if (!reply.ok()) ThrowCannotConnect(reply.error().message);
  ServiceReply answer{reply->status, reply->body, "", HeaderValue(*reply, "x-request-id")};
  if (answer.status < 200 || answer.status > 299) throw ServiceError(answer);
  Json parsed = Json::parse(answer.body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    throw CliError(kExitServiceError, operation + " answered a body that is not JSON");
  }
  return parsed;
}

ServiceReply ServiceClient::Stream(const std::string& path,
                                   const std::function<bool(std::string_view)>& on_data,
                                   const std::function<void()>& on_idle) const {
  CURL* curl = curl_easy_init();
  StreamState state;
  state.curl = curl;
  state.on_data = &on_data;
  state.on_idle = &on_idle;
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Accept: text/event-stream");
  if (!address_.token.empty()) {
    headers = curl_slist_append(headers, ("Authorization: Bearer " + address_.token).c_str());
  }
  std::string url = Url(path);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(kRequestTimeoutMs));
  // The service sends a keep-alive comment every 15 s: a minute of silence is a dead connection.
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnStreamData);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &state);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnStreamHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &state);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, OnStreamProgress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &state);
  CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (code != CURLE_OK && !state.stopped_by_reader && status == 0) {
    ThrowCannotConnect(curl_easy_strerror(code));
  }
  return ServiceReply{static_cast<int>(status), state.error_body, "", state.request_id};
}

}  // namespace wfm::cli
