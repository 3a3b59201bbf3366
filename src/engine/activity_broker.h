// Activity tasks waiting for workers, and workers waiting for activity tasks (GetActivityTask's
// long poll, answered without holding the caller's thread). In memory: the engine offers again
// what its executions still wait for after a restart. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "engine/execution_service.h"

namespace wfm {

struct OfferedActivityTask {
  std::string activity_arn;
  std::string execution_arn;
  std::string attempt;  // the task attempt's name
  ActivityTask task;    // token and input, as the worker gets them
};

class ActivityBroker {
 public:
  // `on_taken` is called (from any thread, without locks held) when a worker takes a task.
  explicit ActivityBroker(
      std::function<void(const OfferedActivityTask&, const std::string& worker)> on_taken);
  ~ActivityBroker();  // answers every waiting worker with nothing

  // Offers a scheduled task to the activity's workers; an attempt offered before is ignored.
  void Offer(OfferedActivityTask offered);
  // Withdraws an attempt that no worker should take any more.
  void Withdraw(const std::string& attempt);
  // Forgets every offer (another process leads now); waiting workers keep waiting.
  void Clear();
  // Calls `done` with a task as soon as one is offered, or with nullopt after `wait`.
  void Poll(const std::string& activity_arn, const std::string& worker,
            std::chrono::milliseconds wait, std::function<void(std::optional<ActivityTask>)> done);

 private:
  struct Waiter {
    std::string worker;
    std::chrono::steady_clock::time_point deadline;
    std::function<void(std::optional<ActivityTask>)> done;
  };
  void ExpireLoop();

  std::function<void(const OfferedActivityTask&, const std::string&)> on_taken_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::map<std::string, std::deque<OfferedActivityTask>> queued_;  // by activity
  std::set<std::string> offered_;                                  // attempts
  std::map<std::string, std::deque<Waiter>> waiters_;              // by activity
  std::thread expirer_;
};

}  // namespace wfm
