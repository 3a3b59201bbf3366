// Times and durations as wfm shows and reads them.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "core/clock.h"

namespace wfm::cli {

// "2026-11-28 03:23:25" (UTC, to the second) for an RFC 3339 time; "-" for an empty one; the
// text itself when it is not RFC 3339.
std::string ShortTime(const std::string& rfc3339);

// ShortTime of a time in milliseconds since the epoch; "-" for 0.
std::string ShortTimeMs(TimestampMs ms);

// A duration for people: "0.4s", "9.9s", "12s", "3m04s", "1h02m", "2d03h". Negative is "0.0s".
std::string FormatDuration(int64_t ms);

// An RFC 3339 time in milliseconds, or nullopt when `rfc3339` is empty or not a time.
std::optional<TimestampMs> ParseRfc3339(const std::string& rfc3339);

// A --since/--until argument: an RFC 3339 UTC time ("2026-11-28T10:00:00Z") or a duration before
// `now` ("90s", "15m", "2h", "7d"). nullopt when it is neither.
std::optional<TimestampMs> ParseTimeArgument(const std::string& text, TimestampMs now);

// A Step Functions time (seconds since the epoch, with a fraction) in milliseconds; 0 when the
// value is not a number.
TimestampMs EpochSecondsToMs(const nlohmann::json& seconds);

}  // namespace wfm::cli
