#include "slurm_cluster_env.h"

#include <stdlib.h>

#include <cstdlib>
#include <fstream>

namespace wfm::testing {

SlurmClusterEnv ReadSlurmClusterEnv(const std::string& path) {
  std::map<std::string, std::string> variables;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const std::string prefix = "export ";
    if (line.rfind(prefix, 0) != 0) continue;
    size_t equals = line.find('=');
    if (equals == std::string::npos) continue;
    variables[line.substr(prefix.size(), equals - prefix.size())] = line.substr(equals + 1);
  }
  return {variables["SLURM_CONF"], variables["SLURM_JWT"], variables["SLURM_REST_URL"]};
}

SlurmClusterEnv SharedSlurmCluster() {
  const char* path = std::getenv("WFM_TEST_SLURM_ENV");
  return path == nullptr ? SlurmClusterEnv{} : ReadSlurmClusterEnv(path);
}

namespace {

// Runs cluster.sh with `arguments`, its output to DIR's own log; true when it succeeded.
bool RunClusterScript(const std::string& arguments, const std::filesystem::path& dir) {
  std::string command = "bash " WFM_SLURM_CLUSTER_SH " " + arguments + " >>" + dir.string() +
                        ".log 2>&1";
  return std::system(command.c_str()) == 0;
}

}  // namespace

PrivateSlurmCluster::PrivateSlurmCluster() {
  char pattern[] = "/tmp/wfm-slurm-cluster-XXXXXX";
  if (mkdtemp(pattern) == nullptr) return;
  dir_ = pattern;
  started_ = RunClusterScript("start " + dir_.string() + " 300", dir_);
  if (started_) env_ = ReadSlurmClusterEnv((dir_ / "env").string());
}

PrivateSlurmCluster::~PrivateSlurmCluster() {
  if (dir_.empty()) return;
  RunClusterScript("stop " + dir_.string(), dir_);
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
  std::filesystem::remove(dir_.string() + ".log", ignored);
}

bool PrivateSlurmCluster::StopController() {
  return RunClusterScript("stop-controller " + dir_.string(), dir_);
}

ScratchDir::ScratchDir() {
  char pattern[] = "/tmp/wfm-slurm-test-XXXXXX";
  char* made = mkdtemp(pattern);
  path_ = made == nullptr ? "" : made;
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
}

}  // namespace wfm::testing
