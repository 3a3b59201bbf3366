// Checks of fields that several state types share (paths, templates, Assign), and the findings
// list of the validator.
#include <set>

#include "asl/intrinsics.h"
#include "asl/paths.h"
#include "asl/payload.h"
#include "asl/validate_internal.h"

namespace wfm::asl::validation {

namespace {

constexpr const char* kSchema = "SCHEMA_VALIDATION_FAILED";

bool IsVariableName(std::string_view name) {
  if (name.empty() || name.size() > kMaxVariableNameLength) return false;
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!letter(name[0])) return false;
  for (char c : name) {
    if (!letter(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool LooksLikePath(const std::string& text) {
  return text == "$" || text.starts_with("$.") || text.starts_with("$[") || text.starts_with("$$.");
}

// NO_DOLLAR: a template value that reads like a path or an intrinsic call under a key without
// ".$" is copied as text, which is rarely what was meant.
void WarnNoDollar(const StateRef& ref, const Json& value, const std::string& location) {
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      std::string at = Pointer(location, key);
      if (child.is_string() && !key.ends_with(".$")) {
        const std::string& text = child.get_ref<const std::string&>();
        if (LooksLikePath(text) || LooksLikeIntrinsic(text)) {
          ref.findings->Warning("NO_DOLLAR", at,
                                ref.what + ": the value of '" + key + "' looks like a path or " +
                                    "an intrinsic function but is copied as text; name the " +
                                    "field '" + key + ".$' to evaluate it");
        }
      } else {
        WarnNoDollar(ref, child, at);
      }
    }
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) WarnNoDollar(ref, value[i], Pointer(location, i));
  }
}

}  // namespace

void Findings::Error(std::string code, std::string location, std::string message) {
  list_.push_back(Diagnostic{"ERROR", std::move(code), std::move(message), std::move(location)});
}

void Findings::Warning(std::string code, std::string location, std::string message) {
  list_.push_back(Diagnostic{"WARNING", std::move(code), std::move(message), std::move(location)});
}

std::string Pointer(const std::string& base, std::string_view token) {
  std::string out = base + "/";
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Pointer(const std::string& base, size_t index) {
  return base + "/" + std::to_string(index);
}

std::string Show(const Json& value) {
  std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

bool IsIntegerIn(const Json& value, int64_t min, int64_t max) {
  if (value.is_number_unsigned()) {
    uint64_t v = value.get<uint64_t>();
    return max >= 0 && v <= static_cast<uint64_t>(max) &&
           (min <= 0 || v >= static_cast<uint64_t>(min));
  }
  if (value.is_number_integer()) {
    int64_t v = value.get<int64_t>();
    return v >= min && v <= max;
  }
  return false;
}

void CheckPathField(const StateRef& ref, const Json& state, const char* name, bool nullable,
                    bool definite) {
  auto it = state.find(name);
  if (it == state.end()) return;
  std::string at = Pointer(ref.location, name);
  if (it->is_null() && nullable) return;
  if (!it->is_string()) {
    ref.findings->Error(kSchema, at,
                        ref.what + ": '" + name + "' must be a path string" +
                            (nullable ? " or null" : "") + ", not " + Show(*it));
    return;
  }
  const std::string& path = it->get_ref<const std::string&>();
  std::string problem = CheckPath(path);
  if (problem.empty() && definite && IsIndefinite(path)) {
    problem = "it must select a single value (no wildcard, filter, slice, union or deep scan)";
  }
  if (!problem.empty()) {
    ref.findings->Error(
        kSchema, at,
        ref.what + ": '" + name + "' is not a valid path ('" + path + "'): " + problem);
  }
}

void CheckResultPathField(const StateRef& ref, const Json& value, const std::string& location) {
  if (value.is_null()) return;
  if (!value.is_string()) {
    ref.findings->Error(
        kSchema, location,
        ref.what + ": 'ResultPath' must be a reference path or null, not " + Show(value));
    return;
  }
  const std::string& path = value.get_ref<const std::string&>();
  std::string problem = CheckReferencePath(path);
  if (!problem.empty()) {
    ref.findings->Error(
        kSchema, location,
        ref.what + ": 'ResultPath' is not a valid reference path ('" + path + "'): " + problem);
  }
}

void CheckTemplateField(const StateRef& ref, const Json& value, const std::string& location,
                        const char* name) {
  if (!value.is_object()) {
    ref.findings->Error(kSchema, location,
                        ref.what + ": '" + name + "' must be a JSON object (a payload template), " +
                            "not " + Show(value));
    return;
  }
  std::string problem = CheckPayloadTemplate(value);
  if (!problem.empty()) {
    ref.findings->Error(kSchema, location, ref.what + ": '" + name + "': " + problem);
    return;
  }
  WarnNoDollar(ref, value, location);
}

void CheckAssignField(const StateRef& ref, const Json& value, const std::string& location) {
  if (!value.is_object()) {
    ref.findings->Error(kSchema, location,
                        ref.what + ": 'Assign' must be a JSON object, not " + Show(value));
    return;
  }
  std::set<std::string> names;
  bool names_ok = true;
  for (const auto& [key, child] : value.items()) {
    std::string name = key.ends_with(".$") ? key.substr(0, key.size() - 2) : key;
    if (!IsVariableName(name)) {
      ref.findings->Error(kSchema, Pointer(location, key),
                          ref.what + ": 'Assign' names the variable '" + name +
                              "', which is not a variable name (a letter or '_', then letters, " +
                              "digits or '_', at most 80 characters)");
      names_ok = false;
    } else if (!names.insert(name).second) {
      ref.findings->Error(kSchema, Pointer(location, key),
                          ref.what + ": 'Assign' sets the variable '" + name + "' twice");
      names_ok = false;
    }
  }
  if (!names_ok) return;
  std::string problem = CheckPayloadTemplate(value);
  if (!problem.empty()) {
    ref.findings->Error(kSchema, location, ref.what + ": 'Assign': " + problem);
    return;
  }
  WarnNoDollar(ref, value, location);
}

void CheckPathOrIntrinsic(const StateRef& ref, const Json& value, const std::string& location,
                          const char* name) {
  if (!value.is_string()) {
    ref.findings->Error(kSchema, location,
                        ref.what + ": '" + name + "' must be a path or an intrinsic function " +
                            "call, not " + Show(value));
    return;
  }
  const std::string& text = value.get_ref<const std::string&>();
  std::string problem = LooksLikeIntrinsic(text) ? CheckIntrinsic(text) : CheckPath(text);
  if (!problem.empty()) {
    ref.findings->Error(kSchema, location,
                        ref.what + ": '" + name + "' ('" + text + "') is invalid: " + problem);
  }
}

}  // namespace wfm::asl::validation
