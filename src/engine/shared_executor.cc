#include "engine/shared_executor.h"

namespace wfm {

SharedExecutor::SharedExecutor(Executor& inner) : inner_(inner) {
  inner_.SetChangeListener([listeners = listeners_](const std::vector<std::string>& ids) {
    std::vector<std::function<void(const std::vector<std::string>&)>> all;
    {
      std::lock_guard lock(listeners->mu);
      all = listeners->all;
    }
    for (const auto& listener : all) listener(ids);
  });
}

void SharedExecutor::SetChangeListener(
    std::function<void(const std::vector<std::string>&)> listener) {
  std::lock_guard lock(listeners_->mu);
  listeners_->all.push_back(std::move(listener));
}

}  // namespace wfm
