#include "executor/local/step_functions_task.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>

namespace wfm {
namespace {

using nlohmann::json;

constexpr int64_t kTenYearsSeconds = 10LL * 366 * 24 * 3600;

Error Malformed(const std::string& what) {
  return Error{ErrorCode::kInvalidArgument, "SubmitJob parameters: " + what};
}

bool IsVariableName(const std::string& name) {
  return !name.empty() && name.find('=') == std::string::npos &&
         name.find('\0') == std::string::npos;
}

Status WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) return Error{ErrorCode::kUnavailable, "can't write " + path};
  return OkStatus();
}

constexpr const char* kOutputTooLarge = "output larger than 256 KiB";

// Reads at most kMaxFunctionOutputBytes of a regular file without following a link (the task may
// have replaced it by anything). Sets `why` when it can't.
std::string ReadBoundedOutput(const std::string& path, std::string& why) {
  int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    why = errno == ENOENT ? "" : "the task's output can't be read: " + std::string(strerror(errno));
    return "";  // a function that removed its output file wrote nothing
  }
  struct stat info;
  std::string text;
  if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    why = "the task's output " + path + " is not a regular file";
  } else {
    text.resize(kMaxFunctionOutputBytes + 1);
    size_t got = 0;
    while (got < text.size()) {
      ssize_t n = read(fd, text.data() + got, text.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    text.resize(got);
    if (got > kMaxFunctionOutputBytes) {
      why = kOutputTooLarge;
      text.clear();
    }
  }
  close(fd);
  return text;
}

json ReadJobRecord(const std::string& work_dir) {
  std::ifstream in(JobRecordPath(work_dir));
  if (!in) return json(json::value_t::discarded);
  return json::parse(in, nullptr, false);
}

const char* BatchStatus(TaskStatus status) {
  switch (status) {
    case TaskStatus::kRunning:
      return "RUNNING";
    case TaskStatus::kSucceeded:
      return "SUCCEEDED";
    case TaskStatus::kFailed:
      return "FAILED";
    default:
      return "SUBMITTED";
  }
}

}  // namespace

Result<Environment> ApplySubmitJobOverrides(const json& submit_job, JobDefinition& definition) {
  if (submit_job.is_null()) return Environment{};
  if (!submit_job.is_object()) return Malformed("not an object");
  JobDefinition applied = definition;
  Environment environment;
  if (auto overrides = submit_job.find("containerOverrides"); overrides != submit_job.end()) {
    if (!overrides->is_object()) return Malformed("containerOverrides is not an object");
    if (auto command = overrides->find("command"); command != overrides->end()) {
      if (!command->is_array() || command->empty()) {
        return Malformed("containerOverrides.command is not a non-empty list of strings");
      }
      applied.command.clear();
      for (const auto& arg : *command) {
        if (!arg.is_string() || arg.get_ref<const std::string&>().empty()) {
          return Malformed(
              "containerOverrides.command has an element that is not a non-empty "
              "string");
        }
        applied.command.push_back(arg.get<std::string>());
      }
    }
    if (auto variables = overrides->find("environment"); variables != overrides->end()) {
      if (!variables->is_array()) return Malformed("containerOverrides.environment is not a list");
      for (const auto& variable : *variables) {
        if (!variable.is_object() || !variable.contains("name") || !variable["name"].is_string() ||
            (variable.contains("value") && !variable["value"].is_string())) {
          return Malformed(
              "containerOverrides.environment has an element that is not "
              "{\"name\": string, \"value\": string}");
        }
        std::string name = variable["name"].get<std::string>();
        std::string value = variable.value("value", "");
        if (!IsVariableName(name) || value.find('\0') != std::string::npos) {
          return Malformed("containerOverrides.environment: '" + name +
                           "' is not a usable environment variable");
        }
        environment.emplace_back(std::move(name), std::move(value));
      }
    }
  }
  if (auto timeout = submit_job.find("timeout"); timeout != submit_job.end()) {
    if (!timeout->is_object()) return Malformed("timeout is not an object");
    if (auto seconds = timeout->find("attemptDurationSeconds"); seconds != timeout->end()) {
      bool in_range = seconds->is_number_integer() &&
                      !(seconds->is_number_unsigned() &&
                        seconds->get<uint64_t>() > static_cast<uint64_t>(kTenYearsSeconds)) &&
                      seconds->get<int64_t>() >= 1 && seconds->get<int64_t>() <= kTenYearsSeconds;
      if (!in_range) {
        return Malformed("timeout.attemptDurationSeconds is not an integer from 1 to " +
                         std::to_string(kTenYearsSeconds));
      }
      applied.timeout_seconds = static_cast<int>(seconds->get<int64_t>());
    }
  }
  definition = std::move(applied);
  return environment;
}

