// Typed, range-checked reads of the fields of an AWS JSON answer. An AWS answer is not trusted:
// a field of the wrong type or a number out of range is an error value (kInternal, naming the
// field), never an exception. An absent or null field reads as its empty value. Pure functions,
// thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/result.h"

namespace wfm {

// `object[field]` as a string; "" when absent or null. Errors: kInternal when not a string.
Result<std::string> ReadString(const nlohmann::json& object, const char* field);

// `object[field]` as an integer in [min, max] (a number with a fraction is refused); nullopt when
// absent or null. Errors: kInternal when not a number, not whole, or out of range.
Result<std::optional<int64_t>> ReadInteger(const nlohmann::json& object, const char* field,
                                           int64_t min, int64_t max);

// `object[field]` as an array (borrowed from `object`); an empty array when absent or null.
// Errors: kInternal when not an array.
Result<const nlohmann::json*> ReadArray(const nlohmann::json& object, const char* field);

// `object[field]` as an object (borrowed from `object`); nullptr when absent or null.
// Errors: kInternal when not an object.
Result<const nlohmann::json*> ReadObject(const nlohmann::json& object, const char* field);

// `object[field]` as a string when it is one, else "" (for optional text such as an error
// message, where a wrong type must not hide the rest of the answer).
std::string StringOrEmpty(const nlohmann::json& object, const char* field);

}  // namespace wfm
