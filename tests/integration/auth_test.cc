// The API's guard (src/api/auth.h) and API tokens (src/api/api_tokens.h), on a memory store with
// a fake clock: tokens and scopes, modes, the Origin (CSRF) and Host (DNS rebinding) checks.
#include "api/auth.h"

#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/api_tokens.h"
#include "store/memory/memory_store.h"

namespace wfm {
namespace {

HttpRequest Request(const std::string& method, const std::string& target,
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpRequest request;
  request.method = method;
  request.target = target;
  request.headers = std::move(headers);
  if (request.Header("Host").empty()) request.headers.emplace_back("Host", "localhost:8080");
  return request;
}

std::pair<std::string, std::string> Bearer(const std::string& token) {
  return {"Authorization", "Bearer " + token};
}

AuthOptions Options(const std::string& mode, const std::string& listen_host = "127.0.0.1",
                    std::vector<std::string> origins = {}, std::vector<std::string> hosts = {}) {
  auto options = MakeAuthOptions(mode, listen_host, origins, hosts);
  EXPECT_TRUE(options.ok()) << options.error().message;
  return options.value();
}

class AuthGuardTest : public ::testing::Test {
 protected:
  // A token of `scope` stored in the memory store; returns its secret.
  std::string AddToken(const std::string& name, TokenScope scope) {
    auto token = MakeApiToken(name, scope, clock_.Now());
    EXPECT_TRUE(token.ok());
    EXPECT_TRUE(store_.CreateToken(token->record).ok());
    return token->secret;
  }
  // The status the guard answers, or 0 when it lets the request through.
  int StatusOf(AuthGuard& guard, const HttpRequest& request) {
    auto refusal = guard.Check(request);
    if (!refusal) return 0;
    auto body = nlohmann::json::parse(refusal->body, nullptr, false);
    EXPECT_TRUE(body.is_object() && body["message"].is_string()) << refusal->body;
    EXPECT_EQ(refusal->content_type, "application/json");
    return refusal->status;
  }

