#include "asl/payload.h"

#include <string_view>

namespace wfm::asl {
namespace {

// Deeper templates than this are refused (keeps hostile input from exhausting the stack).
constexpr int kMaxDepth = 512;
constexpr std::string_view kDynamicSuffix = ".$";

bool IsDynamicKey(const std::string& key) {
  return key.size() > kDynamicSuffix.size() && key.ends_with(kDynamicSuffix);
}

std::string CheckAt(const Json& payload, int depth) {
  if (depth > kMaxDepth) return "The payload template is nested too deeply";
  if (payload.is_array()) {
    for (const Json& item : payload) {
      if (std::string problem = CheckAt(item, depth + 1); !problem.empty()) return problem;
    }
    return {};
  }
  if (!payload.is_object()) return {};
  for (const auto& [key, value] : payload.items()) {
    if (!IsDynamicKey(key)) {
      if (std::string problem = CheckAt(value, depth + 1); !problem.empty()) return problem;
      continue;
    }
    std::string prefix = "The value for the field '" + key +
                         "' must be a valid JSONPath or a valid intrinsic function call";
    if (!value.is_string()) return prefix + " (it is a " + std::string(value.type_name()) + ")";
    const std::string& text = value.get_ref<const std::string&>();
    std::string problem = LooksLikeIntrinsic(text) ? CheckIntrinsic(text) : CheckPath(text);
    if (!problem.empty()) return prefix + ": " + problem;
  }
  return {};
}

class TemplateEvaluator {
 public:
  TemplateEvaluator(const PathScope& scope, const RandomSource& random)
      : scope_(scope), random_(random) {}

  Outcome<Json> Evaluate(const Json& payload, int depth) {
    if (depth > kMaxDepth) {
      return Failure{kStatesRuntime, "The payload template is nested too deeply"};
    }
    if (payload.is_array()) {
      Json out = Json::array();
      for (const Json& item : payload) {
        Outcome<Json> value = Evaluate(item, depth + 1);
        if (!value.ok()) return value;
        out.push_back(std::move(value).value());
      }
      return out;
    }
    if (!payload.is_object()) return payload;
    Json out = Json::object();
    for (const auto& [key, value] : payload.items()) {
      if (!IsDynamicKey(key)) {
        Outcome<Json> evaluated = Evaluate(value, depth + 1);
        if (!evaluated.ok()) return evaluated;
        out[key] = std::move(evaluated).value();
        continue;
      }
      Outcome<Json> evaluated = Dynamic(key, value);
      if (!evaluated.ok()) return evaluated;
      out[key.substr(0, key.size() - kDynamicSuffix.size())] = std::move(evaluated).value();
    }
    return out;
  }

 private:
  // The value of a ".$" field: a path's selection or an intrinsic call's result.
  Outcome<Json> Dynamic(const std::string& key, const Json& value) {
    if (!value.is_string()) {
      return Failure{kStatesRuntime, "The value for the field '" + key +
                                         "' must be a valid JSONPath or a valid intrinsic "
                                         "function call"};
    }
    const std::string& text = value.get_ref<const std::string&>();
    if (LooksLikeIntrinsic(text)) return EvaluateIntrinsic(text, scope_, random_);
    Result<Json> selected = EvaluatePath(text, scope_);
    if (selected.ok()) return std::move(selected).value();
    const Json* document = text.starts_with("$$") ? scope_.context : scope_.input;
    std::string input = document == nullptr
                            ? "null"
                            : document->dump(-1, ' ', false, Json::error_handler_t::replace);
    return Failure{kStatesParameterPathFailure,
                   "The JSONPath '" + text + "' specified for the field '" + key +
                       "' could not be found in the input '" + input + "'"};
  }

  const PathScope& scope_;
  const RandomSource& random_;
};

}  // namespace

std::string CheckPayloadTemplate(const Json& payload) { return CheckAt(payload, 0); }

Outcome<Json> EvaluatePayloadTemplate(const Json& payload, const PathScope& scope,
                                      const RandomSource& random) {
  return TemplateEvaluator(scope, random).Evaluate(payload, 0);
}

}  // namespace wfm::asl
