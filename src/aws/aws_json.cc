#include "aws/aws_json.h"

#include <cmath>

namespace wfm {
namespace {

using nlohmann::json;

// The field, or nullptr when `object` is not an object or lacks it, or it is null.
const json* Field(const json& object, const char* field) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(field);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

Error WrongField(const char* field, const std::string& why) {
  return Error{ErrorCode::kInternal, std::string("field '") + field + "' " + why};
}

}  // namespace

Result<std::string> ReadString(const json& object, const char* field) {
  const json* value = Field(object, field);
  if (value == nullptr) return std::string();
  if (!value->is_string()) return WrongField(field, "is not a string");
  return value->get<std::string>();
}

Result<std::optional<int64_t>> ReadInteger(const json& object, const char* field, int64_t min,
                                           int64_t max) {
  const json* value = Field(object, field);
  if (value == nullptr) return std::optional<int64_t>();
  Error out_of_range = WrongField(
      field, "is out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  if (value->is_number_unsigned()) {
    uint64_t number = value->get<uint64_t>();
    if (number > static_cast<uint64_t>(max)) return out_of_range;
    return std::optional<int64_t>(static_cast<int64_t>(number));
  }
  if (value->is_number_integer()) {
    int64_t number = value->get<int64_t>();
    if (number < min || number > max) return out_of_range;
    return std::optional<int64_t>(number);
  }
  if (value->is_number_float()) {
    // A whole number written with an exponent (1.7e12) is still an integer; the range is checked
    // on the double before any conversion, which is undefined out of range.
    double number = value->get<double>();
    if (!std::isfinite(number) || number != std::trunc(number)) {
      return WrongField(field, "is not a whole number");
    }
    if (number < static_cast<double>(min) || number >= std::ldexp(1.0, 63) ||
        number > static_cast<double>(max)) {
      return out_of_range;
    }
    return std::optional<int64_t>(static_cast<int64_t>(number));
  }
  return WrongField(field, "is not a number");
}

Result<const json*> ReadArray(const json& object, const char* field) {
  static const json kEmpty = json::array();
  const json* value = Field(object, field);
  if (value == nullptr) return &kEmpty;
  if (!value->is_array()) return WrongField(field, "is not an array");
  return value;
}

Result<const json*> ReadObject(const json& object, const char* field) {
  const json* value = Field(object, field);
  if (value == nullptr) return static_cast<const json*>(nullptr);
  if (!value->is_object()) return WrongField(field, "is not an object");
  return value;
}

std::string StringOrEmpty(const json& object, const char* field) {
  const json* value = Field(object, field);
  return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

}  // namespace wfm
