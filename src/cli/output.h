// The --output (-o) flag of every command that shows something: table (the default, for people),
// json or yaml (for programs; the service's own JSON, unchanged).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace wfm::cli {

// The values --output takes, the first one the default.
const std::vector<std::string>& OutputFormats();

// Adds -o/--output FORMAT to `command`, stored in `*format` (which starts as "table").
void AddOutputOption(CLI::App* command, std::string* format);

// `value` written in `format`: "json" (indented), "yaml", or else the text `table(value)`.
std::string FormatValue(const nlohmann::json& value, const std::string& format,
                        const std::function<std::string(const nlohmann::json&)>& table);

// Prints FormatValue(...) on standard output.
void PrintValue(const nlohmann::json& value, const std::string& format,
                const std::function<std::string(const nlohmann::json&)>& table);

}  // namespace wfm::cli
