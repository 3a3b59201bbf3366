#include "aws/rate_limiter.h"

#include <thread>

namespace wfm {

RateLimiter::RateLimiter(double rate_per_second, NowFunction now, SleepFunction sleep_until)
    : now_(now ? std::move(now) : [] { return std::chrono::steady_clock::now(); }),
      sleep_until_(sleep_until ? std::move(sleep_until)
                               : [](TimePoint t) { std::this_thread::sleep_until(t); }) {
  if (rate_per_second > 0) {
    interval_ = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(1.0 / rate_per_second));
  }
}

void RateLimiter::Acquire() {
  if (interval_.count() == 0) return;
  TimePoint slot;
  {
    std::lock_guard lock(mu_);
    slot = std::max(now_(), next_slot_);
    next_slot_ = slot + interval_;
  }
  sleep_until_(slot);
}

}  // namespace wfm
