// The API's guard: who may call it, and from where. It wraps the API's handler and answers in its
// place when a request is refused:
//  - Host (only when the service listens on loopback): a Host that is not a loopback name or
//    address (DNS rebinding: a foreign site's name resolved to 127.0.0.1) → 403, unless listed in
//    allowed_hosts.
//  - Origin (writes: POST, PUT, DELETE, PATCH): an Origin whose host:port is not the request's
//    Host nor in allowed_origins, `Origin: null`, or no Origin with `Sec-Fetch-Site: cross-site`
//    or `same-site` → 403 (a page elsewhere making a browser forge a request: CSRF). Requests
//    without Origin (curl, scripts) pass.
//  - Token (`Authorization: Bearer <token>`): missing (mode required) or unknown → 401 with
//    `WWW-Authenticate: Bearer`; a scope too small for the method → 403. read: GET, HEAD; write:
//    also POST, PUT, DELETE, PATCH; admin: every method. In mode optional a request without
//    Authorization passes; a wrong token is still 401.
// `GET /_health` (and HEAD) always passes; the web UI's files (`GET /ui/...`) need no token (they
// hold no data; the UI sends the token with its API calls). Refusals are JSON {"message": ...}.
//
// Tokens are read from the store and kept for `token_cache_ms`, so a token revoked on any replica
// stops working within that time; an unknown token makes it read them again at once (one read at
// a time), so a token just created works at once. While the store can't be read, the tokens
// read before still count and unknown ones get 503. Tokens are compared by their SHA-256 in
// constant time and never logged.
//
// Thread-safety: Check and the wrapped handlers may be called from any number of threads at once.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/http_message.h"
#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace wfm {

enum class AuthMode { kRequired, kOptional };

struct AuthOptions {
  AuthMode mode = AuthMode::kRequired;
  bool loopback_only = false;                // the service listens on a loopback address
  std::vector<std::string> allowed_origins;  // normalised "scheme://host:port"
  std::vector<std::string> allowed_hosts;    // lower-case host names or addresses, no port
  int64_t token_cache_ms = 1000;
};

// Builds the options from the flags: `mode` is "required", "optional" or "" (then required unless
// `listen_host` is a loopback name or address); origins as browsers send them
// (scheme://host[:port]); hosts as names or addresses, optionally with a port (ignored).
// Errors: kInvalidArgument naming the bad value.
Result<AuthOptions> MakeAuthOptions(const std::string& mode, const std::string& listen_host,
                                    const std::vector<std::string>& allowed_origins,
                                    const std::vector<std::string>& allowed_hosts);

// True for "localhost", names under ".localhost", 127.0.0.0/8 and ::1 (with or without brackets).
bool IsLoopbackHost(const std::string& host);

class AuthGuard {
 public:
  // `store` and `clock` must outlive the guard.
  AuthGuard(Store& store, Clock& clock, AuthOptions options);

  // The refusal to send instead of handling `request`, or nothing when it may pass.
  std::optional<HttpResponse> Check(const HttpRequest& request);

  // `inner` behind the guard. The guard must outlive the returned handler.
  HttpHandler Protect(HttpHandler inner);
  AsyncHttpHandler Protect(AsyncHttpHandler inner);

  // Logs, at start, a warning with the command that creates a token when tokens are required and
  // the store has none (every request but /_health would be refused).
  void WarnIfNoTokens();

  const AuthOptions& options() const { return options_; }

 private:
  // The tokens as last read, and the outcome of the last read.
  struct TokenSnapshot {
    std::shared_ptr<const std::vector<ApiToken>> tokens;  // null until a read succeeds
    TimestampMs loaded_at = 0;
    uint64_t attempts = 0;  // store reads finished, successful or not
    std::optional<Error> last_error;
    TimestampMs failed_at = 0;
  };
  // The token whose hash is `sha256_hex`, reading the store again when the cache is stale or
  // does not know it. When the store can't be read, the tokens read before still count.
  // Errors: the store's (the caller answers 503).
  Result<std::optional<ApiToken>> FindToken(const std::string& sha256_hex);
  TokenSnapshot Snapshot();
  // Reads the tokens from the store, one read at a time: a caller that waited for another
  // thread's read (any read since `seen_attempts`) takes its outcome, and after a failed read the
  // store is left alone for kRetryAfterFailureMs.
  Result<TokenSnapshot> Reload(uint64_t seen_attempts);
  // True for a read of the web UI's files (/ui, /ui/...).
  static bool IsUiFile(const HttpRequest& request);
  std::optional<HttpResponse> CheckHost(const HttpRequest& request) const;
  std::optional<HttpResponse> CheckOrigin(const HttpRequest& request) const;
  std::optional<HttpResponse> CheckToken(const HttpRequest& request);

  Store& store_;
  Clock& clock_;
  const AuthOptions options_;
  std::mutex reload_mu_;  // one store read at a time
  std::mutex mu_;         // guards snapshot_
  TokenSnapshot snapshot_;
  static constexpr int64_t kRetryAfterFailureMs = 1000;
};

}  // namespace wfm
