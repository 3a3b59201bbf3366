// SigV4 signing (SignRequest) of requests built from the input: method, path, query, headers,
// body, the time and the options.
// Contract: signing is deterministic; the canonical request has its documented shape (method,
// encoded path, canonical query, one line per distinct lower-case header name, the signed header
// list, the body's hash); its path and query lines are fixed points (signing them again gives the
// same lines); the string to sign ends with the canonical request's hash; the Authorization header
// is added and names the credential scope, the signed headers and the 64-hex-digit signature.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "aws/sigv4.h"
#include "fuzz_check.h"

namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line)) lines.push_back(line);
  if (!text.empty() && text.back() == '\n') lines.emplace_back();
  return lines;
}

std::string Lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Header names come from the service's own code: tokens, never control characters or ':'.
std::string HeaderName(FuzzedDataProvider& input) {
  static const std::string kTokenChars =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!#$%&'*+^`|~";
  std::string name;
  size_t length = input.ConsumeIntegralInRange<size_t>(1, 24);
  for (size_t i = 0; i < length; ++i) {
    name.push_back(kTokenChars[input.ConsumeIntegralInRange<size_t>(0, kTokenChars.size() - 1)]);
  }
  return name;
}

std::string Hex64(const std::string& text) {
  bool hex = text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
             });
  return hex ? text : "";
}

wfm::SigningResult Sign(wfm::SignableRequest request, const wfm::AwsCredentials& credentials,
                        const wfm::SigningOptions& options) {
  return wfm::SignRequest(request, credentials, options);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  wfm::SigningOptions options;
  options.region = input.PickValueInArray({"us-east-1", "eu-west-3", "ap-southeast-2"});
  options.service = input.PickValueInArray({"batch", "service", "s3"});
  // 1970 to 2100: the times a clock gives.
  options.time = input.ConsumeIntegralInRange<wfm::TimestampMs>(0, 4'102'444'800'000);
  options.normalize_path = input.ConsumeBool();
  options.sign_body_header = input.ConsumeBool();
  options.sign_session_token = input.ConsumeBool();
  wfm::AwsCredentials credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                  input.ConsumeBool() ? "session-token" : "", 0};

  wfm::SignableRequest request;
  request.method = input.PickValueInArray({"GET", "POST", "PUT", "DELETE"});
  request.path = "/" + input.ConsumeRandomLengthString(128);
  request.query = input.ConsumeRandomLengthString(128);
  request.headers.emplace_back("Host", input.ConsumeRandomLengthString(64));
  size_t header_count = input.ConsumeIntegralInRange<size_t>(0, 6);
  for (size_t i = 0; i < header_count; ++i) {
    std::string name = HeaderName(input);
    if (Lower(name) == "x-amz-date") name += "-";  // the service never sends its own date
    request.headers.emplace_back(name, input.ConsumeRandomLengthString(64));
  }
  request.body = input.ConsumeRemainingBytesAsString();

  wfm::SignableRequest signed_request = request;
  const wfm::SigningResult result = wfm::SignRequest(signed_request, credentials, options);
  const wfm::SigningResult again = Sign(request, credentials, options);
  FUZZ_CHECK(again.canonical_request == result.canonical_request &&
                 again.authorization == result.authorization,
             "signing is deterministic");

  // The canonical request: method, path, query, headers, "", signed headers, payload hash.
  std::set<std::string> names;
  for (const auto& header : signed_request.headers) {
    if (Lower(header.first) != "authorization") names.insert(Lower(header.first));
  }
  std::vector<std::string> lines = Lines(result.canonical_request);
  FUZZ_CHECK(lines.size() == 6 + names.size(), "one canonical line per distinct header");
  FUZZ_CHECK(lines[0] == request.method, "the canonical request starts with the method");
  std::string signed_headers;
  size_t line = 3;
  for (const auto& name : names) {
    FUZZ_CHECK(lines[line++].starts_with(name + ":"), "canonical headers: sorted, lower case");
    signed_headers += (signed_headers.empty() ? "" : ";") + name;
  }
  FUZZ_CHECK(lines[line++].empty(), "a blank line ends the canonical headers");
  FUZZ_CHECK(lines[line++] == signed_headers, "the signed headers are every header sent");
  FUZZ_CHECK(lines[line] == wfm::Sha256Hex(request.body), "the last line is the body's hash");

  // The canonical path and query are fixed points.
  wfm::SignableRequest canonical = request;
  canonical.query = lines[2];
  if (options.normalize_path) {
    // The canonical path is percent-encoded: decode it before signing it again.
    std::string decoded;
    for (size_t i = 0; i < lines[1].size(); ++i) {
      if (lines[1][i] == '%' && i + 2 < lines[1].size()) {
        decoded.push_back(static_cast<char>(std::stoi(lines[1].substr(i + 1, 2), nullptr, 16)));
        i += 2;
      } else {
        decoded.push_back(lines[1][i]);
      }
    }
    canonical.path = decoded;
  }
  std::vector<std::string> canonical_lines =
      Lines(Sign(canonical, credentials, options).canonical_request);
  FUZZ_CHECK(canonical_lines.size() == lines.size(), "signing again keeps the shape");
  FUZZ_CHECK(canonical_lines[2] == lines[2], "the canonical query is canonical");
  if (options.normalize_path) {
    FUZZ_CHECK(canonical_lines[1] == lines[1], "a normalized path is normal");
  }

  // The string to sign and the Authorization header.
  std::string amz_date = wfm::AmzDate(options.time);
  std::string scope =
      amz_date.substr(0, 8) + "/" + options.region + "/" + options.service + "/aws4_request";
  FUZZ_CHECK(result.string_to_sign == "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope + "\n" +
                                          wfm::Sha256Hex(result.canonical_request),
             "the string to sign has its documented shape");
  FUZZ_CHECK(!Hex64(result.signature).empty(), "the signature is 64 lower-case hex digits");
  FUZZ_CHECK(result.authorization == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/" + scope +
                                         ", SignedHeaders=" + signed_headers +
                                         ", Signature=" + result.signature,
             "the Authorization value names the scope, signed headers and signature");
  FUZZ_CHECK(signed_request.headers.back().first == "Authorization" &&
                 signed_request.headers.back().second == result.authorization,
             "the Authorization header is added");
  return 0;
}
