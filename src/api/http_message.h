// HTTP requests and responses as plain values, shared by the API, the HTTP server and the
// servers the tests fake.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace wfm {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query, as sent
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // as sent

  // The first header of that name (case-insensitive), or "".
  std::string Header(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;
  bool drop_connection = false;  // close without answering (fault injection in test servers)
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

}  // namespace wfm
