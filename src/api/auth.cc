#include "api/auth.h"

#include <arpa/inet.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "api/api_tokens.h"

namespace wfm {
namespace {

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

struct HostPort {
  std::string host;  // lower case; an IPv6 address keeps its brackets
  std::string port;  // digits, or empty when absent
};

// Splits "host", "host:port", "[v6]" or "[v6]:port". Returns nothing when malformed.
std::optional<HostPort> SplitHostPort(const std::string& text) {
  HostPort out;
  std::string rest;
  if (!text.empty() && text[0] == '[') {
    size_t close = text.find(']');
    if (close == std::string::npos) return std::nullopt;
    out.host = Lower(text.substr(0, close + 1));
    rest = text.substr(close + 1);
  } else {
    size_t colon = text.find(':');
    out.host = Lower(text.substr(0, colon));
    rest = colon == std::string::npos ? "" : text.substr(colon);
  }
  if (!rest.empty()) {
    if (rest[0] != ':' || rest.size() == 1 || rest.size() > 6) return std::nullopt;
    out.port = rest.substr(1);
    if (!std::all_of(out.port.begin(), out.port.end(),
                     [](unsigned char c) { return std::isdigit(c) != 0; }))
      return std::nullopt;
  }
  if (out.host.empty() || out.host.find_first_of("/@ \t") != std::string::npos) {
    return std::nullopt;
  }
  return out;
}

struct Origin {
  std::string scheme;
  HostPort address;  // port always set (the scheme's default when absent)
  std::string Normalised() const { return scheme + "://" + address.host + ":" + address.port; }
};

// Parses an Origin as browsers send it: scheme://host[:port], http or https, nothing after.
std::optional<Origin> ParseOrigin(const std::string& text) {
  size_t separator = text.find("://");
  if (separator == std::string::npos) return std::nullopt;
  Origin origin{Lower(text.substr(0, separator)), {}};
  if (origin.scheme != "http" && origin.scheme != "https") return std::nullopt;
  std::string authority = text.substr(separator + 3);
  if (!authority.empty() && authority.back() == '/') authority.pop_back();
  auto address = SplitHostPort(authority);
  if (!address) return std::nullopt;
  origin.address = *address;
  if (origin.address.port.empty()) origin.address.port = origin.scheme == "https" ? "443" : "80";
  return origin;
}

bool IsRead(const std::string& method) { return method == "GET" || method == "HEAD"; }

TokenScope ScopeNeeded(const std::string& method) {
  if (IsRead(method)) return TokenScope::kRead;
  if (method == "POST" || method == "PUT" || method == "DELETE" || method == "PATCH") {
    return TokenScope::kWrite;
  }
  return TokenScope::kAdmin;
}

HttpResponse Refusal(int status, const std::string& message) {
  HttpResponse response;
  response.status = status;
  // Headers are echoed in messages: bytes that are not UTF-8 are replaced, never thrown on.
  response.body = nlohmann::json{{"message", message}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

HttpResponse Unauthorized(const std::string& message, const std::string& challenge) {
  HttpResponse response = Refusal(401, message);
  response.headers["WWW-Authenticate"] = challenge;
  return response;
}

std::string PathOf(const std::string& target) { return target.substr(0, target.find('?')); }

// A Step Functions request (POST / with X-Amz-Target, see api/sfn/sfn_api.h): its refusals take
// Step Functions' error shape, and its reading operations need only the read scope.
bool IsStepFunctions(const HttpRequest& request) {
  return request.method == "POST" && PathOf(request.target) == "/" &&
         !request.Header("X-Amz-Target").empty();
}

// The operations of the Step Functions face that change nothing.
bool IsStepFunctionsRead(const HttpRequest& request) {
  std::string target = request.Header("X-Amz-Target");
  std::string operation = target.substr(target.find('.') + 1);
  return operation.rfind("Describe", 0) == 0 || operation.rfind("List", 0) == 0 ||
         operation == "GetExecutionHistory" || operation == "ValidateStateMachineDefinition";
}

// `refusal` as Step Functions answers it: {"__type": ..., "message": ...}.
HttpResponse AsStepFunctionsError(HttpResponse refusal) {
  auto body = nlohmann::json::parse(refusal.body, nullptr, false);
  std::string message = body.is_object() ? body.value("message", "") : "";
  const char* type = refusal.status == 401   ? "UnrecognizedClientException"
                     : refusal.status == 403 ? "AccessDeniedException"
                                             : "ServiceUnavailable";
  refusal.content_type = "application/x-amz-json-1.0";
  refusal.body = nlohmann::json{{"__type", type}, {"message", message}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
  return refusal;
}

// An AWS Signature Version 4 `Authorization` header, as the AWS SDKs and CLI send it.
bool IsSigV4(const std::string& authorization) {
  return authorization.rfind("AWS4-HMAC-SHA256 ", 0) == 0;
}

// The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), or nothing.
std::optional<std::string> BearerToken(const std::string& authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size() ||
      Lower(authorization.substr(0, kScheme.size())) != kScheme) {
    return std::nullopt;
  }
  size_t start = authorization.find_first_not_of(' ', kScheme.size());
  size_t end = authorization.find_last_not_of(" \t");
  if (start == std::string::npos || end < start) return std::nullopt;
  return authorization.substr(start, end - start + 1);
}

}  // namespace

bool IsLoopbackHost(const std::string& host_text) {
  std::string host = Lower(host_text);
  if (!host.empty() && host.back() == '.') host.pop_back();
  if (host == "localhost" ||
      (host.size() > 10 && host.compare(host.size() - 10, 10, ".localhost") == 0)) {
    return true;
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

Result<AuthOptions> MakeAuthOptions(const std::string& mode, const std::string& listen_host,
                                    const std::vector<std::string>& allowed_origins,
                                    const std::vector<std::string>& allowed_hosts) {
  AuthOptions options;
  options.loopback_only = IsLoopbackHost(listen_host);
  if (mode.empty()) {
    options.mode = options.loopback_only ? AuthMode::kOptional : AuthMode::kRequired;
  } else if (mode == "required" || mode == "optional") {
    options.mode = mode == "required" ? AuthMode::kRequired : AuthMode::kOptional;
  } else {
    return Error{ErrorCode::kInvalidArgument,
                 "--auth must be required or optional, got '" + mode + "'"};
  }
  for (const std::string& text : allowed_origins) {
    auto origin = ParseOrigin(text);
    if (!origin) {
      return Error{
          ErrorCode::kInvalidArgument,
          "--allowed-origin must be scheme://host[:port] (http or https), got '" + text + "'"};
    }
    options.allowed_origins.push_back(origin->Normalised());
  }
  for (const std::string& text : allowed_hosts) {
    auto host = SplitHostPort(text);
    if (!host) {
      return Error{ErrorCode::kInvalidArgument,
                   "--allowed-host must be a host name or address, got '" + text + "'"};
    }
    options.allowed_hosts.push_back(host->host);
  }
  return options;
}

bool AuthGuard::IsUiFile(const HttpRequest& request) {
  std::string path = PathOf(request.target);
  return IsRead(request.method) && (path == "/ui" || path.rfind("/ui/", 0) == 0);
}

AuthGuard::AuthGuard(Store& store, Clock& clock, AuthOptions options)
    : store_(store), clock_(clock), options_(std::move(options)) {}

std::optional<HttpResponse> AuthGuard::Check(const HttpRequest& request) {
  if (IsRead(request.method) && PathOf(request.target) == "/_health") return std::nullopt;
  std::optional<HttpResponse> refusal = CheckHost(request);
  if (!refusal) refusal = CheckOrigin(request);
  if (!refusal && !IsUiFile(request)) refusal = CheckToken(request);
  if (refusal && IsStepFunctions(request)) return AsStepFunctionsError(std::move(*refusal));
  return refusal;
}

std::optional<HttpResponse> AuthGuard::CheckHost(const HttpRequest& request) const {
  if (!options_.loopback_only) return std::nullopt;
  std::string header = request.Header("Host");
  if (header.empty()) return std::nullopt;  // HTTP/1.0 without Host: not a browser
  auto host = SplitHostPort(header);
  if (host &&
      (IsLoopbackHost(host->host) ||
       std::count(options_.allowed_hosts.begin(), options_.allowed_hosts.end(), host->host) > 0)) {
    return std::nullopt;
  }
  return Refusal(403, "Host '" + header +
                          "' refused: this service listens on loopback and answers only loopback "
                          "names (allow another with --allowed-host)");
}

std::optional<HttpResponse> AuthGuard::CheckOrigin(const HttpRequest& request) const {
  if (IsRead(request.method)) return std::nullopt;
  std::string header = request.Header("Origin");
  if (header.empty()) {
    std::string fetch_site = Lower(request.Header("Sec-Fetch-Site"));
    if (fetch_site == "cross-site" || fetch_site == "same-site") {
      return Refusal(
          403, "cross-site " + request.method + " refused (Sec-Fetch-Site: " + fetch_site + ")");
    }
    return std::nullopt;
  }
  auto origin = ParseOrigin(header);
  if (origin) {
    auto host = SplitHostPort(request.Header("Host"));
    if (host) {
      if (host->port.empty()) host->port = origin->address.port;
      if (host->host == origin->address.host && host->port == origin->address.port) {
        return std::nullopt;
      }
    }
    if (std::count(options_.allowed_origins.begin(), options_.allowed_origins.end(),
                   origin->Normalised()) > 0) {
      return std::nullopt;
    }
  }
  return Refusal(403, "cross-origin " + request.method + " refused: Origin '" + header +
                          "' is not this service (allow it with --allowed-origin)");
}

std::optional<HttpResponse> AuthGuard::CheckToken(const HttpRequest& request) {
  std::string authorization = request.Header("Authorization");
  if (authorization.empty()) {
    if (options_.mode == AuthMode::kOptional) return std::nullopt;
    return Unauthorized(
        "authentication required: send Authorization: Bearer <token> (workflow-manager token "
        "create makes one)",
        "Bearer realm=\"workflow-manager\"");
  }
  // SigV4 signatures are not checked (yet): a signed request passes where no token is needed and
  // needs a Bearer token where one is (the SDKs can send one instead; see README).
  if (IsSigV4(authorization)) {
    if (options_.mode == AuthMode::kOptional) return std::nullopt;
    return Unauthorized(
        "AWS Signature Version 4 is not checked by this service: send Authorization: Bearer "
        "<token> instead (workflow-manager token create makes one)",
        "Bearer realm=\"workflow-manager\"");
  }
  auto secret = BearerToken(authorization);
  if (!secret) {
    return Unauthorized("the Authorization header must be Bearer <token>",
                        "Bearer realm=\"workflow-manager\", error=\"invalid_request\"");
  }
  auto token = FindToken(TokenSha256Hex(*secret));
  if (!token.ok()) {
    return Refusal(503, "can't check the token now: " + token.error().message);
  }
  if (!token->has_value()) {
    return Unauthorized("unknown or revoked token",
                        "Bearer realm=\"workflow-manager\", error=\"invalid_token\"");
  }
  TokenScope needed = IsStepFunctions(request) && IsStepFunctionsRead(request)
                          ? TokenScope::kRead
                          : ScopeNeeded(request.method);
  if ((*token)->scope < needed) {
    HttpResponse response = Refusal(403, std::string("token '") + (*token)->name + "' has scope " +
                                             ToString((*token)->scope) + "; " + request.method +
                                             " needs " + ToString(needed));
    response.headers["WWW-Authenticate"] =
        std::string("Bearer realm=\"workflow-manager\", error=\"insufficient_scope\", scope=\"") +
        ToString(needed) + "\"";
    return response;
  }
  return std::nullopt;
}

AuthGuard::TokenSnapshot AuthGuard::Snapshot() {
  std::lock_guard lock(mu_);
  return snapshot_;
}

Result<AuthGuard::TokenSnapshot> AuthGuard::Reload(uint64_t seen_attempts) {
  std::lock_guard reload_lock(reload_mu_);
  TokenSnapshot current = Snapshot();
  bool waited_for_another = current.attempts != seen_attempts;
  bool failed_lately =
      current.last_error && clock_.Now() - current.failed_at < kRetryAfterFailureMs;
  if (waited_for_another || failed_lately) {
    if (current.last_error) return *current.last_error;
    return current;
  }
  auto tokens = store_.ListTokens();
  std::lock_guard lock(mu_);
  ++snapshot_.attempts;
  if (!tokens.ok()) {
    snapshot_.last_error = tokens.error();
    snapshot_.failed_at = clock_.Now();
    return tokens.error();
  }
  snapshot_.tokens = std::make_shared<const std::vector<ApiToken>>(std::move(tokens.value()));
  snapshot_.loaded_at = clock_.Now();
  snapshot_.last_error.reset();
  return snapshot_;
}

Result<std::optional<ApiToken>> AuthGuard::FindToken(const std::string& sha256_hex) {
  // Every stored hash is compared, in constant time, whichever matches.
  auto match = [&sha256_hex](const std::vector<ApiToken>& tokens) {
    std::optional<ApiToken> found;
    for (const ApiToken& token : tokens) {
      if (ConstantTimeEquals(token.sha256_hex, sha256_hex)) found = token;
    }
    return found;
  };
  TokenSnapshot snapshot = Snapshot();
  if (snapshot.tokens && clock_.Now() - snapshot.loaded_at < options_.token_cache_ms) {
    if (auto found = match(*snapshot.tokens)) return found;
  }
  auto reloaded = Reload(snapshot.attempts);
  if (reloaded.ok()) return match(*reloaded->tokens);
  // The store can't be read: the tokens read before still count until it can.
  if (snapshot.tokens) {
    if (auto found = match(*snapshot.tokens)) return found;
  }
  return reloaded.error();
}

HttpHandler AuthGuard::Protect(HttpHandler inner) {
  return [this, inner = std::move(inner)](const HttpRequest& request) {
    if (auto refusal = Check(request)) return std::move(*refusal);
    return inner(request);
  };
}

AsyncHttpHandler AuthGuard::Protect(AsyncHttpHandler inner) {
  return [this, inner = std::move(inner)](const HttpRequest& request, HttpResponder respond) {
    if (auto refusal = Check(request)) return respond(std::move(*refusal));
    inner(request, std::move(respond));
  };
}

void AuthGuard::WarnIfNoTokens() {
  if (options_.mode != AuthMode::kRequired) return;
  auto tokens = store_.ListTokens();
  if (tokens.ok() && !tokens->empty()) return;
  spdlog::warn(
      "authentication is required and no API token exists yet: every request but GET /_health "
      "will be refused with 401. Create one with `workflow-manager token create --scope admin "
      "--name NAME` (with this service's --store or --data-dir)");
}

}  // namespace wfm
