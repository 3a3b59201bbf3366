#include "api/client_rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace wfm {

ClientRateLimiter::ClientRateLimiter(double rate, double burst)
    : rate_(rate), burst_(std::max(1.0, burst)) {}

int ClientRateLimiter::Admit(const std::string& client, TimePoint now) {
  if (rate_ <= 0) return 0;
  std::lock_guard lock(mu_);
  if (now - last_prune_ > std::chrono::duration<double>(burst_ / rate_)) Prune(now);
  auto [it, fresh] = buckets_.try_emplace(client, Bucket{burst_, now});
  Bucket& bucket = it->second;
  double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
  bucket.tokens = std::min(burst_, bucket.tokens + std::max(0.0, elapsed) * rate_);
  bucket.updated = now;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return 0;
  }
  return std::max(1, static_cast<int>(std::ceil((1 - bucket.tokens) / rate_)));
}

void ClientRateLimiter::Prune(TimePoint now) {
  last_prune_ = now;
  std::erase_if(buckets_, [&](const auto& entry) {
    double elapsed = std::chrono::duration<double>(now - entry.second.updated).count();
    return entry.second.tokens + elapsed * rate_ >= burst_;
  });
}

}  // namespace wfm
