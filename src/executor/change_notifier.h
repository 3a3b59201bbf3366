// Holds an executor's change listener (Executor::SetChangeListener) and calls it without the
// executor's own locks held, so the listener may call back into the executor. Thread-safe.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace wfm {

class ChangeNotifier {
 public:
  using Listener = std::function<void(const std::vector<std::string>&)>;

  void Set(Listener listener) {
    std::lock_guard lock(mu_);
    listener_ = std::move(listener);
  }

  // Tells the listener, if any, that `ids` changed. Does nothing for an empty list.
  void Notify(const std::vector<std::string>& ids) const {
    if (ids.empty()) return;
    Listener listener;
    {
      std::lock_guard lock(mu_);
      listener = listener_;
    }
    if (listener) listener(ids);
  }

 private:
  mutable std::mutex mu_;
  Listener listener_;
};

}  // namespace wfm
