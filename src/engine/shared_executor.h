// One executor shared by the two engines of the service (v1 jobs and Step Functions executions):
// forwards every call to the executor it wraps and hands each change notification to every
// listener set (each engine ignores the ids it does not know). Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "executor/executor.h"

namespace wfm {

class SharedExecutor : public Executor {
 public:
  explicit SharedExecutor(Executor& inner);  // `inner` must outlive this

  Result<std::string> Submit(const TaskSpec& spec) override { return inner_.Submit(spec); }
  std::vector<TaskObservation> Describe(const std::vector<std::string>& ids) override {
    return inner_.Describe(ids);
  }
  std::vector<std::string> Terminate(const std::vector<std::string>& ids,
                                     const std::string& reason) override {
    return inner_.Terminate(ids, reason);
  }
  size_t MaxDataBytes() const override { return inner_.MaxDataBytes(); }
  Status Health() const override { return inner_.Health(); }
  Status CheckResource(const std::string& resource) override {
    return inner_.CheckResource(resource);
  }
  // Adds a listener (unlike a plain executor, may be called once per engine).
  void SetChangeListener(std::function<void(const std::vector<std::string>&)> listener) override;

 private:
  // Shared with the inner executor's listener, which may run after this is gone.
  struct Listeners {
    std::mutex mu;
    std::vector<std::function<void(const std::vector<std::string>&)>> all;
  };
  Executor& inner_;
  std::shared_ptr<Listeners> listeners_ = std::make_shared<Listeners>();
};

}  // namespace wfm
