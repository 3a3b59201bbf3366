// --executor noop: every task succeeds as soon as it is submitted and nothing runs. For trying a
// workflow's structure (order, retries, cancels, the API) without running anything, and for
// measuring the service itself. Stateless: any id it is asked about is a task that succeeded, so
// it stays right across restarts and needs no memory per task.
#pragma once

#include "executor/change_notifier.h"
#include "executor/executor.h"

namespace wfm {

class NoopExecutor : public Executor {
 public:
  explicit NoopExecutor(Clock& clock) : clock_(clock) {}

  // The task's id is its attempt's name; the listener hears of it at once. Never fails.
  Result<std::string> Submit(const TaskSpec& spec) override;
  // Every id: SUCCEEDED, exit code 0, started and stopped now.
  std::vector<TaskObservation> Describe(const std::vector<std::string>& ids) override;
  // Takes charge of every id (there is nothing to stop).
  std::vector<std::string> Terminate(const std::vector<std::string>& ids,
                                     const std::string& reason) override;
  void SetChangeListener(std::function<void(const std::vector<std::string>&)> listener) override;
  // None: every resource runs (and succeeds).
  Result<nlohmann::json> ListJobDefinitions() const override { return nlohmann::json::array(); }

 private:
  Clock& clock_;
  ChangeNotifier notifier_;
};

}  // namespace wfm
