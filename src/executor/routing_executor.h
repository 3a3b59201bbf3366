// Several executors in one service (--executor local,slurm,batch): each task goes to the executor
// its job definition names, and its id carries that executor's name ("slurm:42") so that every
// later call about it reaches the same one, in this process or after a restart.
//   - Submit: `route(spec.resource)` names the executor (see RouteOf in server/executors.h).
//   - Describe: an id "<name>:<id>" goes to that executor; an id without a known name (an
//     attempt's name, or an id stored before the service had several executors) goes to the
//     first one. Observations come back with prefixed ids (new_id too).
//   - Terminate: a prefixed id goes to its executor; one without a name goes to every executor
//     (each looks it up and stops what it finds; the first one's observation is reported).
//   - Health: ok when every executor is; otherwise the unhealthy ones by name.
//   - MaxDataBytes: the smallest of them. ListJobDefinitions: the first that lists them.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "executor/change_notifier.h"
#include "executor/executor.h"

namespace wfm {

class RoutingExecutor : public Executor {
 public:
  struct Member {
    std::string name;    // local, batch, slurm: no ':' in it
    Executor* executor;  // not owned; outlives this
  };
  // Names the member that runs `resource`, or an error (kInvalidArgument) saying why none does.
  using Route = std::function<Result<std::string>(const std::string& resource)>;

  // `members` in the configured order (the first is the default of ids without a name).
  RoutingExecutor(std::vector<Member> members, Route route);

  Result<std::string> Submit(const TaskSpec& spec) override;
  std::vector<TaskObservation> Describe(const std::vector<std::string>& ids) override;
  std::vector<std::string> Terminate(const std::vector<std::string>& ids,
                                     const std::string& reason) override;
  size_t MaxDataBytes() const override;
  void SetChangeListener(std::function<void(const std::vector<std::string>&)> listener) override;
  Status Health() const override;
  Result<nlohmann::json> ListJobDefinitions() const override;
  Status CheckResource(const std::string& resource) override;

  // The member and its own id for a routed id: a known "<name>:" prefix, else the first member
  // with the id unchanged. Thread-safe.
  std::pair<const Member*, std::string> Split(const std::string& id) const;

 private:
  // The member named `name`, or nullptr.
  const Member* Named(const std::string& name) const;

  std::vector<Member> members_;
  Route route_;
  ChangeNotifier notifier_;
};

}  // namespace wfm
