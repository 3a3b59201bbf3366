#include "cli/input_files.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli/cli_error.h"
#include "cli/yaml_json.h"

namespace wfm::cli {
namespace {

using Json = nlohmann::json;

bool EndsWith(const std::string& text, const char* suffix) { return text.ends_with(suffix); }

// The JSON parser's complaint without its "[json.exception.parse_error.101] " prefix.
std::string JsonProblem(const Json::parse_error& e) {
  std::string what = e.what();
  size_t end_of_id = what.find("] ");
  return end_of_id == std::string::npos ? what : what.substr(end_of_id + 2);
}

}  // namespace

std::string ReadInputFile(const std::string& path) {
  if (path == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) throw UsageError("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream content;
  content << file.rdbuf();
  if (file.bad()) throw UsageError("cannot read " + path + ": " + std::strerror(errno));
  return content.str();
}

Json ReadDocumentFile(const std::string& path) {
  std::string text = ReadInputFile(path);
  bool yaml_name = EndsWith(path, ".yaml") || EndsWith(path, ".yml");
  if (!yaml_name) {
    try {
      return Json::parse(text);
    } catch (const Json::parse_error& e) {
      if (EndsWith(path, ".json")) throw UsageError(path + " is not valid JSON: " + JsonProblem(e));
    }
  }
  auto document = YamlToJson(text);
  if (!document.ok()) {
    throw UsageError(path + " is not valid " + (yaml_name ? "YAML" : "JSON or YAML") + ": " +
                     document.error().message);
  }
  return *document;
}

Json ParseJsonArgument(const std::string& flag, const std::string& text) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw UsageError(flag + " is not valid JSON: " + JsonProblem(e));
  }
}

}  // namespace wfm::cli
