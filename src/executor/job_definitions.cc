#include "executor/job_definitions.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

namespace wfm {

Result<JobDefinitions> JobDefinitions::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return Error{ErrorCode::kInvalidArgument, "can't read job definitions file '" + path + "'"};
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

namespace {

// The integer at `key` of `object`: `fallback` when absent; nothing when it is not an integer
// within [low, high] (a float or an out-of-range number would convert with undefined behaviour).
std::optional<int64_t> ReadInteger(const nlohmann::json& object, const char* key, int64_t fallback,
                                   int64_t low, int64_t high) {
  auto it = object.find(key);
  if (it == object.end()) return fallback;
  if (!it->is_number_integer()) return std::nullopt;
  if (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(high)) {
    return std::nullopt;
  }
  int64_t value = it->get<int64_t>();
  if (value < low || value > high) return std::nullopt;
  return value;
}

// True for a name a resource can refer to: 1-128 of [A-Za-z0-9_-] (AWS Batch's rule).
bool IsDefinitionName(const std::string& name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

// Reads containerProperties.resourceRequirements into `def`. Errors: what is wrong.
std::optional<std::string> ReadResources(const nlohmann::json& container, JobDefinition& def) {
  for (const auto& requirement : container.value("resourceRequirements", nlohmann::json::array())) {
    std::string type = requirement.at("type").get<std::string>();
    std::string value = requirement.at("value").get<std::string>();
    char* end = nullptr;
    double number = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || !(number > 0) || number > 1e6) {
      return "resourceRequirements " + type + ": value '" + value +
             "' is not a positive number up to 1000000";
    }
    if (type == "VCPU") {
      def.vcpus = static_cast<int>(std::ceil(number));
    } else if (type == "MEMORY") {
      def.memory_mib = static_cast<int64_t>(std::ceil(number));
    } else if (type != "GPU") {
      return "resourceRequirements: unknown type '" + type + "' (VCPU, MEMORY or GPU)";
    }
  }
  return std::nullopt;
}

// Reads "slurmProperties" into `def.slurm`. Errors: what is wrong.
std::optional<std::string> ReadSlurmProperties(const nlohmann::json& properties,
                                               JobDefinition& def) {
  if (!properties.is_object()) return "slurmProperties must be an object";
  for (const auto& [key, value] : properties.items()) {
    if (key == "partition" || key == "account" || key == "qos") {
      if (!value.is_string() || value.get<std::string>().find_first_of(std::string(" ,\n\0", 4)) !=
                                    std::string::npos) {
        return "slurmProperties." + key + " must be a string without spaces or commas";
      }
      (key == "partition" ? def.slurm.partition : key == "account" ? def.slurm.account
                                                                    : def.slurm.qos) =
          value.get<std::string>();
    } else if (key == "cpusPerTask" || key == "memoryMiB" || key == "timeLimitMinutes") {
      auto number = ReadInteger(properties, key.c_str(), 0, 1, 100000000);
      if (!number) return "slurmProperties." + key + " must be an integer from 1 to 100000000";
      if (key == "cpusPerTask") def.slurm.cpus_per_task = static_cast<int>(*number);
      if (key == "memoryMiB") def.slurm.memory_mib = *number;
      if (key == "timeLimitMinutes") def.slurm.time_limit_minutes = *number;
    } else {
      return "slurmProperties: unknown field '" + key +
             "' (partition, account, qos, cpusPerTask, memoryMiB, timeLimitMinutes)";
    }
  }
  return std::nullopt;
}

}  // namespace

Result<JobDefinitions> JobDefinitions::Parse(const std::string& text, const std::string& origin) {
  auto fail = [&](const std::string& what) {
    return Error{ErrorCode::kInvalidArgument, "job definitions '" + origin + "': " + what};
  };
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded()) return fail("not valid JSON");
  if (json.is_object() && json.contains("jobDefinitions")) json = json["jobDefinitions"];
  if (!json.is_array()) return fail("expected an array of job definitions");
  JobDefinitions out;
  try {
    for (size_t i = 0; i < json.size(); ++i) {
      const auto& d = json[i];
      std::string where = "definition " + std::to_string(i) + ": ";
      JobDefinition def;
      def.name = d.at("jobDefinitionName").get<std::string>();
      if (!IsDefinitionName(def.name)) {
        return fail(where + "jobDefinitionName '" + def.name +
                    "' must be 1-128 letters, digits, '_' or '-'");
      }
      auto revision = ReadInteger(d, "revision", 1, 1, 999999999);
      if (!revision) return fail(where + "revision must be an integer from 1 to 999999999");
      def.revision = static_cast<int>(*revision);
      where = "definition " + def.name + ":" + std::to_string(def.revision) + ": ";
      const auto& container = d.at("containerProperties");
      def.command = container.at("command").get<std::vector<std::string>>();
      if (def.command.empty()) return fail(where + "containerProperties.command is empty");
      for (const auto& arg : def.command) {
        if (arg.find('\0') != std::string::npos) {
          return fail(where + "containerProperties.command has an argument with a NUL character");
        }
      }
      for (const auto& var : container.value("environment", nlohmann::json::array())) {
        std::string name = var.at("name").get<std::string>();
        std::string value = var.at("value").get<std::string>();
        if (name.empty() || name.find_first_of(std::string("=\0", 2)) != std::string::npos ||
            value.find('\0') != std::string::npos) {
          return fail(where + "environment variable '" + name +
                      "': a name is not empty and has no '=', and neither has a NUL character");
        }
        def.environment.emplace_back(std::move(name), std::move(value));
      }
      if (d.contains("timeout")) {
        constexpr int64_t kTenYears = int64_t{10} * 365 * 24 * 3600;
        auto timeout = ReadInteger(d.at("timeout"), "attemptDurationSeconds", 0, 0, kTenYears);
        if (!timeout) {
          return fail(where + "timeout.attemptDurationSeconds must be an integer from 0 to " +
                      std::to_string(kTenYears));
        }
        def.timeout_seconds = static_cast<int>(*timeout);
      }
      if (auto wrong = ReadResources(container, def)) return fail(where + *wrong);
      if (d.contains("slurmProperties")) {
        if (auto wrong = ReadSlurmProperties(d.at("slurmProperties"), def)) {
          return fail(where + *wrong);
        }
      }
      if (d.contains("executor")) {
        def.executor = d.at("executor").get<std::string>();
        if (def.executor != "local" && def.executor != "slurm") {
          return fail(where + "executor must be \"local\" or \"slurm\"");
        }
      }
      // Listed as AWS Batch lists definitions: with the revision and type filled in.
      def.document = d;
      def.document["revision"] = def.revision;
      if (!def.document.contains("type")) def.document["type"] = "container";
      if (!out.by_name_[def.name].emplace(def.revision, def).second) {
        return fail("duplicate " + def.name + ":" + std::to_string(def.revision));
      }
    }
  } catch (const nlohmann::json::exception& e) {
    return fail(e.what());
  }
  return out;
}

nlohmann::json JobDefinitions::Documents() const {
  nlohmann::json documents = nlohmann::json::array();
  for (const auto& [name, revisions] : by_name_) {
    for (const auto& [revision, definition] : revisions) documents.push_back(definition.document);
  }
  return documents;
}

Result<JobDefinition> JobDefinitions::Resolve(const std::string& resource) const {
  size_t colon = resource.find(':');
  std::string name = resource.substr(0, colon);
  auto it = by_name_.find(name);
  if (it == by_name_.end() || it->second.empty()) {
    return Error{ErrorCode::kInvalidArgument, "no job definition named '" + name + "'"};
  }
  if (colon == std::string::npos) return it->second.rbegin()->second;
  int revision = 0;
  const char* end = resource.data() + resource.size();
  auto [stop, parse_error] = std::from_chars(resource.data() + colon + 1, end, revision);
  if (parse_error != std::errc() || stop != end) {
    return Error{ErrorCode::kInvalidArgument,
                 "'" + resource + "': the revision after ':' must be a number"};
  }
  auto rev = it->second.find(revision);
  if (rev == it->second.end()) {
    return Error{ErrorCode::kInvalidArgument, "no job definition '" + resource + "'"};
  }
  return rev->second;
}

}  // namespace wfm
