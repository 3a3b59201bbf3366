// The credentials chain against real HTTP servers on loopback standing in for the ECS container
// credentials endpoint and the EC2 instance metadata service (IMDSv2).
#include "aws/credentials.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>

#include "api/http_server.h"
#include "core/ids.h"

namespace wfm {
namespace {

namespace fs = std::filesystem;

class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wfm-creds-" + NewUuid());
    fs::create_directories(dir_);
    env_["HOME"] = dir_.string();
    env_["AWS_EC2_METADATA_DISABLED"] = "true";
  }
  void TearDown() override { fs::remove_all(dir_); }

  EnvironmentLookup Env() {
    return [this](const std::string& name) -> std::optional<std::string> {
      auto it = env_.find(name);
      if (it == env_.end()) return std::nullopt;
      return it->second;
    };
  }

  // Serves `handler` on a free loopback port; returns its base URL.
  std::string Serve(HttpHandler handler) {
    server_ = HttpServer::Listen(std::move(handler), "127.0.0.1", 0, 2).value();
    return "http://127.0.0.1:" + std::to_string(server_->port());
  }

  static std::string CredentialsJson(const std::string& key, TimestampMs expiration) {
    return R"({"AccessKeyId":")" + key + R"(","SecretAccessKey":"secret-)" + key +
           R"(","Token":"token-)" + key + R"(","Expiration":")" + FormatTimestamp(expiration) +
           R"("})";
  }

  fs::path dir_;
  std::map<std::string, std::string> env_;
  FakeClock clock_{1'800'000'000'000};
  CurlHttpClient http_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(CredentialsTest, EnvironmentComesFirst) {
  env_["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  env_["AWS_SECRET_ACCESS_KEY"] = "env-secret";
  env_["AWS_SESSION_TOKEN"] = "env-token";
  std::ofstream(dir_ / "credentials") << "[default]\naws_access_key_id = AKIDFILE\n"
                                         "aws_secret_access_key = file-secret\n";
  env_["AWS_SHARED_CREDENTIALS_FILE"] = (dir_ / "credentials").string();
  DefaultCredentialsChain chain(Env(), http_, clock_);
  auto credentials = chain.Get();
  ASSERT_TRUE(credentials.ok());
  EXPECT_EQ(credentials->access_key_id, "AKIDENV");
  EXPECT_EQ(credentials->session_token, "env-token");
}

TEST_F(CredentialsTest, SharedFilesWithAProfile) {
  fs::create_directories(dir_ / ".aws");
  std::ofstream(dir_ / ".aws" / "credentials")
      << "# comment\n[default]\naws_access_key_id=AKIDDEFAULT\naws_secret_access_key=s1\n"
         "[team]\n aws_access_key_id = AKIDTEAM \naws_secret_access_key = s2\n"
         "aws_session_token = t2\n";
  std::ofstream(dir_ / ".aws" / "config")
      << "[profile other]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = s3\n";
  DefaultCredentialsChain chain(Env(), http_, clock_);
  EXPECT_EQ(chain.Get()->access_key_id, "AKIDDEFAULT");

  env_["AWS_PROFILE"] = "team";
  DefaultCredentialsChain team(Env(), http_, clock_);
  auto credentials = team.Get();
  ASSERT_TRUE(credentials.ok());
  EXPECT_EQ(credentials->access_key_id, "AKIDTEAM");
  EXPECT_EQ(credentials->session_token, "t2");

  env_["AWS_PROFILE"] = "other";
  DefaultCredentialsChain other(Env(), http_, clock_);
  EXPECT_EQ(other.Get()->access_key_id, "AKIDCONFIG");
}

TEST_F(CredentialsTest, ContainerFullUriWithAuthorizationAndRefresh) {
  std::atomic<int> calls{0};
  TimestampMs expiration = clock_.Now() + 10 * 60 * 1000;
  std::string base = Serve([&](const HttpRequest& request) {
    if (request.target != "/creds" || request.Header("Authorization") != "Bearer abc") {
      return HttpResponse{401, "application/json", "{}", {}, false, {}};
    }
    int n = ++calls;
    return HttpResponse{200,
                        "application/json",
                        CredentialsJson("AKID" + std::to_string(n), expiration),
                        {},
                        false,
                        {}};
  });
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = base + "/creds";
  env_["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "Bearer abc";
  DefaultCredentialsChain chain(Env(), http_, clock_);
  auto first = chain.Get();
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->access_key_id, "AKID1");
  EXPECT_EQ(first->session_token, "token-AKID1");
  EXPECT_EQ(first->expiration, expiration / 1000 * 1000);
  clock_.Advance(4 * 60 * 1000);
  EXPECT_EQ(chain.Get()->access_key_id, "AKID1");  // still valid for 6 minutes: cached
  clock_.Advance(2 * 60 * 1000);
  EXPECT_EQ(chain.Get()->access_key_id, "AKID2");  // 4 minutes left: refreshed
  EXPECT_EQ(calls, 2);
}

TEST_F(CredentialsTest, ContainerRelativeUri) {
  std::string base = Serve([&](const HttpRequest& request) {
    if (request.target != "/v2/credentials/abc") return HttpResponse{404, "", "", {}, false, {}};
    return HttpResponse{200, "application/json", CredentialsJson("AKIDECS", 0), {}, false, {}};
  });
  env_["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/v2/credentials/abc";
  DefaultCredentialsChain chain(Env(), http_, clock_);
  chain.set_ecs_host(base);
  EXPECT_EQ(chain.Get()->access_key_id, "AKIDECS");
}

TEST_F(CredentialsTest, InstanceMetadataWithSessionTokens) {
  std::atomic<int> token_requests{0};
  std::string base = Serve([&](const HttpRequest& request) {
    if (request.method == "PUT" && request.target == "/latest/api/token") {
      if (request.Header("X-aws-ec2-metadata-token-ttl-seconds").empty()) {
        return HttpResponse{400, "", "", {}, false, {}};
      }
      ++token_requests;
      return HttpResponse{200, "text/plain", "imds-session", {}, false, {}};
    }
    if (request.Header("X-aws-ec2-metadata-token") != "imds-session") {
      return HttpResponse{401, "", "", {}, false, {}};  // IMDSv2 only
    }
    if (request.target == "/latest/meta-data/iam/security-credentials/") {
      return HttpResponse{200, "text/plain", "my-role", {}, false, {}};
    }
    if (request.target == "/latest/meta-data/iam/security-credentials/my-role") {
      return HttpResponse{200, "application/json", CredentialsJson("AKIDEC2", 0), {}, false, {}};
    }
    return HttpResponse{404, "", "", {}, false, {}};
  });
  env_.erase("AWS_EC2_METADATA_DISABLED");
  env_["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = base + "/";
  DefaultCredentialsChain chain(Env(), http_, clock_);
  auto credentials = chain.Get();
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id, "AKIDEC2");
  EXPECT_EQ(credentials->secret_access_key, "secret-AKIDEC2");
  EXPECT_EQ(token_requests, 1);
}

TEST_F(CredentialsTest, NothingFoundSaysWhereItLookedWithoutSecrets) {
  DefaultCredentialsChain chain(Env(), http_, clock_);
  auto none = chain.Get();
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(none.error().message.find("no AWS credentials found"), std::string::npos);

  std::string base = Serve([](const HttpRequest&) {
    return HttpResponse{500, "text/plain", "boom", {}, false, {}};
  });
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = base + "/creds";
  env_["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "super-secret-token";
  DefaultCredentialsChain failing(Env(), http_, clock_);
  auto error = failing.Get();
  ASSERT_FALSE(error.ok());
  EXPECT_NE(error.error().message.find("HTTP 500"), std::string::npos);
  EXPECT_EQ(error.error().message.find("super-secret-token"), std::string::npos);
}

}  // namespace
}  // namespace wfm
