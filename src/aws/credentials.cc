#include "aws/credentials.h"

#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

namespace wfm {
namespace {

constexpr int64_t kRefreshBeforeExpiryMs = 5 * 60 * 1000;
constexpr int kMetadataTimeoutMs = 2000;

Error Unavailable(std::string message) {
  return Error{ErrorCode::kUnavailable, std::move(message)};
}

std::string Trim(const std::string& s) {
  size_t start = s.find_first_not_of(" \t\r\n");
  if (start == std::string::npos) return "";
  return s.substr(start, s.find_last_not_of(" \t\r\n") - start + 1);
}

// The key = value pairs of one [section] of an INI file (the AWS shared files' format).
std::map<std::string, std::string> IniSection(const std::string& path, const std::string& section) {
  std::map<std::string, std::string> values;
  std::ifstream in(path);
  std::string line, current;
  while (std::getline(in, line)) {
    line = Trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      current = Trim(line.substr(1, line.size() - 2));
      continue;
    }
    size_t eq = line.find('=');
    if (current == section && eq != std::string::npos) {
      values[Trim(line.substr(0, eq))] = Trim(line.substr(eq + 1));
    }
  }
  return values;
}

}  // namespace

EnvironmentLookup ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
}

Result<AwsCredentials> ParseCredentialsJson(const std::string& text, const std::string& origin) {
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("AccessKeyId") ||
      !json.contains("SecretAccessKey")) {
    return Unavailable(origin + " answered without credentials");
  }
  AwsCredentials credentials;
  credentials.access_key_id = json.value("AccessKeyId", "");
  credentials.secret_access_key = json.value("SecretAccessKey", "");
  credentials.session_token = json.value("Token", "");
  ParseTimestamp(json.value("Expiration", ""), &credentials.expiration);  // RFC 3339, UTC
  return credentials;
}

DefaultCredentialsChain::DefaultCredentialsChain(EnvironmentLookup env, HttpClient& http,
                                                 Clock& clock)
    : env_(std::move(env)), http_(http), clock_(clock) {}

Result<AwsCredentials> DefaultCredentialsChain::Get() {
  std::lock_guard lock(mu_);
  if (cached_ &&
      (cached_->expiration == 0 || clock_.Now() < cached_->expiration - kRefreshBeforeExpiryMs)) {
    return *cached_;
  }
  auto fresh = Fetch();
  if (!fresh.ok()) return fresh.error();
  cached_ = fresh.value();
  return fresh;
}

Result<AwsCredentials> DefaultCredentialsChain::Fetch() {
  for (auto source :
       {&DefaultCredentialsChain::FromEnvironment, &DefaultCredentialsChain::FromSharedFiles,
        &DefaultCredentialsChain::FromContainer, &DefaultCredentialsChain::FromInstanceMetadata}) {
    auto found = (this->*source)();
    if (found) return *found;
  }
  return Unavailable(
      "no AWS credentials found (tried the environment, the shared credentials and config files, "
      "ECS container credentials and EC2 instance metadata)");
}

std::optional<Result<AwsCredentials>> DefaultCredentialsChain::FromEnvironment() {
  auto id = env_("AWS_ACCESS_KEY_ID");
  auto secret = env_("AWS_SECRET_ACCESS_KEY");
  if (!id || !secret) return std::nullopt;
  return AwsCredentials{*id, *secret, env_("AWS_SESSION_TOKEN").value_or(""), 0};
}

std::optional<Result<AwsCredentials>> DefaultCredentialsChain::FromSharedFiles() {
  std::string home = env_("HOME").value_or("");
  std::string profile = env_("AWS_PROFILE").value_or("default");
  std::string credentials_file =
      env_("AWS_SHARED_CREDENTIALS_FILE").value_or(home + "/.aws/credentials");
  std::string config_file = env_("AWS_CONFIG_FILE").value_or(home + "/.aws/config");
  auto values = IniSection(credentials_file, profile);
  if (!values.count("aws_access_key_id")) {
    values = IniSection(config_file, profile == "default" ? "default" : "profile " + profile);
  }
  if (!values.count("aws_access_key_id") || !values.count("aws_secret_access_key")) {
    return std::nullopt;
  }
  return AwsCredentials{values["aws_access_key_id"], values["aws_secret_access_key"],
                        values.count("aws_session_token") ? values["aws_session_token"] : "", 0};
}

std::optional<Result<AwsCredentials>> DefaultCredentialsChain::FromContainer() {
  auto relative = env_("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  auto full = env_("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  if (!relative && !full) return std::nullopt;
  HttpCall call;
  call.url = relative ? ecs_host_ + *relative : *full;
  call.timeout_ms = kMetadataTimeoutMs;
  std::optional<std::string> token = env_("AWS_CONTAINER_AUTHORIZATION_TOKEN");
  if (!token) {
    if (auto file = env_("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
      std::ifstream in(*file);
      std::stringstream text;
      text << in.rdbuf();
      token = Trim(text.str());
    }
  }
  if (token) call.headers.emplace_back("Authorization", *token);
  auto reply = http_.Send(call);
  if (!reply.ok())
    return Result<AwsCredentials>(Unavailable("container credentials: " + reply.error().message));
  if (reply->status != 200) {
    return Result<AwsCredentials>(Unavailable("container credentials endpoint answered HTTP " +
                                              std::to_string(reply->status)));
  }
  return ParseCredentialsJson(reply->body, "the container credentials endpoint");
}

std::optional<Result<AwsCredentials>> DefaultCredentialsChain::FromInstanceMetadata() {
  if (env_("AWS_EC2_METADATA_DISABLED").value_or("") == "true") return std::nullopt;
  std::string base = env_("AWS_EC2_METADATA_SERVICE_ENDPOINT").value_or("http://169.254.169.254");
  while (!base.empty() && base.back() == '/') base.pop_back();

  HttpCall token_call{"PUT",
                      base + "/latest/api/token",
                      {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}},
                      "",
                      kMetadataTimeoutMs};
  auto token = http_.Send(token_call);
  if (!token.ok() || token->status != 200) return std::nullopt;  // not on EC2 (or IMDSv2 off)
  std::vector<std::pair<std::string, std::string>> auth{{"X-aws-ec2-metadata-token", token->body}};

  HttpCall role_call{"GET", base + "/latest/meta-data/iam/security-credentials/", auth, "",
                     kMetadataTimeoutMs};
  auto role = http_.Send(role_call);
  if (!role.ok() || role->status != 200) {
    return Result<AwsCredentials>(Unavailable("instance metadata: no IAM role attached"));
  }
  std::string role_name = Trim(role->body.substr(0, role->body.find('\n')));
  HttpCall creds_call{"GET", base + "/latest/meta-data/iam/security-credentials/" + role_name, auth,
                      "", kMetadataTimeoutMs};
  auto creds = http_.Send(creds_call);
  if (!creds.ok() || creds->status != 200) {
    return Result<AwsCredentials>(
        Unavailable("instance metadata: credentials of role '" + role_name + "' unavailable"));
  }
  return ParseCredentialsJson(creds->body, "the instance metadata service");
}

}  // namespace wfm
