#include "engine/activity_broker.h"

#include <vector>

namespace wfm {

ActivityBroker::ActivityBroker(
    std::function<void(const OfferedActivityTask&, const std::string& worker)> on_taken)
    : on_taken_(std::move(on_taken)), expirer_([this] { ExpireLoop(); }) {}

ActivityBroker::~ActivityBroker() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  expirer_.join();
  for (auto& [activity, waiters] : waiters_) {
    for (auto& waiter : waiters) waiter.done(std::nullopt);
  }
}

void ActivityBroker::Offer(OfferedActivityTask offered) {
  std::unique_lock lock(mu_);
  if (!offered_.insert(offered.attempt).second) return;
  auto waiting = waiters_.find(offered.activity_arn);
  if (waiting == waiters_.end() || waiting->second.empty()) {
    queued_[offered.activity_arn].push_back(std::move(offered));
    return;
  }
  Waiter waiter = std::move(waiting->second.front());
  waiting->second.pop_front();
  if (waiting->second.empty()) waiters_.erase(waiting);
  lock.unlock();
  on_taken_(offered, waiter.worker);
  waiter.done(offered.task);
}

void ActivityBroker::Withdraw(const std::string& attempt) {
  std::lock_guard lock(mu_);
  if (!offered_.erase(attempt)) return;
  for (auto it = queued_.begin(); it != queued_.end(); ++it) {
    auto& queue = it->second;
    for (auto task = queue.begin(); task != queue.end(); ++task) {
      if (task->attempt != attempt) continue;
      queue.erase(task);
      if (queue.empty()) queued_.erase(it);
      return;
    }
  }
}

void ActivityBroker::Clear() {
  std::lock_guard lock(mu_);
  queued_.clear();
  offered_.clear();
}

void ActivityBroker::Poll(const std::string& activity_arn, const std::string& worker,
                          std::chrono::milliseconds wait,
                          std::function<void(std::optional<ActivityTask>)> done) {
  std::unique_lock lock(mu_);
  auto queued = queued_.find(activity_arn);
  if (queued != queued_.end() && !queued->second.empty()) {
    OfferedActivityTask offered = std::move(queued->second.front());
    queued->second.pop_front();
    if (queued->second.empty()) queued_.erase(queued);
    lock.unlock();
    on_taken_(offered, worker);
    done(offered.task);
    return;
  }
  if (stopping_) {
    lock.unlock();
    done(std::nullopt);
    return;
  }
  waiters_[activity_arn].push_back(
      Waiter{worker, std::chrono::steady_clock::now() + wait, std::move(done)});
  lock.unlock();
  wake_.notify_all();
}

void ActivityBroker::ExpireLoop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    auto now = std::chrono::steady_clock::now();
    auto next = now + std::chrono::seconds(60);
    std::vector<std::function<void(std::optional<ActivityTask>)>> expired;
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      auto& queue = it->second;
      for (auto waiter = queue.begin(); waiter != queue.end();) {
        if (waiter->deadline <= now) {
          expired.push_back(std::move(waiter->done));
          waiter = queue.erase(waiter);
        } else {
          next = std::min(next, waiter->deadline);
          ++waiter;
        }
      }
      it = queue.empty() ? waiters_.erase(it) : std::next(it);
    }
    if (!expired.empty()) {
      lock.unlock();
      for (auto& done : expired) done(std::nullopt);
      lock.lock();
      continue;
    }
    wake_.wait_until(lock, next);
  }
}

}  // namespace wfm
