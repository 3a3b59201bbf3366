// Per-client request rate limits for the HTTP server: one token bucket per client address.
// Written by hand: a few lines, and Debian has no library for keyed token buckets.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace wfm {

class ClientRateLimiter {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // `rate` requests per second per client, with bursts of up to `burst` requests (at least 1).
  // rate <= 0: no limit.
  ClientRateLimiter(double rate, double burst);

  // Counts a request from `client` at `now` when its bucket allows it and returns 0; otherwise
  // counts nothing and returns the seconds (rounded up, at least 1) until it would be allowed.
  // Thread-safe. Memory: one bucket per client seen within the last burst/rate seconds.
  int Admit(const std::string& client, TimePoint now);

 private:
  struct Bucket {
    double tokens;
    TimePoint updated;
  };
  // Forgets the clients whose bucket has refilled (they are as if never seen). Holds mu_.
  void Prune(TimePoint now);

  const double rate_;
  const double burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
  TimePoint last_prune_{};
};

}  // namespace wfm
