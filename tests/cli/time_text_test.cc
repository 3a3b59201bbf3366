// Times and durations as wfm prints and reads them.
#include "cli/time_text.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace wfm::cli {
namespace {

constexpr TimestampMs kNow = 1'795'826'612'000;  // 2026-11-28T00:43:32Z

TEST(ShortTime, ShowsUtcToTheSecond) {
  EXPECT_EQ(ShortTime("2026-11-28T00:43:32.987Z"), "2026-11-28 00:43:32");
  EXPECT_EQ(ShortTime(""), "-");
  EXPECT_EQ(ShortTime("yesterday"), "yesterday");
  EXPECT_EQ(ShortTimeMs(kNow), "2026-11-28 00:43:32");
  EXPECT_EQ(ShortTimeMs(0), "-");
}

TEST(FormatDuration, ShortensWithTheMagnitude) {
  EXPECT_EQ(FormatDuration(0), "0.0s");
  EXPECT_EQ(FormatDuration(-5), "0.0s");
  EXPECT_EQ(FormatDuration(420), "0.4s");
  EXPECT_EQ(FormatDuration(9'999), "9.9s");
  EXPECT_EQ(FormatDuration(12'345), "12s");
  EXPECT_EQ(FormatDuration(184'000), "3m04s");
  EXPECT_EQ(FormatDuration(3'720'000), "1h02m");
  EXPECT_EQ(FormatDuration(183'600'000), "2d03h");
}

TEST(ParseTimeArgument, TakesRfc3339OrADurationAgo) {
  EXPECT_EQ(ParseTimeArgument("2026-11-28T00:43:32Z", 0), kNow);
  EXPECT_EQ(ParseTimeArgument("2026-11-28T00:43:32.5Z", 0), kNow + 500);
  EXPECT_EQ(ParseTimeArgument("90s", kNow), kNow - 90'000);
  EXPECT_EQ(ParseTimeArgument("15m", kNow), kNow - 900'000);
  EXPECT_EQ(ParseTimeArgument("2h", kNow), kNow - 7'200'000);
  EXPECT_EQ(ParseTimeArgument("7d", kNow), kNow - 604'800'000);
  for (const char* bad :
       {"", "h", "2w", "-2h", "1.5h", "yesterday", "2026-11-28", "2026-11-28T00:43:32+01:00"}) {
    EXPECT_FALSE(ParseTimeArgument(bad, kNow).has_value()) << bad;
  }
}

TEST(EpochSecondsToMs, ReadsStepFunctionsTimes) {
  EXPECT_EQ(EpochSecondsToMs(1795826612.25), kNow + 250);
  EXPECT_EQ(EpochSecondsToMs(nlohmann::json()), 0);
  EXPECT_EQ(EpochSecondsToMs("1795826612"), 0);
}

}  // namespace
}  // namespace wfm::cli
