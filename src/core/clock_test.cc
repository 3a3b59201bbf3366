#include "core/clock.h"

#include <gtest/gtest.h>

#include "core/ids.h"

namespace wfm {
namespace {

TEST(Timestamp, FormatsAndParsesRfc3339) {
  EXPECT_EQ(FormatTimestamp(1'700'000'000'123), "2023-11-14T22:13:20.123Z");
  TimestampMs ms = 0;
  ASSERT_TRUE(ParseTimestamp("2023-11-14T22:13:20.123Z", &ms));
  EXPECT_EQ(ms, 1'700'000'000'123);
  ASSERT_TRUE(ParseTimestamp("2023-11-14T22:13:20Z", &ms));
  EXPECT_EQ(ms, 1'700'000'000'000);
  ASSERT_TRUE(ParseTimestamp("2023-11-14T22:13:20.5Z", &ms));
  EXPECT_EQ(ms, 1'700'000'000'500);
  ASSERT_TRUE(ParseTimestamp("2023-11-14T22:13:20.123456Z", &ms));
  EXPECT_EQ(ms, 1'700'000'000'123);
  EXPECT_FALSE(ParseTimestamp("2023-11-14T22:13:20.Z", &ms));
  EXPECT_FALSE(ParseTimestamp("yesterday", &ms));
  EXPECT_FALSE(ParseTimestamp("2023-11-14T22:13:20.123", &ms));
  // Out-of-range fields are refused, not carried into the next one.
  for (const char* not_a_date : {"9999-99-99T00:00:00Z", "2023-02-30T00:00:00Z",
                                 "2023-11-14T24:00:00Z", "2023-11-14T22:60:00Z",
                                 "2023-13-01T00:00:00Z", "2023-00-10T00:00:00Z"}) {
    EXPECT_FALSE(ParseTimestamp(not_a_date, &ms)) << not_a_date;
  }
  ASSERT_TRUE(ParseTimestamp("2024-02-29T23:59:59Z", &ms));  // a leap day
}

TEST(FakeClock, MovesOnlyWhenTold) {
  FakeClock clock(1000);
  EXPECT_EQ(clock.Now(), 1000);
  clock.Advance(5);
  EXPECT_EQ(clock.Now(), 1005);
}

TEST(Uuid, IsRandomAndCanonical) {
  std::string a = NewUuid(), b = NewUuid();
  EXPECT_NE(a, b);
  EXPECT_TRUE(IsUuid(a));
  EXPECT_FALSE(IsUuid("not-a-uuid"));
}

}  // namespace
}  // namespace wfm
