// How the Slurm executor talks to Slurm: submit a batch job, describe jobs, find jobs by name,
// cancel. Two ways, one interface: the command-line tools (slurm_cli_client.h: sbatch, squeue
// --json, scancel, configured like any Slurm client by SLURM_CONF) and slurmrestd
// (slurm_rest_client.h).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace wfm {

// One batch job to submit.
struct SlurmJobRequest {
  std::string name;    // the job name (--job-name)
  std::string script;  // the whole batch script, starting with "#!"
  // Exactly the job's environment: nothing of the submitting process's own reaches the job
  // (Slurm adds its SLURM_* variables).
  std::vector<std::pair<std::string, std::string>> environment;
  std::string working_directory;   // absolute
  // Absolute; standard output and error both go there. "%j" in it stands for the job id; any
  // other '%' is taken as it is (see SlurmOutputPattern).
  std::string output_path;
  std::string partition;           // empty: the cluster's default
  int cpus_per_task = 0;           // 0: Slurm's default
  int64_t memory_mib = 0;          // per node (--mem); 0: Slurm's default
  int64_t time_limit_minutes = 0;  // 0: the partition's default
  std::string account;             // empty: the user's default
  std::string qos;                 // empty: the default
};

// A job as Slurm describes it.
struct SlurmJob {
  std::string id;     // the job id, decimal
  std::string name;
  std::string state;  // job_state: PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, ...
  std::string reason;               // state_reason; "" for Slurm's "None"
  std::optional<int> exit_code;     // the script's exit status, once it ended by exiting
  std::optional<int> signal;        // the signal that ended it, when one did
  TimestampMs started_at = 0;       // 0 until it started
  TimestampMs ended_at = 0;         // 0 until it ended
  std::string nodes;                // where it runs or ran
  nlohmann::json description;       // the job object as Slurm gave it
};

// `path` as Slurm's file name pattern: "%j" kept (the job id), every other '%' written "%%" (a
// plain '%').
inline std::string SlurmOutputPattern(const std::string& path) {
  std::string pattern;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 1 < path.size() && path[i + 1] == 'j') {
      pattern += "%j";
      ++i;
    } else {
      pattern += path[i] == '%' ? std::string("%%") : std::string(1, path[i]);
    }
  }
  return pattern;
}

class SlurmClient {
 public:
  virtual ~SlurmClient() = default;
  // Submits the job; returns its job id. Errors: kUnavailable when Slurm did not answer in time
  // (it may have taken the job: look it up by name before submitting again); kInvalidArgument
  // when Slurm refused the request (the message is Slurm's). Thread-safe.
  virtual Result<std::string> Submit(const SlurmJobRequest& request) = 0;
  // The jobs of `ids` Slurm knows, in one call; the ones it does not know (never, or no longer:
  // MinJobAge) are left out. Errors: kUnavailable. Thread-safe.
  virtual Result<std::vector<SlurmJob>> Describe(const std::vector<std::string>& ids) = 0;
  // Every job named `name` Slurm knows, in all states, by job id. Errors: kUnavailable.
  virtual Result<std::vector<SlurmJob>> FindByName(const std::string& name) = 0;
  // Cancels the job (pending: never starts; running: signalled). A job that ended or that Slurm
  // does not know is not an error. Errors: kUnavailable. Thread-safe.
  virtual Status Cancel(const std::string& id) = 0;
  // "slurm CLI (SLURM_CONF=...)" or "slurmrestd at URL (v0.0.38)", for logs and health.
  virtual std::string Description() const = 0;
};

}  // namespace wfm
