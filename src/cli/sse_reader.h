// A Server-Sent Events parser (the text/event-stream format of the HTML standard), fed with the
// bytes of a stream as they arrive, in chunks cut anywhere.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace wfm::cli {

struct SseEvent {
  std::string type = "message";  // the "event:" field
  std::string data;              // the "data:" lines joined with '\n'
  std::string id;                // the "id:" field, empty when none
};

class SseReader {
 public:
  // Takes the next bytes of the stream; returns the events they completed, in order. Lines end
  // with "\n", "\r\n" or "\r"; comments (":..." lines, e.g. keep-alives) and unknown fields are
  // skipped; an event without data is not dispatched. Not thread-safe.
  std::vector<SseEvent> Feed(std::string_view bytes);

 private:
  void ProcessLine(std::vector<SseEvent>* events);

  std::string line_;  // the line being read
  SseEvent event_;    // the event being assembled
  bool has_data_ = false;
  bool skip_line_feed_ = false;  // the last byte was '\r': a '\n' right after it ends nothing
};

}  // namespace wfm::cli
