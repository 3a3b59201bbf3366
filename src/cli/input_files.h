// What commands read from files and arguments: workflow and state machine documents, job data,
// execution input. Every failure is a usage error (exit code 2) naming the file or the flag.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace wfm::cli {

// The whole content of `path` ("-" is standard input). Throws CliError(kExitUsage) naming the
// file when it can't be read.
std::string ReadInputFile(const std::string& path);

// The JSON document in `path`, written in JSON or YAML: a .yaml/.yml file is read as YAML, a
// .json file as JSON, anything else as JSON when it parses, else as YAML. Throws
// CliError(kExitUsage) naming the file and what is wrong with it.
nlohmann::json ReadDocumentFile(const std::string& path);

// `text`, the value of `flag`, parsed as JSON. Throws CliError(kExitUsage) saying where it is not.
nlohmann::json ParseJsonArgument(const std::string& flag, const std::string& text);

}  // namespace wfm::cli
