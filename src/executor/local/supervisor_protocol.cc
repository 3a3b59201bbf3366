#include "executor/local/supervisor_protocol.h"

namespace wfm::supervisor {

std::string Encode(const std::vector<std::string>& fields) {
  std::string message;
  for (const auto& field : fields) {
    message += field;
    message.push_back('\0');
  }
  return message;
}

std::vector<std::string> Decode(const char* data, size_t size) {
  std::vector<std::string> fields;
  if (size == 0 || data[size - 1] != '\0') return fields;
  for (size_t start = 0; start < size;) {
    std::string field(data + start);
    start += field.size() + 1;
    fields.push_back(std::move(field));
  }
  return fields;
}

std::string ShortPath(int dir_fd, const char* name) {
  return "/proc/self/fd/" + std::to_string(dir_fd) + "/" + name;
}

}  // namespace wfm::supervisor
