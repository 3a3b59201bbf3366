// Where AWS credentials come from, in the standard order of the AWS SDKs:
//   1. AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN);
//   2. the shared credentials and config files (AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE,
//      default ~/.aws/credentials and ~/.aws/config), profile AWS_PROFILE (default "default");
//   3. ECS container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on 169.254.170.2) or
//      AWS_CONTAINER_CREDENTIALS_FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN (or _FILE);
//   4. EC2 instance metadata with IMDSv2 session tokens (AWS_EC2_METADATA_SERVICE_ENDPOINT,
//      AWS_EC2_METADATA_DISABLED=true to skip).
// Temporary credentials are fetched again 5 minutes before they expire. No message carries a
// secret.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "aws/http_client.h"
#include "aws/sigv4.h"
#include "core/clock.h"
#include "core/result.h"

namespace wfm {

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // Valid credentials now. Thread-safe. Errors: kUnavailable saying which sources were tried.
  virtual Result<AwsCredentials> Get() = 0;
};

// Always the same credentials: for tests, benchmarks and explicit configuration.
class StaticCredentialsProvider : public CredentialsProvider {
 public:
  explicit StaticCredentialsProvider(AwsCredentials credentials)
      : credentials_(std::move(credentials)) {}
  Result<AwsCredentials> Get() override { return credentials_; }

 private:
  AwsCredentials credentials_;
};

// Looks up environment variables; the process environment in production, a map in tests.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvironmentLookup ProcessEnvironment();

class DefaultCredentialsChain : public CredentialsProvider {
 public:
  DefaultCredentialsChain(EnvironmentLookup env, HttpClient& http, Clock& clock);
  Result<AwsCredentials> Get() override;

  // Where the ECS relative URI is resolved (the standard host; tests point it elsewhere).
  void set_ecs_host(std::string host) { ecs_host_ = std::move(host); }

  // The sources one by one (each: nullopt when it does not apply; an error when it applies and
  // fails).
  std::optional<Result<AwsCredentials>> FromEnvironment();
  std::optional<Result<AwsCredentials>> FromSharedFiles();
  std::optional<Result<AwsCredentials>> FromContainer();
  std::optional<Result<AwsCredentials>> FromInstanceMetadata();

 private:
  Result<AwsCredentials> Fetch();

  EnvironmentLookup env_;
  HttpClient& http_;
  Clock& clock_;
  std::string ecs_host_ = "http://169.254.170.2";
  std::mutex mu_;
  std::optional<AwsCredentials> cached_;
};

// Reads AccessKeyId, SecretAccessKey, Token and Expiration (RFC 3339) from the JSON the container
// and instance metadata endpoints answer. Errors: kUnavailable.
Result<AwsCredentials> ParseCredentialsJson(const std::string& text, const std::string& origin);

}  // namespace wfm
