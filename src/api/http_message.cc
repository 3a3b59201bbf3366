#include "api/http_message.h"

#include <strings.h>

namespace wfm {

std::string HttpRequest::Header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (strcasecmp(key.c_str(), name.c_str()) == 0) return value;
  }
  return "";
}

}  // namespace wfm