std::string FunctionInputPath(const std::string& work_dir) {
  return work_dir + "/function-input.json";
}

std::string FunctionOutputPath(const std::string& work_dir) {
  return work_dir + "/function-output.json";
}

std::string JobRecordPath(const std::string& work_dir) { return work_dir + "/job.json"; }

Status WriteStepFunctionsTaskFiles(const TaskSpec& spec, const JobDefinition& definition,
                                   const Environment& overrides, TimestampMs created_at,
                                   const std::string& work_dir) {
  if (spec.function_input) {
    auto input = WriteFile(FunctionInputPath(work_dir), *spec.function_input);
    if (!input.ok()) return input;
    auto output = WriteFile(FunctionOutputPath(work_dir), "");
    if (!output.ok()) return output;
  }
  json environment = json::array();
  for (const Environment* layer : {&definition.environment, &overrides}) {
    for (const auto& [name, value] : *layer) {
      environment.push_back({{"name", name}, {"value", value}});
    }
  }
  json record = {{"jobDefinition", definition.name + ":" + std::to_string(definition.revision)},
                 {"command", definition.command},
                 {"environment", environment},
                 {"createdAt", created_at},
                 {"function", spec.function_input.has_value()}};
  return WriteFile(JobRecordPath(work_dir), record.dump());
}

void CompleteStepFunctionsObservation(const std::string& work_dir, TaskObservation& seen) {
  json record = ReadJobRecord(work_dir);
  if (!record.is_object()) return;
  if (record.value("function", false)) {
    std::string why;
    seen.output_json = ReadBoundedOutput(FunctionOutputPath(work_dir), why);
    if (!why.empty()) {
      seen.status = TaskStatus::kFailed;
      seen.status_reason = why;
    }
    if (why == kOutputTooLarge) {  // the error a Task state gets: not one States.ALL catches
      seen.output_json = json{{"Error", "States.DataLimitExceeded"},
                              {"Cause", "The function's output is larger than 256 KiB"}}
                             .dump();
    }
  }
  DescribeStepFunctionsTask(work_dir, seen);
}

void DescribeStepFunctionsTask(const std::string& work_dir, TaskObservation& seen) {
  if (seen.status != TaskStatus::kRunning && !IsTerminal(seen.status)) return;
  json record = ReadJobRecord(work_dir);
  if (!record.is_object()) return;
  json container = {{"command", record.value("command", json::array())},
                    {"environment", record.value("environment", json::array())}};
  if (seen.exit_code) container["exitCode"] = *seen.exit_code;
  if (seen.status == TaskStatus::kFailed) container["reason"] = seen.status_reason;
  json job = {{"jobId", seen.id},
              {"jobName", seen.id},
              {"jobDefinition", record.value("jobDefinition", "")},
              {"jobQueue", "local"},
              {"status", BatchStatus(seen.status)},
              {"statusReason", seen.status_reason},
              {"createdAt", record.value("createdAt", 0LL)},
              {"container", container}};
  if (seen.started_at != 0) job["startedAt"] = seen.started_at;
  if (seen.stopped_at != 0) job["stoppedAt"] = seen.stopped_at;
  seen.description_json = job.dump();
}

}  // namespace wfm
