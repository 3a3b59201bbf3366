// Process-wide logging set-up (spdlog). Call once from main; libraries just use spdlog::info etc.
#pragma once

#include <string>

#include "core/result.h"

namespace wfm {

// level: trace|debug|info|warn|error|off. format: text|json. Errors on unknown values.
Status SetUpLogging(const std::string& level, const std::string& format);

}  // namespace wfm