  FakeClock clock_;
  MemoryStore store_;
};

TEST_F(AuthGuardTest, GivesEachScopeItsMethods) {
  std::string reader = AddToken("reader", TokenScope::kRead);
  std::string writer = AddToken("writer", TokenScope::kWrite);
  std::string admin = AddToken("admin", TokenScope::kAdmin);
  AuthGuard guard(store_, clock_, Options("required"));
  for (const char* method : {"GET", "HEAD"}) {
    EXPECT_EQ(StatusOf(guard, Request(method, "/jobs/x", {Bearer(reader)})), 0) << method;
  }
  for (const char* method : {"POST", "PUT", "DELETE", "PATCH"}) {
    EXPECT_EQ(StatusOf(guard, Request(method, "/workflows", {Bearer(reader)})), 403) << method;
    EXPECT_EQ(StatusOf(guard, Request(method, "/workflows", {Bearer(writer)})), 0) << method;
    EXPECT_EQ(StatusOf(guard, Request(method, "/workflows", {Bearer(admin)})), 0) << method;
  }
  EXPECT_EQ(StatusOf(guard, Request("OPTIONS", "/jobs", {Bearer(writer)})), 403);
  EXPECT_EQ(StatusOf(guard, Request("OPTIONS", "/jobs", {Bearer(admin)})), 0);

  auto refusal = guard.Check(Request("POST", "/jobs", {Bearer(reader)}));
  ASSERT_TRUE(refusal);
  EXPECT_NE(refusal->body.find("needs write"), std::string::npos) << refusal->body;
  EXPECT_NE(refusal->headers["WWW-Authenticate"].find("insufficient_scope"), std::string::npos);
}

TEST_F(AuthGuardTest, RequiresATokenInModeRequiredButNotForHealth) {
  AddToken("reader", TokenScope::kRead);
  AuthGuard guard(store_, clock_, Options("required"));
  auto refusal = guard.Check(Request("GET", "/workflows"));
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->status, 401);
  EXPECT_EQ(refusal->headers["WWW-Authenticate"].rfind("Bearer", 0), 0u);
  EXPECT_EQ(StatusOf(guard, Request("GET", "/_health")), 0);
  EXPECT_EQ(StatusOf(guard, Request("GET", "/_health?x=1")), 0);
  EXPECT_EQ(StatusOf(guard, Request("POST", "/_health")), 401);
}

TEST_F(AuthGuardTest, LetsRequestsWithoutATokenThroughInModeOptionalButNotWrongOnes) {
  std::string reader = AddToken("reader", TokenScope::kRead);
  AuthGuard guard(store_, clock_, Options("optional"));
  EXPECT_EQ(StatusOf(guard, Request("POST", "/workflows")), 0);
  EXPECT_EQ(StatusOf(guard, Request("DELETE", "/jobs/x")), 0);
  EXPECT_EQ(StatusOf(guard, Request("GET", "/jobs/x", {Bearer("wfm_wrong")})), 401);
  EXPECT_EQ(StatusOf(guard, Request("GET", "/jobs/x", {{"Authorization", "Basic dTpw"}})), 401);
  EXPECT_EQ(StatusOf(guard, Request("GET", "/jobs/x", {{"Authorization", "Bearer "}})), 401);
  EXPECT_EQ(StatusOf(guard, Request("POST", "/workflows", {Bearer(reader)})), 403);
  EXPECT_EQ(StatusOf(guard, Request("GET", "/x", {{"authorization", "bearer  " + reader}})), 0);
}

TEST_F(AuthGuardTest, DefaultsToOptionalOnLoopbackAndRequiredElsewhere) {
  EXPECT_EQ(Options("", "127.0.0.1").mode, AuthMode::kOptional);
  EXPECT_EQ(Options("", "localhost").mode, AuthMode::kOptional);
  EXPECT_EQ(Options("", "[::1]").mode, AuthMode::kOptional);
  EXPECT_EQ(Options("", "0.0.0.0").mode, AuthMode::kRequired);
  EXPECT_EQ(Options("", "192.168.1.4").mode, AuthMode::kRequired);
  EXPECT_EQ(Options("", "::").mode, AuthMode::kRequired);
  EXPECT_EQ(Options("optional", "0.0.0.0").mode, AuthMode::kOptional);
  EXPECT_EQ(Options("required", "127.0.0.1").mode, AuthMode::kRequired);
  EXPECT_FALSE(MakeAuthOptions("maybe", "127.0.0.1", {}, {}).ok());
  EXPECT_FALSE(MakeAuthOptions("", "127.0.0.1", {"evil.example"}, {}).ok());
  EXPECT_FALSE(MakeAuthOptions("", "127.0.0.1", {"ftp://evil.example"}, {}).ok());
  EXPECT_FALSE(MakeAuthOptions("", "127.0.0.1", {}, {"a b"}).ok());
}

TEST_F(AuthGuardTest, SeesANewTokenAtOnceAndARevokedOneAfterTheCacheTime) {
  AuthGuard guard(store_, clock_, Options("required"));
  EXPECT_EQ(StatusOf(guard, Request("GET", "/jobs/x", {Bearer("wfm_none")})), 401);
  std::string token = AddToken("late", TokenScope::kRead);
  EXPECT_EQ(StatusOf(guard, Request("GET", "/jobs/x", {Bearer(token)})), 0);

  ASSERT_TRUE(store_.DeleteToken("late").ok());
  EXPECT_EQ(StatusOf(guard, Request("GET", "/jobs/x", {Bearer(token)})), 0);  // cached
  clock_.Advance(guard.options().token_cache_ms);
  EXPECT_EQ(StatusOf(guard, Request("GET", "/jobs/x", {Bearer(token)})), 401);
}

// A memory store whose token reads fail on demand, counting the reads.
class FlakyTokenStore : public MemoryStore {
 public:
  Result<std::vector<ApiToken>> ListTokens() override {
    ++reads;
    if (down) return Error{ErrorCode::kUnavailable, "postgresql unavailable: connection refused"};
    return MemoryStore::ListTokens();
  }
  bool down = false;
  int reads = 0;
};

TEST_F(AuthGuardTest, Answers503WhenTokensCannotBeRead) {
  FlakyTokenStore store;
  store.down = true;
  AuthGuard guard(store, clock_, Options("required"));
  auto refusal = guard.Check(Request("GET", "/jobs/x", {Bearer("wfm_any")}));
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->status, 503);
  EXPECT_NE(refusal->body.find("connection refused"), std::string::npos);
}

