#include "executor/slurm/slurm_cli_client.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>

#include "executor/slurm/command_runner.h"
#include "executor/slurm/slurm_job_json.h"

namespace wfm {
namespace {

// The descriptors sbatch gets the job's environment and script on.
constexpr int kEnvironmentFd = 3;
constexpr int kScriptFd = 4;

std::string FromEnvironment(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

bool IsVariableName(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return c == '_' || std::isalnum(static_cast<unsigned char>(c));
  });
}

bool IsJobId(const std::string& id) {
  return !id.empty() && id.size() <= 10 &&
         std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A file in memory holding `content`, read from its start; -1 with errno on failure. The caller
// closes it.
int MemoryFile(const char* name, const std::string& content) {
  int fd = memfd_create(name, MFD_CLOEXEC);
  size_t written = 0;
  while (fd >= 0 && written < content.size()) {
    ssize_t n = write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  if (fd >= 0 && (written < content.size() || lseek(fd, 0, SEEK_SET) < 0)) {
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

// The lines of a command's standard error, trimmed and joined by "; ".
std::string OneLine(const std::string& text) {
  std::string joined, line;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != '\n') {
      line += text[i];
      continue;
    }
    line.erase(0, line.find_first_not_of(" \t\r"));
    line.erase(line.find_last_not_of(" \t\r") + 1);
    if (!line.empty()) joined += (joined.empty() ? "" : "; ") + line;
    line.clear();
  }
  return joined;
}

// True when a Slurm tool's error says the controller (or munge, which authenticates to it) could
// not be reached, rather than that it refused the request.
bool MeansUnreachable(const std::string& message) {
  static const char* kPhrases[] = {"Unable to contact slurm controller",
                                   "Socket timed out",
                                   "Connection refused",
                                   "Zero Bytes were transmitted or received",
                                   "Communication connection failure",
                                   "Could not establish a configuration source",
                                   "Munge",
                                   "munge"};
  return std::any_of(std::begin(kPhrases), std::end(kPhrases), [&](const char* phrase) {
    return message.find(phrase) != std::string::npos;
  });
}

Status CheckRequest(const SlurmJobRequest& request) {
  for (const std::string* field : {&request.name, &request.working_directory,
                                   &request.output_path, &request.partition, &request.account,
                                   &request.qos}) {
    if (field->find('\0') != std::string::npos) {
      return Error{ErrorCode::kInvalidArgument, "a job field contains a NUL character"};
    }
  }
  for (const auto& [name, value] : request.environment) {
    if (!IsVariableName(name)) {
      return Error{ErrorCode::kInvalidArgument,
                   "'" + name + "' is not an environment variable name"};
    }
    if (value.find('\0') != std::string::npos) {
      return Error{ErrorCode::kInvalidArgument,
                   "the value of environment variable " + name + " contains a NUL character"};
    }
  }
  return OkStatus();
}

std::vector<std::string> SbatchArguments(const SlurmJobRequest& request,
                                         const std::string& sbatch) {
  std::vector<std::string> argv = {sbatch,
                                   "--parsable",
                                   "--export=ALL",
                                   "--export-file=" + std::to_string(kEnvironmentFd),
                                   "--job-name=" + request.name,
                                   "--output=" + SlurmOutputPattern(request.output_path),
                                   "--chdir=" + request.working_directory};
  if (!request.partition.empty()) argv.push_back("--partition=" + request.partition);
  if (request.cpus_per_task > 0) {
    argv.push_back("--cpus-per-task=" + std::to_string(request.cpus_per_task));
  }
  if (request.memory_mib > 0) argv.push_back("--mem=" + std::to_string(request.memory_mib) + "M");
  if (request.time_limit_minutes > 0) {
    argv.push_back("--time=" + std::to_string(request.time_limit_minutes));
  }
  if (!request.account.empty()) argv.push_back("--account=" + request.account);
  if (!request.qos.empty()) argv.push_back("--qos=" + request.qos);
  argv.push_back("/dev/fd/" + std::to_string(kScriptFd));
  return argv;
}

// A file descriptor closed when it goes out of scope.
struct OwnedFd {
  int fd;
  ~OwnedFd() {
    if (fd >= 0) close(fd);
  }
};

}  // namespace

SlurmCliClient::SlurmCliClient(SlurmCliOptions options) : options_(std::move(options)) {
  std::string path = FromEnvironment("PATH");
  for (auto [program, name] : {std::pair{&options_.sbatch_path, "sbatch"},
                               std::pair{&options_.squeue_path, "squeue"},
                               std::pair{&options_.scancel_path, "scancel"}}) {
    if (program->empty()) *program = FindOnPath(name, path);
  }
  if (options_.slurm_conf.empty()) options_.slurm_conf = FromEnvironment("SLURM_CONF");
}

std::vector<std::string> SlurmCliClient::CommandEnvironment() const {
  if (options_.slurm_conf.empty()) return {};
  return {"SLURM_CONF=" + options_.slurm_conf};
}

Result<std::string> SlurmCliClient::Submit(const SlurmJobRequest& request) {
  if (auto checked = CheckRequest(request); !checked.ok()) return checked.error();
  std::string environment;
  for (const auto& [name, value] : request.environment) {
    environment += name + "=" + value + '\0';
  }
  OwnedFd environment_file{MemoryFile("wfm-job-environment", environment)};
  OwnedFd script_file{MemoryFile("wfm-job-script", request.script)};
  if (environment_file.fd < 0 || script_file.fd < 0) {
    return Error{ErrorCode::kUnavailable,
                 std::string("can't hold the job in memory: ") + strerror(errno)};
  }
  Command command{SbatchArguments(request, options_.sbatch_path), CommandEnvironment(),
                  {{environment_file.fd, kEnvironmentFd}, {script_file.fd, kScriptFd}},
                  options_.timeout_ms};
  auto output = RunCommand(command);
  if (!output.ok()) return output.error();
  std::string message = OneLine(output->standard_error);
  if (output->exit_code != 0) {
    if (message.empty()) message = "sbatch exited with status " + std::to_string(output->exit_code);
    return Error{MeansUnreachable(message) ? ErrorCode::kUnavailable : ErrorCode::kInvalidArgument,
                 message};
  }
  // --parsable prints "<id>" or "<id>;<cluster>".
  std::string id = output->standard_output.substr(0, output->standard_output.find_first_of(";\n"));
  if (!IsJobId(id)) {
    return Error{ErrorCode::kUnavailable,
                 "sbatch printed no job id: " + OneLine(output->standard_output) + " " + message};
  }
  return id;
}

Result<std::vector<SlurmJob>> SlurmCliClient::ListJobs(const std::vector<std::string>& filters) {
  std::vector<std::string> argv = {options_.squeue_path, "--json", "-t", "all"};
  argv.insert(argv.end(), filters.begin(), filters.end());
  auto output = RunCommand(Command{argv, CommandEnvironment(), {}, options_.timeout_ms});
  if (!output.ok()) return output.error();
  if (output->exit_code != 0) {
    std::string message = OneLine(output->standard_error);
    // A newer squeue honours --jobs, and refuses a single id it does not know.
    if (message.find("Invalid job id") != std::string::npos) return std::vector<SlurmJob>{};
    return Error{ErrorCode::kUnavailable,
                 "squeue failed (status " + std::to_string(output->exit_code) + "): " + message};
  }
  auto answer = ParseSlurmAnswer(output->standard_output, "squeue's output");
  if (!answer.ok()) return answer.error();
  return ParseSlurmJobList(*answer);
}

Result<std::vector<SlurmJob>> SlurmCliClient::Describe(const std::vector<std::string>& ids) {
  std::set<std::string> wanted;
  std::string id_list;
  for (const auto& id : ids) {
    if (!IsJobId(id) || !wanted.insert(id).second) continue;
    id_list += (id_list.empty() ? "" : ",") + id;
  }
  if (wanted.empty()) return std::vector<SlurmJob>{};
  auto jobs = ListJobs({"--jobs=" + id_list});
  if (!jobs.ok()) return jobs.error();
  std::erase_if(*jobs, [&](const SlurmJob& job) { return wanted.count(job.id) == 0; });
  return jobs;
}

Result<std::vector<SlurmJob>> SlurmCliClient::FindByName(const std::string& name) {
  // --name takes a comma-separated list: a name with a comma is found by the filter below only.
  std::vector<std::string> filters;
  if (name.find(',') == std::string::npos) filters.push_back("--name=" + name);
  auto jobs = ListJobs(filters);
  if (!jobs.ok()) return jobs.error();
  std::erase_if(*jobs, [&](const SlurmJob& job) { return job.name != name; });
  return jobs;
}

Status SlurmCliClient::Cancel(const std::string& id) {
  if (!IsJobId(id)) return OkStatus();  // no such job can exist
  auto output = RunCommand(
      Command{{options_.scancel_path, id}, CommandEnvironment(), {}, options_.timeout_ms});
  if (!output.ok()) return output.error();
  std::string message = OneLine(output->standard_error);
  if (output->exit_code == 0 || message.find("Invalid job id") != std::string::npos ||
      message.find("already completing or completed") != std::string::npos) {
    return OkStatus();
  }
  return Error{ErrorCode::kUnavailable,
               "scancel failed (status " + std::to_string(output->exit_code) + "): " + message};
}

std::string SlurmCliClient::Description() const {
  return "slurm CLI (SLURM_CONF=" + options_.slurm_conf + ")";
}

}  // namespace wfm
