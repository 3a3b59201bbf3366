#include "aws/rate_limiter.h"

#include <gtest/gtest.h>

#include <vector>

namespace wfm {
namespace {

using namespace std::chrono_literals;

TEST(RateLimiter, SpacesCallsOneIntervalApart) {
  RateLimiter::TimePoint now{};
  std::vector<RateLimiter::TimePoint> slots;
  RateLimiter limiter(
      40, [&] { return now; }, [&](RateLimiter::TimePoint t) { slots.push_back(t); });
  for (int i = 0; i < 5; ++i) limiter.Acquire();  // a burst at one instant
  ASSERT_EQ(slots.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(slots[i] - RateLimiter::TimePoint{}, i * 25ms);

  now += 1s;  // after a quiet second the next call goes at once, not in a burst of saved slots
  limiter.Acquire();
  limiter.Acquire();
  EXPECT_EQ(slots[5], now);
  EXPECT_EQ(slots[6], now + 25ms);
}

TEST(RateLimiter, NoRateMeansNoWait) {
  int sleeps = 0;
  RateLimiter limiter(
      0, [] { return RateLimiter::TimePoint{}; }, [&](RateLimiter::TimePoint) { ++sleeps; });
  for (int i = 0; i < 100; ++i) limiter.Acquire();
  EXPECT_EQ(sleeps, 0);
}

}  // namespace
}  // namespace wfm
