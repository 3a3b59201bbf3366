#include "cli/sse_reader.h"

namespace wfm::cli {

std::vector<SseEvent> SseReader::Feed(std::string_view bytes) {
  std::vector<SseEvent> events;
  for (char c : bytes) {
    if (c == '\n' && skip_line_feed_) {
      skip_line_feed_ = false;
      continue;
    }
    skip_line_feed_ = c == '\r';
    if (c == '\n' || c == '\r') {
      ProcessLine(&events);
      line_.clear();
    } else {
      line_ += c;
    }
  }
  return events;
}

void SseReader::ProcessLine(std::vector<SseEvent>* events) {
  if (line_.empty()) {  // the blank line that ends an event
    if (has_data_) events->push_back(std::move(event_));
    event_ = SseEvent();
    has_data_ = false;
    return;
  }
  if (line_[0] == ':') return;  // a comment
  size_t colon = line_.find(':');
  std::string field = line_.substr(0, colon);
  std::string value;
  if (colon != std::string::npos) {
    value = line_.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
  }
  if (field == "event") {
    event_.type = value;
  } else if (field == "data") {
    if (has_data_) event_.data += '\n';
    event_.data += value;
    has_data_ = true;
  } else if (field == "id") {
    event_.id = value;
  }
}

}  // namespace wfm::cli