TEST_F(AuthGuardTest, KeepsKnownTokensAndSparesTheStoreWhileItIsDown) {
  FlakyTokenStore store;
  auto token = MakeApiToken("known", TokenScope::kRead, clock_.Now()).value();
  ASSERT_TRUE(store.CreateToken(token.record).ok());
  AuthGuard guard(store, clock_, Options("required"));
  EXPECT_EQ(StatusOf(guard, Request("GET", "/jobs/x", {Bearer(token.secret)})), 0);
  ASSERT_EQ(store.reads, 1);

  store.down = true;
  clock_.Advance(guard.options().token_cache_ms);  // the cache is stale: a read is due
  EXPECT_EQ(StatusOf(guard, Request("GET", "/jobs/x", {Bearer(token.secret)})), 0);
  EXPECT_EQ(store.reads, 2);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(StatusOf(guard, Request("GET", "/jobs/x", {Bearer("wfm_unknown")})), 503);
    EXPECT_EQ(StatusOf(guard, Request("GET", "/jobs/x", {Bearer(token.secret)})), 0);
  }
  EXPECT_EQ(store.reads, 2) << "the store was read again right after a failed read";

  store.down = false;
  clock_.Advance(1000);
  EXPECT_EQ(StatusOf(guard, Request("GET", "/jobs/x", {Bearer("wfm_unknown")})), 401);
  EXPECT_EQ(store.reads, 3);
}

