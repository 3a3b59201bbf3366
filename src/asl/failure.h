// A States Language failure (an error name such as "States.Runtime" and a cause), and Outcome<T>:
// a value or such a failure. The interpreter turns failures into Retry/Catch decisions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <variant>

namespace wfm::asl {

// Objects keep their members in the order they came (as JSON.stringify and Step Functions do):
// States.JsonToString, States.Hash and every output show them so.
using Json = nlohmann::ordered_json;

// Predefined error names (States Language specification, "Errors").
inline constexpr const char* kStatesAll = "States.ALL";
inline constexpr const char* kStatesTaskFailed = "States.TaskFailed";
inline constexpr const char* kStatesTimeout = "States.Timeout";
inline constexpr const char* kStatesHeartbeatTimeout = "States.HeartbeatTimeout";
inline constexpr const char* kStatesRuntime = "States.Runtime";
inline constexpr const char* kStatesDataLimitExceeded = "States.DataLimitExceeded";
inline constexpr const char* kStatesBranchFailed = "States.BranchFailed";
inline constexpr const char* kStatesNoChoiceMatched = "States.NoChoiceMatched";
inline constexpr const char* kStatesParameterPathFailure = "States.ParameterPathFailure";
inline constexpr const char* kStatesResultPathMatchFailure = "States.ResultPathMatchFailure";
inline constexpr const char* kStatesIntrinsicFailure = "States.IntrinsicFailure";
inline constexpr const char* kStatesExceedToleratedFailureThreshold =
    "States.ExceedToleratedFailureThreshold";
inline constexpr const char* kStatesItemReaderFailed = "States.ItemReaderFailed";

struct Failure {
  std::string error;  // e.g. "States.Runtime" or a task's own error name
  std::string cause;  // human-readable; may be a JSON text (task failures)
};

// Either a T or a Failure. Accessing the wrong alternative throws std::bad_variant_access.
template <typename T>
class Outcome {
 public:
  Outcome(T value) : v_(std::move(value)) {}            // NOLINT: implicit by design
  Outcome(Failure failure) : v_(std::move(failure)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  const Failure& failure() const { return std::get<Failure>(v_); }

 private:
  std::variant<T, Failure> v_;
};

}  // namespace wfm::asl
