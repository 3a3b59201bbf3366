// An HTTP client for the AWS APIs and credential endpoints (libcurl). Connections are reused.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace wfm {

struct HttpCall {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int timeout_ms = 10000;
};

struct HttpReply {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Sends the call and returns whatever status the server answered. Thread-safe.
  // Errors: kUnavailable when no answer came (refused, reset, timed out), with the reason.
  virtual Result<HttpReply> Send(const HttpCall& call) = 0;
};

class CurlHttpClient : public HttpClient {
 public:
  CurlHttpClient();
  ~CurlHttpClient() override;
  Result<HttpReply> Send(const HttpCall& call) override;

 private:
  std::mutex mu_;
  std::vector<void*> idle_handles_;  // CURL* kept for connection reuse
};

}  // namespace wfm
