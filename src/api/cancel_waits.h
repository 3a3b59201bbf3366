// Pending answers to DELETE /jobs/{id}: each waits, without holding an I/O thread, until the
// engine has applied its cancel request (or another replica has: the store says the job is
// finished) or its deadline passes; then it is answered.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"

namespace wfm {

class CancelWaits {
 public:
  explicit CancelWaits(Store& store);
  ~CancelWaits();  // answers every pending wait (its deadline counts as passed), then stops

  // Calls `answer` (on this object's thread) once `applied` is true, or — when `applied` turns
  // false (this process does not apply it) — once the store shows job `job_id` finished, or at
  // `deadline` at the latest. Thread-safe.
  void Add(std::string job_id, std::shared_future<bool> applied,
           std::chrono::steady_clock::time_point deadline, std::function<void()> answer);

  // Waits not yet answered. Thread-safe.
  size_t Pending() const;

 private:
  struct Wait {
    std::string job_id;
    std::shared_future<bool> applied;
    std::chrono::steady_clock::time_point deadline;
    std::function<void()> answer;
  };
  // True when `wait` can be answered now.
  bool Done(const Wait& wait, std::chrono::steady_clock::time_point now);
  void Loop();

  Store& store_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::vector<Wait> waits_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace wfm
