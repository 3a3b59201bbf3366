// Serves a handler (the Api, or a test's fake service) over HTTP/1.1 (Boost.Beast), with
// keep-alive, a 1 MiB request body limit (413) and a graceful stop that finishes the requests in
// flight.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "api/http_message.h"
#include "core/result.h"

namespace wfm {

class HttpServer {
 public:
  static constexpr size_t kMaxBodyBytes = 1 << 20;

  // Binds host:port (port 0: any free port) and serves `handler` (called from several threads at
  // once). Errors: kInvalidArgument when it can't listen.
  static Result<std::unique_ptr<HttpServer>> Listen(HttpHandler handler, const std::string& host,
                                                    int port, int threads);
  ~HttpServer();

  int port() const { return port_; }
  // Stops accepting, waits (bounded) for requests in flight to be answered, then stops. Idempotent.
  void Stop();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace wfm
