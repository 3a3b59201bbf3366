#include "cli/yaml_json.h"

#include <yaml-cpp/yaml.h>

#include <regex>

namespace wfm::cli {
namespace {

using Json = nlohmann::json;

// A plain scalar as the YAML 1.2 core schema types it.
Json ResolvePlainScalar(const std::string& text) {
  static const std::regex kNull("~|null|Null|NULL|");
  static const std::regex kTrue("true|True|TRUE");
  static const std::regex kFalse("false|False|FALSE");
  static const std::regex kInteger("[-+]?[0-9]+");
  static const std::regex kOctal("0o[0-7]+");
  static const std::regex kHex("0x[0-9a-fA-F]+");
  static const std::regex kFloat("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  if (std::regex_match(text, kNull)) return nullptr;
  if (std::regex_match(text, kTrue)) return true;
  if (std::regex_match(text, kFalse)) return false;
  try {
    if (std::regex_match(text, kInteger)) return std::stoll(text);
    if (std::regex_match(text, kOctal)) return std::stoll(text.substr(2), nullptr, 8);
    if (std::regex_match(text, kHex)) return std::stoll(text.substr(2), nullptr, 16);
  } catch (const std::out_of_range&) {
    return std::stod(text);  // beyond 64 bits: a JSON number still, as JSON parsers read it
  }
  if (std::regex_match(text, kFloat)) return std::stod(text);
  return text;
}

Json NodeToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      // yaml-cpp tags plain scalars "?" and quoted or block ones "!"; "!!str" is explicit.
      if (node.Tag() == "?") return ResolvePlainScalar(node.Scalar());
      return node.Scalar();
    case YAML::NodeType::Sequence: {
      Json array = Json::array();
      for (const auto& item : node) array.push_back(NodeToJson(item));
      return array;
    }
    case YAML::NodeType::Map: {
      Json object = Json::object();
      for (const auto& entry : node)
        object[entry.first.as<std::string>()] = NodeToJson(entry.second);
      return object;
    }
  }
  return nullptr;
}

// True when a reader could take `text`, written plain, for something other than this string.
bool NeedsQuotes(const std::string& text) {
  static const std::regex kYaml11Words(
      "y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|\\.inf|\\.Inf|\\.INF|\\.nan|\\.NaN|\\."
      "NAN");
  if (text.empty() || !ResolvePlainScalar(text).is_string()) return true;
  if (std::regex_match(text, kYaml11Words)) return true;
  // Numbers, dates and times of every YAML version begin with a digit, a sign or a dot.
  char first = text[0];
  if ((first >= '0' && first <= '9') || first == '+' || first == '-' || first == '.') return true;
  return text.find('\n') != std::string::npos;
}

void EmitString(YAML::Emitter& out, const std::string& text) {
  if (NeedsQuotes(text)) out << YAML::DoubleQuoted;
  out << text;
}

void Emit(YAML::Emitter& out, const Json& value) {
  switch (value.type()) {
    case Json::value_t::object:
      if (value.empty()) {
        out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
        return;
      }
      out << YAML::BeginMap;
      for (const auto& [key, item] : value.items()) {
        out << YAML::Key;
        EmitString(out, key);
        out << YAML::Value;
        Emit(out, item);
      }
      out << YAML::EndMap;
      return;
    case Json::value_t::array:
      if (value.empty()) {
        out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
        return;
      }
      out << YAML::BeginSeq;
      for (const auto& item : value) Emit(out, item);
      out << YAML::EndSeq;
      return;
    case Json::value_t::string:
      EmitString(out, value.get<std::string>());
      return;
    case Json::value_t::null:
      out << YAML::Null;
      return;
    case Json::value_t::boolean:
      out << (value.get<bool>() ? "true" : "false");
      return;
    default:  // numbers: JSON's own spelling is a YAML number too
      out << value.dump();
      return;
  }
}

}  // namespace

Result<Json> YamlToJson(const std::string& text) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    return Error{ErrorCode::kInvalidArgument, "YAML line " + std::to_string(e.mark.line + 1) +
                                                  ", column " + std::to_string(e.mark.column + 1) +
                                                  ": " + e.msg};
  }
  if (documents.empty()) return Error{ErrorCode::kInvalidArgument, "the YAML text is empty"};
  if (documents.size() > 1) {
    return Error{
        ErrorCode::kInvalidArgument,
        "the YAML text holds " + std::to_string(documents.size()) + " documents; one is expected"};
  }
  try {
    return NodeToJson(documents[0]);
  } catch (const YAML::Exception& e) {  // a mapping key that is not a scalar
    return Error{ErrorCode::kInvalidArgument,
                 "YAML line " + std::to_string(e.mark.line + 1) + ": " + e.msg};
  }
}

std::string JsonToYaml(const Json& value) {
  YAML::Emitter out;
  Emit(out, value);
  return std::string(out.c_str()) + "\n";
}

}  // namespace wfm::cli
