#include "api/api_tokens.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>

#include "core/ids.h"

namespace wfm {
namespace {

constexpr int kSecretBytes = 32;
constexpr char kTokenPrefix[] = "wfm_";

// base64url without padding (RFC 4648 §5): OpenSSL writes standard base64, which is then mapped.
std::string Base64Url(const unsigned char* bytes, int size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes, size);
  out.resize(written);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

}  // namespace

Result<NewApiToken> MakeApiToken(const std::string& name, TokenScope scope, TimestampMs now) {
  std::array<unsigned char, kSecretBytes> random{};
  if (RAND_bytes(random.data(), kSecretBytes) != 1) {
    return Error{ErrorCode::kInternal, "no random bytes from OpenSSL to make a token"};
  }
  NewApiToken token;
  token.secret = kTokenPrefix + Base64Url(random.data(), kSecretBytes);
  OPENSSL_cleanse(random.data(), random.size());
  token.record = ApiToken{NewUuid(), name, scope, TokenSha256Hex(token.secret), now};
  return token;
}

std::string TokenSha256Hex(std::string_view token) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(token.data(), token.size(), digest, &size, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * size);
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

const char* ToString(TokenScope scope) {
  switch (scope) {
    case TokenScope::kRead:
      return "read";
    case TokenScope::kWrite:
      return "write";
    case TokenScope::kAdmin:
      return "admin";
  }
  return "?";
}

bool ParseTokenScope(const std::string& text, TokenScope* scope) {
  for (TokenScope candidate : {TokenScope::kRead, TokenScope::kWrite, TokenScope::kAdmin}) {
    if (text == ToString(candidate)) {
      *scope = candidate;
      return true;
    }
  }
  return false;
}

}  // namespace wfm
