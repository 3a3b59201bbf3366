// Spaces calls evenly so that at most `rate` happen per second (AWS Batch allows 50 SubmitJob
// calls per second per account). Written by hand: a few lines, with time injectable for tests.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>

namespace wfm {

class RateLimiter {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using NowFunction = std::function<TimePoint()>;
  using SleepFunction = std::function<void(TimePoint)>;

  // rate <= 0: no limit. `now` and `sleep_until` default to the steady clock and a real sleep.
  explicit RateLimiter(double rate_per_second, NowFunction now = nullptr,
                       SleepFunction sleep_until = nullptr);

  // Returns when the caller may make its call: each call gets the next free slot, 1/rate apart.
  // Thread-safe.
  void Acquire();

 private:
  std::chrono::steady_clock::duration interval_{0};
  NowFunction now_;
  SleepFunction sleep_until_;
  std::mutex mu_;
  TimePoint next_slot_{};
};

}  // namespace wfm
