#include "api/sfn/sfn_wire.h"

#include <algorithm>

#include "core/ids.h"

namespace wfm::sfn {
namespace {

// The name of an error that carries no Step Functions name of its own.
std::string DefaultType(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kTooLarge:
      return "ValidationException";
    case ErrorCode::kNotFound:
      return "ResourceNotFound";
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kConflict:
      return "ConflictException";
    case ErrorCode::kUnavailable:
      return "ServiceUnavailable";
    case ErrorCode::kInternal:
    case ErrorCode::kUnimplemented:
      return "InternalFailure";
  }
  return "InternalFailure";
}

const char* TypeName(const json& value) {
  switch (value.type()) {
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    case json::value_t::null:
      return "null";
    default:
      return "a number";
  }
}

Error SerializationError(const std::string& field, const json& value, const std::string& wanted) {
  return TypedError("SerializationException",
                    "field '" + field + "' must be " + wanted + ", not " + TypeName(value));
}

// Splits "arn:<partition>:states:<region>:<account>:<type>:<rest>" into its resource type and
// rest. False when it is not shaped so.
bool SplitStatesArn(const std::string& arn, std::string* type, std::string* rest) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (int i = 0; i < 6; ++i) {
    size_t colon = arn.find(':', start);
    if (colon == std::string::npos) return false;
    parts.push_back(arn.substr(start, colon - start));
    start = colon + 1;
  }
  if (parts[0] != "arn" || parts[1].rfind("aws", 0) != 0 || parts[2] != "states" ||
      parts[3].empty() || parts[4].empty()) {
    return false;
  }
  *type = parts[5];
  *rest = arn.substr(start);
  return !rest->empty();
}

bool AllDigits(const std::string& text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Error InvalidArn(const std::string& arn, const std::string& what) {
  return TypedError("InvalidArn", "Invalid Arn: '" + arn + "' is not " + what);
}

}  // namespace

Error TypedError(const std::string& type, std::string message) {
  return Error{ErrorCode::kInvalidArgument, std::move(message), type};
}

Error WithType(Error error, const std::string& type) {
  if (error.type.empty()) error.type = type;
  return error;
}

