#include "executor/slurm/slurm_executor.h"

namespace wfm {

SlurmExecutor::SlurmExecutor(std::unique_ptr<SlurmClient> client, JobDefinitions definitions,
                             Clock& clock, SlurmExecutorOptions options)
    : QueueExecutor(std::make_unique<SlurmScheduler>(std::move(client), std::move(definitions),
                                                     std::move(options.scheduler)),
                    clock, options.queue),
      slurm_(static_cast<SlurmScheduler&>(scheduler())) {}

Status SlurmExecutor::CheckResource(const std::string& resource) {
  TaskSpec spec;
  spec.resource = resource;
  Status valid = slurm_.Validate(spec);
  if (valid.ok()) return valid;
  return Error{ErrorCode::kInvalidArgument,
               "resource '" + resource + "': " + valid.error().message};
}

}  // namespace wfm
