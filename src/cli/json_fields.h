// Reading fields of the service's answers, where "no value" is null (or the key absent): each
// reader gives its own "no value" for those and for a value of another type.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace wfm::cli {

// The string at `key`, or "" when it is absent, null, or not a string.
std::string TextField(const nlohmann::json& object, const char* key);

// The value at `key`, or a null value when `object` is not an object or has no such key.
const nlohmann::json& MemberOf(const nlohmann::json& object, const char* key);

// The number at `key` as an integer, or nullopt when it is absent, null, or not a number.
std::optional<int64_t> IntField(const nlohmann::json& object, const char* key);

}  // namespace wfm::cli
