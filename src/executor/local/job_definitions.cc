#include "executor/local/job_definitions.h"

#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
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
      def.revision = d.value("revision", 1);
      const auto& container = d.at("containerProperties");
      def.command = container.at("command").get<std::vector<std::string>>();
      if (def.command.empty()) return fail(where + "containerProperties.command is empty");
      for (const auto& var : container.value("environment", nlohmann::json::array())) {
        def.environment.emplace_back(var.at("name").get<std::string>(),
                                     var.at("value").get<std::string>());
      }
      if (d.contains("timeout"))
        def.timeout_seconds = d["timeout"].value("attemptDurationSeconds", 0);
      if (def.revision < 1) return fail(where + "revision must be at least 1");
      if (!out.by_name_[def.name].emplace(def.revision, def).second) {
        return fail("duplicate " + def.name + ":" + std::to_string(def.revision));
      }
    }
  } catch (const nlohmann::json::exception& e) {
    return fail(e.what());
  }
  return out;
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
