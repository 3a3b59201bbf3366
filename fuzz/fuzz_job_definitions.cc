// The local job definitions file (--job-definitions), through JobDefinitions::Parse.
// Contract: a file is either refused with kInvalidArgument and a message naming the file, or
// every definition in it resolves by "name:revision" to what the file says, and "name" alone to
// some revision of it.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "executor/job_definitions.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto definitions = wfm::JobDefinitions::Parse(text, "fuzz.json");
  if (!definitions.ok()) {
    FUZZ_CHECK(definitions.error().code == wfm::ErrorCode::kInvalidArgument,
               "a refused file is kInvalidArgument");
    FUZZ_CHECK(definitions.error().message.find("fuzz.json") != std::string::npos,
               "a refusal names the file");
    return 0;
  }
  // Accepted: the text is JSON, an array of definitions or {"jobDefinitions": [...]}.
  auto json = nlohmann::json::parse(text);
  if (json.is_object()) json = json["jobDefinitions"];
  for (const auto& definition : json) {
    std::string name = definition["jobDefinitionName"];
    int revision = definition.value("revision", 1);
    auto resolved = definitions->Resolve(name + ":" + std::to_string(revision));
    FUZZ_CHECK(resolved.ok(), "every definition resolves by name:revision");
    FUZZ_CHECK(resolved->name == name && resolved->revision == revision,
               "name:revision resolves to that definition");
    FUZZ_CHECK(resolved->command ==
                   definition["containerProperties"]["command"].get<std::vector<std::string>>(),
               "a resolved definition runs the file's command");
    FUZZ_CHECK(!resolved->command.empty(), "a resolved definition has a command");
    FUZZ_CHECK(definitions->Resolve(name).ok(), "every name resolves alone");
  }
  definitions->Resolve(text.substr(0, 64));  // anything a state names: an answer, never a crash
  return 0;
}
