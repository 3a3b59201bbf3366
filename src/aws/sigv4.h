// AWS Signature Version 4 for requests to AWS services (AWS Batch here). Written by hand because
// no AWS SDK for C++ is packaged for Debian; the crypto is OpenSSL's. Checked against the
// official test suites (copied into tests/data/sigv4).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"

namespace wfm {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;   // empty for long-term credentials
  TimestampMs expiration = 0;  // 0: does not expire
};

// A request as it will be sent. `path` is the decoded path ("/v1/submitjob"); `query` holds
// already percent-encoded "name=value" pairs joined by '&' (may be empty).
struct SignableRequest {
  std::string method;
  std::string path;
  std::string query;
  std::vector<std::pair<std::string, std::string>> headers;  // as sent; Host must be among them
  std::string body;
};

struct SigningOptions {
  std::string region;
  std::string service;
  TimestampMs time = 0;
  bool normalize_path = true;      // false only for S3-style services
  bool sign_body_header = false;   // add and sign x-amz-content-sha256
  bool sign_session_token = true;  // add x-amz-security-token before signing (when there is one)
};

struct SigningResult {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // lower-case hex
  std::string authorization;  // the Authorization header's value
};

// Signs `request`: adds X-Amz-Date (unless present), x-amz-security-token and
// x-amz-content-sha256 as the options say, then the Authorization header. Every header present is
// signed. Pure: no I/O.
SigningResult SignRequest(SignableRequest& request, const AwsCredentials& credentials,
                          const SigningOptions& options);

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(const std::string& data);

// "20150830T123600Z" for a time.
std::string AmzDate(TimestampMs time);

}  // namespace wfm
