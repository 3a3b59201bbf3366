#include "api/cancel_waits.h"

namespace wfm {
namespace {

// How often pending waits are looked at (their futures, and the store for a follower's).
constexpr auto kTick = std::chrono::milliseconds(10);

}  // namespace

CancelWaits::CancelWaits(Store& store) : store_(store), thread_([this] { Loop(); }) {}

CancelWaits::~CancelWaits() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void CancelWaits::Add(std::string job_id, std::shared_future<bool> applied,
                      std::chrono::steady_clock::time_point deadline,
                      std::function<void()> answer) {
  {
    std::lock_guard lock(mu_);
    waits_.push_back({std::move(job_id), std::move(applied), deadline, std::move(answer)});
  }
  wake_.notify_all();
}

size_t CancelWaits::Pending() const {
  std::lock_guard lock(mu_);
  return waits_.size();
}

bool CancelWaits::Done(const Wait& wait, std::chrono::steady_clock::time_point now) {
  if (now >= wait.deadline) return true;
  if (wait.applied.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return false;
  if (wait.applied.get()) return true;
  auto job = store_.GetJob(wait.job_id);  // applied elsewhere: the store tells when
  return !job.ok() || IsTerminal(job->status);
}

void CancelWaits::Loop() {
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait_for(lock, kTick, [this] { return stopping_; });
    std::vector<Wait> pending;
    pending.swap(waits_);
    bool stopping = stopping_;
    lock.unlock();
    std::vector<Wait> still;
    auto now = std::chrono::steady_clock::now();
    for (auto& wait : pending) {
      if (stopping || Done(wait, now)) {
        wait.answer();
      } else {
        still.push_back(std::move(wait));
      }
    }
    lock.lock();
    waits_.insert(waits_.end(), std::make_move_iterator(still.begin()),
                  std::make_move_iterator(still.end()));
    if (stopping && waits_.empty()) return;
  }
}

}  // namespace wfm
