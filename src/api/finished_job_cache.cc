#include "api/finished_job_cache.h"

#include <mutex>

#include "engine/job_rules.h"

namespace wfm {

bool FinishedJobCache::IsFinal(const Job& job) {
  return IsTerminal(job.status) && !HasTasksAwaitingStop(job);
}

std::shared_ptr<const std::string> FinishedJobCache::Find(const std::string& id) const {
  std::shared_lock lock(mu_);
  auto it = bodies_.find(id);
  return it == bodies_.end() ? nullptr : it->second;
}

void FinishedJobCache::Add(const std::string& id, std::string body) {
  size_t size = id.size() + body.size();
  if (size > max_bytes_) return;
  std::unique_lock lock(mu_);
  if (!bodies_.emplace(id, std::make_shared<const std::string>(std::move(body))).second) return;
  order_.push_back(id);
  bytes_ += size;
  while (bytes_ > max_bytes_) {
    auto oldest = bodies_.find(order_.front());
    bytes_ -= oldest->first.size() + oldest->second->size();
    bodies_.erase(oldest);
    order_.pop_front();
  }
}

}  // namespace wfm