HttpResponse ErrorAnswer(const Error& error) {
  HttpResponse response;
  response.status = error.code == ErrorCode::kInternal      ? 500
                    : error.code == ErrorCode::kUnavailable ? 503
                                                            : 400;
  response.content_type = "application/x-amz-json-1.0";
  std::string type = error.type.empty() ? DefaultType(error.code) : error.type;
  response.body = json{{"__type", type}, {"message", error.message}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
  response.headers["x-amzn-RequestId"] = NewUuid();
  return response;
}

HttpResponse OkAnswer(const json& body) {
  HttpResponse response;
  response.content_type = "application/x-amz-json-1.0";
  response.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  response.headers["x-amzn-RequestId"] = NewUuid();
  return response;
}

json EpochSeconds(TimestampMs ms) { return static_cast<double>(ms) / 1000.0; }

Error ConstraintError(const std::string& field, const std::string& value,
                      const std::string& constraint) {
  std::string shown = value.size() > 100 ? value.substr(0, 100) + "..." : value;
  return TypedError("ValidationException",
                    "1 validation error detected: Value '" + shown + "' at '" + field +
                        "' failed to satisfy constraint: Member must " + constraint);
}

const json* Params::Find(const char* name, bool required) {
  if (error_) return nullptr;
  auto it = body_.find(name);
  if (it == body_.end() || it->is_null()) {
    if (required) {
      error_ = ConstraintError(name, "null", "not be null");
    }
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> Params::String(const char* name, size_t min, size_t max, bool required) {
  const json* value = Find(name, required);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) {
    error_ = SerializationError(name, *value, "a string");
    return std::nullopt;
  }
  const std::string& text = value->get_ref<const std::string&>();
  if (text.size() < min) {
    error_ =
        ConstraintError(name, text, "have length greater than or equal to " + std::to_string(min));
    return std::nullopt;
  }
  if (text.size() > max) {
    error_ =
        ConstraintError(name, text, "have length less than or equal to " + std::to_string(max));
    return std::nullopt;
  }
  return text;
}

std::optional<int64_t> Params::Integer(const char* name, int64_t min, int64_t max) {
  const json* value = Find(name, false);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number_integer()) {
    error_ = SerializationError(name, *value, "an integer");
    return std::nullopt;
  }
  if (value->is_number_unsigned() && value->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    error_ = ConstraintError(name, value->dump(),
                             "have value less than or equal to " + std::to_string(max));
    return std::nullopt;
  }
  int64_t number = value->get<int64_t>();
  if (number < min) {
    error_ = ConstraintError(name, std::to_string(number),
                             "have value greater than or equal to " + std::to_string(min));
    return std::nullopt;
  }
  if (number > max) {
    error_ = ConstraintError(name, std::to_string(number),
                             "have value less than or equal to " + std::to_string(max));
    return std::nullopt;
  }
  return number;
}

std::optional<bool> Params::Boolean(const char* name) {
  const json* value = Find(name, false);
  if (value == nullptr) return std::nullopt;
  if (!value->is_boolean()) {
    error_ = SerializationError(name, *value, "a boolean");
    return std::nullopt;
  }
  return value->get<bool>();
}

std::optional<std::string> Params::Enum(const char* name, const std::vector<std::string>& values,
                                        bool required) {
  auto text = String(name, 0, SIZE_MAX, required);
  if (!text) return std::nullopt;
  if (std::find(values.begin(), values.end(), *text) == values.end()) {
    std::string set;
    for (const auto& v : values) set += (set.empty() ? "" : ", ") + v;
    error_ = ConstraintError(name, *text, "satisfy enum value set: [" + set + "]");
    return std::nullopt;
  }
  return text;
}

std::optional<json> Params::Object(const char* name) {
  const json* value = Find(name, false);
  if (value == nullptr) return std::nullopt;
  if (!value->is_object()) {
    error_ = SerializationError(name, *value, "an object");
    return std::nullopt;
  }
  return *value;
}

std::optional<json> Params::Array(const char* name, bool required) {
  const json* value = Find(name, required);
  if (value == nullptr) return std::nullopt;
  if (!value->is_array()) {
    error_ = SerializationError(name, *value, "an array");
    return std::nullopt;
  }
  return *value;
}

void Params::Fail(Error error) {
  if (!error_) error_ = std::move(error);
}

Status CheckResourceName(const std::string& name, const std::string& what) {
  auto invalid = [&](const std::string& why) {
    return TypedError("InvalidName", "Invalid " + what + " name '" + name + "': " + why);
  };
  if (name.empty() || name.size() > 80) return invalid("must be 1 to 80 characters long");
  static const std::string kForbidden = " <>{}[]?*\"#%\\^|~`$&,;:/";
  for (size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (c < 0x20 || c == 0x7f || kForbidden.find(static_cast<char>(c)) != std::string::npos) {
      return invalid("must not contain whitespace, brackets, wildcards, control characters or " +
                     kForbidden.substr(1));
    }
    // U+0080..U+009F (C1 controls) and U+00A0 / U+2000.. spaces are encoded from 0xC2.
    if (c == 0xc2 && i + 1 < name.size() && static_cast<unsigned char>(name[i + 1]) <= 0xa0) {
      return invalid("must not contain control characters or whitespace");
    }
  }
  return OkStatus();
}

Status CheckAliasName(const std::string& name) {
  bool has_non_digit = false;
  for (char c : name) {
    bool digit = c >= '0' && c <= '9';
    bool allowed = digit || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                   c == '-' || c == '.';
    if (!allowed) {
      return ConstraintError("name", name,
                             "satisfy regular expression pattern: "
                             "^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$");
    }
    has_non_digit = has_non_digit || !digit;
  }
  if (name.empty() || name.size() > 80 || !has_non_digit) {
    return ConstraintError("name", name,
                           "satisfy regular expression pattern: "
                           "^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$");
  }
  return OkStatus();
}

Status CheckJsonText(const std::string& text, const std::string& what, const std::string& type) {
  if (!json::accept(text)) return TypedError(type, "Invalid " + what + ": not a JSON text");
  return OkStatus();
}

std::string Arns::Prefix(const std::string& type) const {
  return "arn:aws:states:" + region_ + ":" + account_ + ":" + type + ":";
}
std::string Arns::StateMachine(const std::string& name) const {
  return Prefix("stateMachine") + name;
}
std::string Arns::Execution(const std::string& state_machine, const std::string& name) const {
  return Prefix("execution") + state_machine + ":" + name;
}
std::string Arns::Activity(const std::string& name) const { return Prefix("activity") + name; }

bool StateMachineArn::IsVersion() const { return AllDigits(qualifier); }

Result<StateMachineArn> ParseStateMachineArn(const std::string& arn) {
  std::string type, rest;
  if (!SplitStatesArn(arn, &type, &rest) || type != "stateMachine") {
    return InvalidArn(arn, "a state machine ARN");
  }
  StateMachineArn out;
  size_t colon = rest.find(':');
  out.name = rest.substr(0, colon);
  if (colon != std::string::npos) {
    out.qualifier = rest.substr(colon + 1);
    if (out.qualifier.empty() || out.qualifier.find(':') != std::string::npos) {
      return InvalidArn(arn, "a state machine ARN");
    }
  }
  if (out.name.empty()) return InvalidArn(arn, "a state machine ARN");
  out.base = arn.substr(0, arn.size() - rest.size()) + out.name;
  return out;
}

Status CheckExecutionArn(const std::string& arn) {
  std::string type, rest;
  size_t colon = std::string::npos;
  if (!SplitStatesArn(arn, &type, &rest) || type != "execution" ||
      (colon = rest.find(':')) == std::string::npos || colon == 0 || colon + 1 == rest.size()) {
    return InvalidArn(arn, "an execution ARN");
  }
  return OkStatus();
}

Status CheckActivityArn(const std::string& arn) {
  std::string type, rest;
  if (!SplitStatesArn(arn, &type, &rest) || type != "activity" ||
      rest.find(':') != std::string::npos) {
    return InvalidArn(arn, "an activity ARN");
  }
  return OkStatus();
}

Status CheckAnyArn(const std::string& arn, const std::string& field) {
  if (arn.rfind("arn:", 0) != 0 || std::count(arn.begin(), arn.end(), ':') < 5) {
    return TypedError("InvalidArn", "Invalid Arn: '" + arn + "' (" + field + ") is not an ARN");
  }
  return OkStatus();
}

Status MergeTags(const json& list, json& into) {
  for (const json& tag : list) {
    if (!tag.is_object()) return TypedError("SerializationException", "a tag must be an object");
    Params fields(tag);
    auto key = fields.String("key", 1, 128, true);
    auto value = fields.String("value", 0, 256, false);
    if (!fields.ok()) return fields.error();
    into[*key] = value.value_or("");
  }
  if (into.size() > 50) {
    return TypedError("TooManyTags", "a resource can have at most 50 tags");
  }
  return OkStatus();
}

json TagList(const json& tags) {
  json out = json::array();
  for (const auto& [key, value] : tags.items()) out.push_back({{"key", key}, {"value", value}});
  return out;
}

}  // namespace wfm::sfn
