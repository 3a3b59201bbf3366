// The API's answers for jobs that can no longer change, kept in memory so that reading one again
// touches neither the store nor the JSON serialiser. A job can't change once it is finished and
// none of its tasks awaits its stop (job_rules.h: IsFinal below); every replica agrees on that,
// so nothing is ever invalidated. Bounded in bytes: the entries added first go first.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "model/job.h"

namespace wfm {

class FinishedJobCache {
 public:
  explicit FinishedJobCache(size_t max_bytes) : max_bytes_(max_bytes) {}

  // Whether `job` as stored can no longer change (so its answer may be kept).
  static bool IsFinal(const Job& job);

  // The answer kept for job `id`, if any. Thread-safe.
  std::shared_ptr<const std::string> Find(const std::string& id) const;
  // Keeps `body` as job `id`'s answer (a job already kept keeps its first). Thread-safe.
  void Add(const std::string& id, std::string body);

 private:
  size_t max_bytes_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const std::string>> bodies_;  // guarded by mu_
  std::deque<std::string> order_;  // guarded by mu_; ids, oldest first
  size_t bytes_ = 0;               // guarded by mu_
};

}  // namespace wfm
