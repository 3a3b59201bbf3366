#include "core/ids.h"

#include <uuid/uuid.h>

namespace wfm {

std::string NewUuid() {
  uuid_t uuid;
  uuid_generate_random(uuid);
  char text[37];
  uuid_unparse_lower(uuid, text);
  return text;
}

bool IsUuid(const std::string& text) {
  uuid_t parsed;
  return text.size() == 36 && uuid_parse(text.c_str(), parsed) == 0;
}

}  // namespace wfm
