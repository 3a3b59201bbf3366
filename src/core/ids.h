// Identifier generation.
#pragma once

#include <string>

namespace wfm {

// A random (version 4) UUID in canonical lower-case form. Thread-safe.
std::string NewUuid();

// True if `text` is a UUID in canonical form (any version).
bool IsUuid(const std::string& text);

}  // namespace wfm
