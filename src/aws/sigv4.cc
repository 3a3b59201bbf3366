#include "aws/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>

namespace wfm {
namespace {

std::string Hex(const unsigned char* data, size_t size) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 15]);
  }
  return out;
}

std::string Hmac(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &size);
  return std::string(reinterpret_cast<char*>(out), size);
}

bool IsUnreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

// RFC 3986 percent-encoding of everything but unreserved characters (and '/' when asked).
std::string UriEncode(const std::string& in, bool keep_slash) {
  static const char* kDigits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : in) {
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 15]);
    }
  }
  return out;
}

std::string UriDecode(const std::string& in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size() && std::isxdigit(static_cast<unsigned char>(in[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(in[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(in.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

// Removes "." and ".." segments and empty segments (RFC 3986 section 5.2.4, as AWS does it for
// every service but S3), keeping a trailing slash.
std::string NormalizePath(const std::string& path) {
  std::vector<std::string> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string out;
  for (const auto& s : segments) out += "/" + s;
  bool trailing =
      path.size() > 1 && (path.back() == '/' || path.ends_with("/.") || path.ends_with("/.."));
  if (out.empty()) return "/";
  if (trailing) out += "/";
  return out;
}

std::string CanonicalQuery(const std::string& query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  size_t start = 0;
  while (start < query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    std::string pair = query.substr(start, end - start);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      std::string key = pair.substr(0, eq);
      std::string value = eq == std::string::npos ? "" : pair.substr(eq + 1);
      pairs.emplace_back(UriEncode(UriDecode(key), false), UriEncode(UriDecode(value), false));
    }
    start = end + 1;
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [k, v] : pairs) out += (out.empty() ? "" : "&") + k + "=" + v;
  return out;
}

// Trims and collapses runs of spaces (line breaks of folded values included) into one space.
std::string CanonicalHeaderValue(const std::string& value) {
  std::string out;
  bool space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
    } else {
      if (space) out.push_back(' ');
      space = false;
      out.push_back(c);
    }
  }
  return out;
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool HasHeader(const SignableRequest& request, const std::string& lower_name) {
  for (const auto& [name, value] : request.headers) {
    if (Lower(name) == lower_name) return true;
  }
  return false;
}

}  // namespace

std::string Sha256Hex(const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), out, &size, EVP_sha256(), nullptr);
  return Hex(out, size);
}

std::string AmzDate(TimestampMs time) {
  time_t seconds = static_cast<time_t>(time / 1000);
  struct tm utc;
  gmtime_r(&seconds, &utc);
  char buf[32];
  strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &utc);
  return buf;
}

SigningResult SignRequest(SignableRequest& request, const AwsCredentials& credentials,
                          const SigningOptions& options) {
  std::string amz_date = AmzDate(options.time);
  std::string date = amz_date.substr(0, 8);
  if (!HasHeader(request, "x-amz-date")) request.headers.emplace_back("X-Amz-Date", amz_date);
  for (const auto& [name, value] : request.headers) {
    if (Lower(name) == "x-amz-date") amz_date = CanonicalHeaderValue(value);
  }
  date = amz_date.substr(0, 8);
  if (options.sign_session_token && !credentials.session_token.empty() &&
      !HasHeader(request, "x-amz-security-token")) {
    request.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  std::string payload_hash = Sha256Hex(request.body);
  if (options.sign_body_header && !HasHeader(request, "x-amz-content-sha256")) {
    request.headers.emplace_back("X-Amz-Content-Sha256", payload_hash);
  }

  std::map<std::string, std::string> headers;  // lower-case name -> values joined by ','
  for (const auto& [name, value] : request.headers) {
    std::string& joined = headers[Lower(name)];
    joined += (joined.empty() ? "" : ",") + CanonicalHeaderValue(value);
  }
  std::string canonical_headers, signed_headers;
  for (const auto& [name, value] : headers) {
    canonical_headers += name + ":" + value + "\n";
    signed_headers += (signed_headers.empty() ? "" : ";") + name;
  }

  std::string path = options.normalize_path ? NormalizePath(request.path) : request.path;
  SigningResult result;
  result.canonical_request = request.method + "\n" + UriEncode(path, true) + "\n" +
                             CanonicalQuery(request.query) + "\n" + canonical_headers + "\n" +
                             signed_headers + "\n" + payload_hash;
  std::string scope = date + "/" + options.region + "/" + options.service + "/aws4_request";
  result.string_to_sign =
      "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope + "\n" + Sha256Hex(result.canonical_request);
  std::string key =
      Hmac(Hmac(Hmac(Hmac("AWS4" + credentials.secret_access_key, date), options.region),
                options.service),
           "aws4_request");
  std::string raw = Hmac(key, result.string_to_sign);
  result.signature = Hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  result.authorization = "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" + scope +
                         ", SignedHeaders=" + signed_headers + ", Signature=" + result.signature;
  request.headers.emplace_back("Authorization", result.authorization);
  return result;
}

}  // namespace wfm
