#include "cli/output.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/yaml_json.h"

namespace wfm::cli {

const std::vector<std::string>& OutputFormats() {
  static const std::vector<std::string> kFormats = {"table", "json", "yaml"};
  return kFormats;
}

void AddOutputOption(CLI::App* command, std::string* format) {
  *format = OutputFormats()[0];
  command->add_option("-o,--output", *format, "how to print: table (default), json or yaml")
      ->check(CLI::IsMember(OutputFormats()));
}

std::string FormatValue(const nlohmann::json& value, const std::string& format,
                        const std::function<std::string(const nlohmann::json&)>& table) {
  if (format == "json") {
    return value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  }
  if (format == "yaml") return JsonToYaml(value);
  return table(value);
}

void PrintValue(const nlohmann::json& value, const std::string& format,
                const std::function<std::string(const nlohmann::json&)>& table) {
  std::cout << FormatValue(value, format, table) << std::flush;
}

}  // namespace wfm::cli
