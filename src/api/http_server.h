// Serves a handler (the Api, or a test's fake service) over HTTP/1.1 (Boost.Beast), with
// keep-alive, limits on what a client may send or hold (each refusal a JSON {"message": ...}
// answer), optional TLS, and a graceful stop that finishes the requests in flight.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "api/http_message.h"
#include "core/result.h"

namespace wfm {

struct HttpServerOptions {
  int threads = 4;                     // I/O threads; handlers run on them
  size_t max_body_bytes = 1 << 20;     // larger bodies: 413
  size_t max_url_bytes = 8 << 10;      // longer request targets: 414
  size_t max_header_bytes = 16 << 10;  // a larger header block (request line included): 431
  size_t max_header_fields = 100;      // more header fields: 431
  // Connections open at once; beyond it a new connection gets a 503 and is closed.
  int max_connections = 1000;
  // A whole request (header and body) must arrive within this time of its first byte: 408.
  std::chrono::milliseconds request_timeout{30'000};
  // A connection with no request under way is closed after this time.
  std::chrono::milliseconds idle_timeout{60'000};
  // Requests per second per client IP address, with bursts of `rate_burst`; beyond it: 429 with
  // Retry-After. 0: no limit.
  double rate_limit = 0;
  double rate_burst = 0;  // 0: twice the rate (at least 1)
  // How long Stop waits for the requests in flight to be answered.
  std::chrono::milliseconds stop_timeout{30'000};
  // PEM files; both set: HTTPS only. Both or neither.
  std::string tls_cert_file;
  std::string tls_key_file;
};

class HttpServer {
 public:
  // Binds host:port (port 0: any free port) and serves `handler`, which is called on the I/O
  // threads (several at once) and answers through its responder, now or later from any thread.
  // Errors: kInvalidArgument when it can't listen or the TLS files can't be used.
  static Result<std::unique_ptr<HttpServer>> Listen(AsyncHttpHandler handler,
                                                    const std::string& host, int port,
                                                    const HttpServerOptions& options);
  // The same for a handler that answers before it returns.
  static Result<std::unique_ptr<HttpServer>> Listen(HttpHandler handler, const std::string& host,
                                                    int port, const HttpServerOptions& options);
  // The same with default limits and `threads` I/O threads.
  static Result<std::unique_ptr<HttpServer>> Listen(HttpHandler handler, const std::string& host,
                                                    int port, int threads);
  ~HttpServer();

  int port() const { return port_; }
  // Stops accepting, waits (bounded) for requests in flight to be answered (answers pending on a
  // responder included), then stops; a responder called later does nothing. Idempotent; not to
  // be called concurrently with itself.
  void Stop();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace wfm
