// A ResponseStream that keeps what is written to it, for tests of streamed responses: thread-safe,
// and it can be told to refuse writes (a client that went away).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/http_message.h"

namespace wfm {

class RecordingStream : public ResponseStream {
 public:
  bool Write(std::string bytes) override {
    std::lock_guard lock(mu_);
    if (ended_ || refusing_) return false;
    text_ += bytes;
    changed_.notify_all();
    return true;
  }
  void End() override {
    std::lock_guard lock(mu_);
    ended_ = true;
    changed_.notify_all();
  }
  // From now on, writes fail as they do once the client has hung up.
  void Refuse() {
    std::lock_guard lock(mu_);
    refusing_ = true;
  }
  // Waits up to 10 s until `done(text, ended)` holds; returns whether it did.
  bool WaitFor(const std::function<bool(const std::string&, bool)>& done) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, std::chrono::seconds(10), [&] { return done(text_, ended_); });
  }
  std::string text() const {
    std::lock_guard lock(mu_);
    return text_;
  }
  bool ended() const {
    std::lock_guard lock(mu_);
    return ended_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::string text_;
  bool ended_ = false;
  bool refusing_ = false;
};

// The events of a Server-Sent Events text: (name, data) pairs, comments left out.
inline std::vector<std::pair<std::string, std::string>> EventsIn(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> events;
  size_t start = 0;
  for (size_t end; (end = text.find("\n\n", start)) != std::string::npos; start = end + 2) {
    std::string block = text.substr(start, end - start);
    if (block.rfind(":", 0) == 0) continue;
    std::string name, data;
    size_t line_start = 0;
    while (line_start <= block.size()) {
      size_t line_end = block.find('\n', line_start);
      if (line_end == std::string::npos) line_end = block.size();
      std::string line = block.substr(line_start, line_end - line_start);
      if (line.rfind("event: ", 0) == 0) name = line.substr(7);
      if (line.rfind("data: ", 0) == 0) data = line.substr(6);
      line_start = line_end + 1;
    }
    events.emplace_back(name, data);
  }
  return events;
}

}  // namespace wfm
