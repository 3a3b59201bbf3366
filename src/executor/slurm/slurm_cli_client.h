// SlurmClient through Slurm's command-line tools, each call one child process (command_runner.h)
// with SLURM_CONF as its only environment variable:
//   - Submit: `sbatch --parsable --export=ALL --export-file=3 ... /dev/fd/4`, the script and the
//     job's environment (NUL-separated NAME=value) in memory files (memfd) passed as descriptors
//     4 and 3: nothing touches the disk, any value without NUL gets through unchanged, and the job
//     sees exactly those variables plus Slurm's SLURM_* (sbatch's own environment is SLURM_CONF
//     alone; --export=NONE or NIL would add the user's login environment).
//   - Describe and FindByName: `squeue --json`, which in Slurm 22.05 ignores every filter and
//     lists all jobs the controller holds (its --jobs and --name are passed for newer Slurm, which
//     honours them); the wanted ones are picked here. One call, however many ids.
//   - Cancel: `scancel ID`.
// A call that does not end within the timeout (Slurm's tools wait ≥10 s for a controller that is
// down) is killed and reported kUnavailable.
#pragma once

#include <string>
#include <vector>

#include "executor/slurm/slurm_client.h"

namespace wfm {

struct SlurmCliOptions {
  // The programs; "" means the first found on this process's PATH.
  std::string sbatch_path;
  std::string squeue_path;
  std::string scancel_path;
  int timeout_ms = 10000;  // for each command
  // Slurm's configuration file for the commands; "" means this process's SLURM_CONF, if set.
  std::string slurm_conf;
};

class SlurmCliClient : public SlurmClient {
 public:
  // Resolves the defaults of `options` from this process's environment (PATH, SLURM_CONF).
  explicit SlurmCliClient(SlurmCliOptions options);

  // Errors also: kInvalidArgument for an environment variable name that is not
  // [A-Za-z_][A-Za-z0-9_]* or a name or value with a NUL, and when sbatch refuses the job (its
  // message); kUnavailable when sbatch could not reach the controller.
  Result<std::string> Submit(const SlurmJobRequest& request) override;
  Result<std::vector<SlurmJob>> Describe(const std::vector<std::string>& ids) override;
  Result<std::vector<SlurmJob>> FindByName(const std::string& name) override;
  Status Cancel(const std::string& id) override;
  std::string Description() const override;

 private:
  // Runs squeue --json with `filters` and returns the jobs it lists.
  Result<std::vector<SlurmJob>> ListJobs(const std::vector<std::string>& filters);
  // The environment every command runs with.
  std::vector<std::string> CommandEnvironment() const;

  SlurmCliOptions options_;
};

}  // namespace wfm
