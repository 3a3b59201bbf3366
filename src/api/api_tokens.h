// API tokens: making a new one, hashing one as the store keeps it, comparing hashes, and the names
// of their scopes. A token is "wfm_" followed by 43 base64url characters (32 random bytes from
// OpenSSL's RAND_bytes); only its SHA-256 is ever stored or compared.
//
// Thread-safety: every function may be called from any thread.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace wfm {

// A token just made: `secret` is shown to the user once and never kept; `record` is what the
// store keeps (a new id, the name, the scope, the secret's SHA-256, the creation time).
struct NewApiToken {
  std::string secret;
  ApiToken record;
};

// Makes a token. Errors: kInternal when OpenSSL can't produce random bytes.
Result<NewApiToken> MakeApiToken(const std::string& name, TokenScope scope, TimestampMs now);

// Lower-case hex SHA-256 of `token`, as ApiToken::sha256_hex holds it.
std::string TokenSha256Hex(std::string_view token);

// True when `a` and `b` are equal, in a time that depends only on their lengths (CRYPTO_memcmp).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// "read", "write", "admin".
const char* ToString(TokenScope scope);
// Parses the names ToString gives. Returns false for anything else.
bool ParseTokenScope(const std::string& text, TokenScope* scope);

}  // namespace wfm
