#include "cli/time_text.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace wfm::cli {

std::string ShortTimeMs(TimestampMs ms) {
  if (ms == 0) return "-";
  std::string text = FormatTimestamp(ms);  // 2026-11-28T03:23:25.123Z
  return text.substr(0, 10) + " " + text.substr(11, 8);
}

std::string ShortTime(const std::string& rfc3339) {
  if (rfc3339.empty()) return "-";
  auto ms = ParseRfc3339(rfc3339);
  return ms ? ShortTimeMs(*ms) : rfc3339;
}

std::string FormatDuration(int64_t ms) {
  if (ms < 0) ms = 0;
  char buf[32];
  int64_t seconds = ms / 1000;
  if (ms < 10'000) {
    snprintf(buf, sizeof buf, "%lld.%llds", static_cast<long long>(seconds),
             static_cast<long long>(ms % 1000 / 100));
  } else if (seconds < 60) {
    snprintf(buf, sizeof buf, "%llds", static_cast<long long>(seconds));
  } else if (seconds < 3600) {
    snprintf(buf, sizeof buf, "%lldm%02llds", static_cast<long long>(seconds / 60),
             static_cast<long long>(seconds % 60));
  } else if (seconds < 86400) {
    snprintf(buf, sizeof buf, "%lldh%02lldm", static_cast<long long>(seconds / 3600),
             static_cast<long long>(seconds % 3600 / 60));
  } else {
    snprintf(buf, sizeof buf, "%lldd%02lldh", static_cast<long long>(seconds / 86400),
             static_cast<long long>(seconds % 86400 / 3600));
  }
  return buf;
}

std::optional<TimestampMs> ParseRfc3339(const std::string& rfc3339) {
  TimestampMs ms = 0;
  if (rfc3339.empty() || !ParseTimestamp(rfc3339, &ms)) return std::nullopt;
  return ms;
}

std::optional<TimestampMs> ParseTimeArgument(const std::string& text, TimestampMs now) {
  if (auto time = ParseRfc3339(text)) return time;
  if (text.size() < 2 || text.size() > 12) return std::nullopt;
  int64_t unit_ms = 0;
  switch (text.back()) {
    case 's':
      unit_ms = 1000;
      break;
    case 'm':
      unit_ms = 60'000;
      break;
    case 'h':
      unit_ms = 3'600'000;
      break;
    case 'd':
      unit_ms = 86'400'000;
      break;
    default:
      return std::nullopt;
  }
  int64_t count = 0;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    count = count * 10 + (text[i] - '0');
  }
  return now - count * unit_ms;
}

TimestampMs EpochSecondsToMs(const nlohmann::json& seconds) {
  if (!seconds.is_number()) return 0;
  return static_cast<TimestampMs>(std::llround(seconds.get<double>() * 1000));
}

}  // namespace wfm::cli
