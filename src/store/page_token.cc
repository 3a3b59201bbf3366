#include <cstdlib>

#include "store/store.h"

namespace wfm {

std::string EncodePageToken(TimestampMs created_at, const std::string& id) {
  return std::to_string(created_at) + "_" + id;
}

bool DecodePageToken(const std::string& token, TimestampMs* created_at, std::string* id) {
  size_t sep = token.find('_');
  if (sep == 0 || sep == std::string::npos || sep + 1 == token.size()) return false;
  char* end = nullptr;
  std::string number = token.substr(0, sep);
  long long value = std::strtoll(number.c_str(), &end, 10);
  if (*end != '\0' || value < 0) return false;
  *created_at = value;
  *id = token.substr(sep + 1);
  return true;
}

}  // namespace wfm
