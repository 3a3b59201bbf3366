// Process-wide logging set-up (spdlog). Call once from main; libraries just use spdlog::info etc.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>

#include "core/result.h"

namespace wfm {

// level: trace|debug|info|warn|error|off. format: text|json. Errors on unknown values.
Status SetUpLogging(const std::string& level, const std::string& format);

// Fields (request_id, job_id, task_id, workflow, ...) that every log line written by this thread
// carries while the object lives: in JSON lines as keys of their own, in text lines as
// key=value after the message. Scopes nest; empty values are left out. Not copyable.
class LogFields {
 public:
  LogFields(std::initializer_list<std::pair<const char*, std::string>> fields);
  ~LogFields();
  LogFields(const LogFields&) = delete;
  LogFields& operator=(const LogFields&) = delete;

 private:
  size_t added_ = 0;
};

}  // namespace wfm