TEST_F(AuthGuardTest, ChecksFromManyThreadsAtOnce) {
  std::string known = AddToken("known", TokenScope::kWrite);
  AuthGuard guard(store_, clock_, Options("required"));
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        if (t == 0 && i % 50 == 0) clock_.Advance(guard.options().token_cache_ms);
        bool good = (i + t) % 2 == 0;
        auto refusal = guard.Check(Request("POST", "/jobs", {Bearer(good ? known : "wfm_x")}));
        if (good != !refusal.has_value()) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST_F(AuthGuardTest, RefusesWritesFromOtherOriginsButNotFromItsOwnOrWithoutOrigin) {
  AuthGuard guard(store_, clock_, Options("optional", "127.0.0.1", {"https://ui.example.com"}));
  auto post = [&](std::vector<std::pair<std::string, std::string>> headers) {
    return StatusOf(guard, Request("POST", "/jobs", std::move(headers)));
  };
  EXPECT_EQ(post({}), 0);  // curl
  EXPECT_EQ(post({{"Origin", "http://evil.example"}}), 403);
  EXPECT_EQ(post({{"Origin", "http://evil.example:8080"}}), 403);
  EXPECT_EQ(post({{"Origin", "http://localhost:9999"}}), 403);
  EXPECT_EQ(post({{"Origin", "null"}}), 403);
  EXPECT_EQ(post({{"Origin", "garbage"}}), 403);
  EXPECT_EQ(post({{"Origin", "http://localhost:8080"}}), 0);
  EXPECT_EQ(post({{"Origin", "http://LOCALHOST:8080"}}), 0);
  EXPECT_EQ(post({{"Host", "localhost"}, {"Origin", "http://localhost"}}), 0);
  EXPECT_EQ(post({{"Host", "localhost:80"}, {"Origin", "http://localhost"}}), 0);
  EXPECT_EQ(post({{"Host", "localhost"}, {"Origin", "https://localhost"}}), 0);
  EXPECT_EQ(post({{"Origin", "https://ui.example.com"}}), 0);      // --allowed-origin
  EXPECT_EQ(post({{"Origin", "https://ui.example.com:443"}}), 0);  // the same, port explicit
  EXPECT_EQ(post({{"Origin", "http://ui.example.com"}}), 403);     // another scheme
  EXPECT_EQ(post({{"Sec-Fetch-Site", "cross-site"}}), 403);
  EXPECT_EQ(post({{"Sec-Fetch-Site", "same-origin"}}), 0);
  EXPECT_EQ(StatusOf(guard, Request("DELETE", "/jobs/x", {{"Origin", "http://evil.example"}})),
            403);
  EXPECT_EQ(StatusOf(guard, Request("PUT", "/workflows/w", {{"Origin", "http://evil.example"}})),
            403);
  // Reads are not writes: a page elsewhere can't read the answer anyway (no CORS headers).
  EXPECT_EQ(StatusOf(guard, Request("GET", "/jobs/x", {{"Origin", "http://evil.example"}})), 0);
}

TEST_F(AuthGuardTest, AnswersJsonWhateverBytesTheHeadersHold) {
  AuthGuard guard(store_, clock_, Options("optional"));
  EXPECT_EQ(StatusOf(guard, Request("GET", "/jobs", {{"Host", "\xff\xfe:8080"}})), 403);
  EXPECT_EQ(StatusOf(guard, Request("POST", "/jobs", {{"Origin", "http://\xc3("}})), 403);
}

TEST_F(AuthGuardTest, RefusesForeignHostNamesOnLoopbackOnly) {
  AuthGuard loopback(store_, clock_, Options("optional", "127.0.0.1", {}, {"wfm.internal"}));
  auto status = [&](AuthGuard& guard, const std::string& host) {
    return StatusOf(guard, Request("GET", "/workflows", {{"Host", host}}));
  };
  for (const char* host : {"localhost:8080", "127.0.0.1:8080", "127.1.2.3", "[::1]:8080",
                           "app.localhost:8080", "LocalHost", "wfm.internal:8080"}) {
    EXPECT_EQ(status(loopback, host), 0) << host;
  }
  for (const char* host : {"evil.example:8080", "evil.example", "10.0.0.1:8080", "[::2]",
                           "localhost.evil.example", "[::1"}) {
    EXPECT_EQ(status(loopback, host), 403) << host;
  }
  EXPECT_EQ(StatusOf(loopback, Request("GET", "/_health", {{"Host", "evil.example"}})), 0);
  AuthGuard anywhere(store_, clock_, Options("optional", "0.0.0.0"));
  EXPECT_EQ(status(anywhere, "evil.example:8080"), 0);
}

TEST_F(AuthGuardTest, CallsTheWrappedHandlerOnlyForRequestsThatPass) {
  AuthGuard guard(store_, clock_, Options("required"));
  int calls = 0;
  HttpHandler sync = guard.Protect([&calls](const HttpRequest&) {
    ++calls;
    return HttpResponse{};
  });
  EXPECT_EQ(sync(Request("GET", "/jobs")).status, 401);
  EXPECT_EQ(sync(Request("GET", "/_health")).status, 200);
  EXPECT_EQ(calls, 1);

  AsyncHttpHandler async = guard.Protect([&calls](const HttpRequest&, HttpResponder respond) {
    ++calls;
    respond(HttpResponse{});
  });
  int answered = 0;
  async(Request("GET", "/jobs"), [&](HttpResponse response) {
    EXPECT_EQ(response.status, 401);
    ++answered;
  });
  async(Request("GET", "/_health"), [&](HttpResponse response) {
    EXPECT_EQ(response.status, 200);
    ++answered;
  });
  EXPECT_EQ(answered, 2);
  EXPECT_EQ(calls, 2);
}

TEST(ApiTokens, AreRandomPrefixedAndStoredAsTheirSha256) {
  auto a = MakeApiToken("a", TokenScope::kWrite, 5), b = MakeApiToken("b", TokenScope::kRead, 6);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->secret.rfind("wfm_", 0), 0u);
  EXPECT_EQ(a->secret.size(), 4u + 43u);
  EXPECT_EQ(a->secret.find_first_not_of(
                "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", 4),
            std::string::npos);
  EXPECT_NE(a->secret, b->secret);
  EXPECT_NE(a->record.id, b->record.id);
  EXPECT_EQ(a->record.sha256_hex, TokenSha256Hex(a->secret));
  EXPECT_EQ(a->record.sha256_hex.find(a->secret.substr(4)), std::string::npos);
  EXPECT_EQ(a->record.scope, TokenScope::kWrite);
  EXPECT_EQ(a->record.created_at, 5);
  EXPECT_EQ(TokenSha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ApiTokens, CompareAndNameTheirScopes) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  TokenScope scope;
  ASSERT_TRUE(ParseTokenScope("admin", &scope));
  EXPECT_EQ(scope, TokenScope::kAdmin);
  EXPECT_STREQ(ToString(TokenScope::kRead), "read");
  EXPECT_FALSE(ParseTokenScope("root", &scope));
}

TEST(IsLoopbackHost, KnowsLoopbackNamesAndAddresses) {
  for (const char* host : {"localhost", "LOCALHOST", "localhost.", "a.b.localhost", "127.0.0.1",
                           "127.255.0.9", "::1", "[::1]", "[0:0:0:0:0:0:0:1]"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
  for (const char* host : {"", "0.0.0.0", "10.1.1.1", "::", "[::2]", "example.com",
                           "localhost.example.com", "notlocalhost", "128.0.0.1"}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
}

}  // namespace
}  // namespace wfm
