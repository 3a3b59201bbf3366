#include "server/service_executors.h"

#include <algorithm>
#include <mutex>
#include <sstream>

namespace wfm {
namespace {

bool Has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The job definitions routing reads, replaced whole on SIGHUP. Thread-safe.
class RoutedDefinitions {
 public:
  std::shared_ptr<const JobDefinitions> Get() const {
    std::lock_guard lock(mu_);
    return definitions_;
  }
  void Replace(JobDefinitions definitions) {
    auto replaced = std::make_shared<const JobDefinitions>(std::move(definitions));
    std::lock_guard lock(mu_);
    definitions_ = std::move(replaced);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const JobDefinitions> definitions_;  // null: no file
};

Result<ExecutorSetup> MakeOne(const std::string& name, const Config& config, Clock& clock) {
  if (name == "batch") return MakeBatchExecutor(config, clock);
  if (name == "slurm") return MakeSlurmExecutor(config, clock);
  if (name == "noop") return MakeNoopExecutor(clock);
  return MakeLocalExecutor(config, clock);
}

}  // namespace

Result<std::vector<std::string>> ExecutorNames(const std::string& flag) {
  std::vector<std::string> names;
  std::stringstream list(flag);
  for (std::string name; std::getline(list, name, ',');) {
    if (name != "local" && name != "batch" && name != "slurm" && name != "noop") {
      return Error{ErrorCode::kInvalidArgument,
                   "unknown --executor '" + name + "' (available: local, batch, slurm, noop)"};
    }
    if (Has(names, name)) {
      return Error{ErrorCode::kInvalidArgument, "--executor names " + name + " twice"};
    }
    names.push_back(name);
  }
  if (names.empty()) {
    return Error{ErrorCode::kInvalidArgument,
                 "--executor is empty (available: local, batch, slurm, noop)"};
  }
  if (Has(names, "noop") && names.size() > 1) {
    return Error{ErrorCode::kInvalidArgument, "--executor noop runs alone"};
  }
  return names;
}

Result<std::string> RouteOf(const JobDefinitions* definitions,
                            const std::vector<std::string>& names, const std::string& resource) {
  if (definitions != nullptr) {
    auto definition = definitions->Resolve(resource);
    if (definition.ok()) {
      if (!definition->executor.empty()) return definition->executor;
      for (const auto& name : names) {
        if (name == "local" || name == "slurm") return name;
      }
    }
  }
  if (Has(names, "batch")) return std::string("batch");
  return names.front();
}

std::vector<MetricSample> ServiceExecutors::ActiveTaskSamples() const {
  std::vector<MetricSample> samples;
  for (const auto& member : metered) {
    auto own = member->ActiveTaskSamples();
    samples.insert(samples.end(), own.begin(), own.end());
  }
  return samples;
}

Result<std::unique_ptr<ServiceExecutors>> MakeServiceExecutors(const Config& config, Clock& clock,
                                                               Metrics& metrics) {
  auto names = ExecutorNames(config.executor);
  if (!names.ok()) return names.error();
  auto out = std::make_unique<ServiceExecutors>();
  for (const auto& name : names.value()) {
    auto setup = MakeOne(name, config, clock);
    if (!setup.ok()) return setup.error();
    out->members.emplace_back(name, std::move(setup.value()));
    out->metered.push_back(
        std::make_unique<MeteredExecutor>(*out->members.back().second.executor, metrics, name));
    out->description += (out->description.empty() ? "" : "; ") + out->members.back().second.description;
  }
  if (out->members.size() == 1) {
    out->executor = out->metered.front().get();
    out->log_reader = out->members.front().second.log_reader;
    out->reload = out->members.front().second.reload_job_definitions;
    return out;
  }
  // Routing reads the job definitions file too (and again on SIGHUP).
  auto routed = std::make_shared<RoutedDefinitions>();
  if (Has(names.value(), "local") || Has(names.value(), "slurm")) {
    auto definitions = JobDefinitions::Load(config.job_definitions);
    if (!definitions.ok()) return definitions.error();
    routed->Replace(std::move(definitions.value()));
  }
  std::vector<RoutingExecutor::Member> members;
  for (size_t i = 0; i < out->members.size(); ++i) {
    members.push_back({out->members[i].first, out->metered[i].get()});
  }
  out->router = std::make_unique<RoutingExecutor>(
      members, [routed, names = names.value()](const std::string& resource) {
        auto definitions = routed->Get();
        return RouteOf(definitions.get(), names, resource);
      });
  out->executor = out->router.get();
  RoutingExecutor* router = out->router.get();
  ServiceExecutors* self = out.get();
  out->log_reader = [router, self](const std::string& id) -> Result<std::string> {
    auto [member, own_id] = router->Split(id);
    for (const auto& [name, setup] : self->members) {
      if (name == member->name && setup.log_reader) return setup.log_reader(own_id);
    }
    return Error{ErrorCode::kNotFound, "the executor of this task keeps no logs"};
  };
  out->reload = [self, routed, path = config.job_definitions]() -> Status {
    Status result = OkStatus();
    for (auto& [name, setup] : self->members) {
      if (!setup.reload_job_definitions) continue;
      Status reloaded = setup.reload_job_definitions();
      if (!reloaded.ok() && result.ok()) result = reloaded;
    }
    if (result.ok() && routed->Get()) {
      auto definitions = JobDefinitions::Load(path);
      if (!definitions.ok()) return definitions.error();
      routed->Replace(std::move(definitions.value()));
    }
    return result;
  };
  return out;
}

}  // namespace wfm
