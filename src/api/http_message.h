// HTTP requests and responses as plain values, shared by the API, the HTTP server and the
// servers the tests fake.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace wfm {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query, as sent
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // as sent
  std::string remote_address;  // the client's IP address, filled by the server ("" in tests)

  // The first header of that name (case-insensitive), or "".
  std::string Header(const std::string& name) const;
};

// The body of a streamed response (Server-Sent Events), written as it comes. Thread-safe.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  // Queues `bytes` to be written after what was queued before. False once the stream has ended
  // (the client went away, too much is queued for a slow client, End was called, the server
  // stops): then the producer stops.
  virtual bool Write(std::string bytes) = 0;
  // Ends the response: what is queued is written, then the connection is closed. Idempotent.
  virtual void End() = 0;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;
  bool drop_connection = false;  // close without answering (fault injection in test servers)
  // When set, the response is streamed: the server writes the status and headers (no
  // Content-Length: the body ends when the connection closes), then calls `stream` once, on an
  // I/O thread (it must return quickly), with the sink that writes the body; `body` is ignored.
  std::function<void(std::shared_ptr<ResponseStream>)> stream;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// Delivers the response to a request: called exactly once, from any thread, possibly after the
// handler has returned (so that a slow answer never holds an I/O thread).
using HttpResponder = std::function<void(HttpResponse)>;
// A handler that may answer later through its responder.
using AsyncHttpHandler = std::function<void(const HttpRequest&, HttpResponder)>;

}  // namespace wfm
