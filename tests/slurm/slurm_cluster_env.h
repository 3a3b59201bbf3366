// What the Slurm tests know of the private Slurm that cluster.sh starts: its DIR/env file (the one
// named by WFM_TEST_SLURM_ENV, or another), a second cluster of a test's own, and a scratch
// directory for jobs' files.
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace wfm::testing {

struct SlurmClusterEnv {
  std::string slurm_conf;  // SLURM_CONF
  std::string jwt;         // SLURM_JWT: a token for root
  std::string rest_url;    // SLURM_REST_URL
};

// The variables `export`ed by the env file at `path`; empty when it can't be read.
SlurmClusterEnv ReadSlurmClusterEnv(const std::string& path);

// The cluster of WFM_TEST_SLURM_ENV; slurm_conf empty when the variable is unset or the file
// unreadable.
SlurmClusterEnv SharedSlurmCluster();

// A second private cluster in a fresh temporary directory, stopped (and the directory removed)
// on destruction. started() is false when cluster.sh failed.
class PrivateSlurmCluster {
 public:
  PrivateSlurmCluster();
  ~PrivateSlurmCluster();
  bool started() const { return started_; }
  const SlurmClusterEnv& env() const { return env_; }
  // Stops slurmctld only (cluster.sh stop-controller); true on success.
  bool StopController();

 private:
  std::filesystem::path dir_;
  bool started_ = false;
  SlurmClusterEnv env_;
};

// A fresh directory under /tmp that jobs can write to, removed on destruction.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace wfm::testing
