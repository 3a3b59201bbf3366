#include "cli/status_colour.h"

namespace wfm::cli {
namespace {

const char* AnsiColourOf(const std::string& status) {
  if (status == "SUCCEEDED") return "\x1b[32m";
  if (status == "FAILED" || status == "TIMED_OUT") return "\x1b[31m";
  if (status == "RUNNING") return "\x1b[33m";
  if (status == "CREATED" || status == "QUEUED" || status == "WAITING_FOR_DEPS" ||
      status == "PENDING_REDRIVE") {
    return "\x1b[90m";
  }
  if (status == "CANCELLED" || status.starts_with("ABORTED")) return "\x1b[35m";
  return nullptr;
}

}  // namespace

std::string ColourStatus(const std::string& status, bool colour) {
  const char* ansi = colour ? AnsiColourOf(status) : nullptr;
  return ansi ? ansi + status + "\x1b[0m" : status;
}

}  // namespace wfm::cli
