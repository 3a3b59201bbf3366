// The Step Functions JSON 1.0 protocol's wire rules, shared by every operation: error answers,
// timestamps, reading and checking request fields against the service model's constraints,
// resource names and ARNs. Pure: no I/O. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/http_message.h"
#include "core/clock.h"
#include "core/result.h"

namespace wfm::sfn {

using nlohmann::json;

// An error named by its Step Functions shape (the answer's "__type"), as a client error.
Error TypedError(const std::string& type, std::string message);
// `error` with `type` as its Step Functions name unless it already has one.
Error WithType(Error error, const std::string& type);
// The HTTP answer for an error: {"__type": <name>, "message": ...} with status 400 for client
// errors, 500 (InternalFailure) for internal ones and 503 (ServiceUnavailable) when the store or
// engine can't be reached. The name is error.type, else one derived from the code.
HttpResponse ErrorAnswer(const Error& error);
// A 200 answer with `body` as application/x-amz-json-1.0.
HttpResponse OkAnswer(const json& body);

// Epoch seconds with milliseconds as fraction, as the protocol sends timestamps.
json EpochSeconds(TimestampMs ms);

// Reads a request's fields, checking their JSON types (SerializationException) and the model's
// constraints (ValidationException, with AWS's message form). The first error is kept and every
// later read answers a default; callers check error() once after reading.
class Params {
 public:
  explicit Params(const json& body) : body_(body) {}

  // A string of min..max bytes; absent (not required) gives nullopt.
  std::optional<std::string> String(const char* name, size_t min, size_t max, bool required);
  // An integer of min..max; absent gives nullopt.
  std::optional<int64_t> Integer(const char* name, int64_t min, int64_t max);
  std::optional<bool> Boolean(const char* name);
  // A string that must be one of `values`; absent (not required) gives nullopt.
  std::optional<std::string> Enum(const char* name, const std::vector<std::string>& values,
                                  bool required);
  // A JSON value of the given type (object or array), or nullopt when absent.
  std::optional<json> Object(const char* name);
  std::optional<json> Array(const char* name, bool required);
  // Records a failed constraint of the caller's own.
  void Fail(Error error);
  // The whole request.
  const json& body() const { return body_; }

  bool ok() const { return !error_.has_value(); }
  const Error& error() const { return *error_; }

 private:
  const json* Find(const char* name, bool required);
  const json& body_;
  std::optional<Error> error_;
};

// "1 validation error detected: Value '<value>' at '<field>' failed to satisfy constraint:
// Member must <constraint>" as ValidationException.
Error ConstraintError(const std::string& field, const std::string& value,
                      const std::string& constraint);

// Names of state machines, executions and activities: 1..80 characters, none of them whitespace,
// brackets, wildcards, control characters or any of "#%\^|~`$&,;:/. Errors: InvalidName.
Status CheckResourceName(const std::string& name, const std::string& what);
// Alias names (the model's CharacterRestrictedName: letters, digits, _ - . with at least one
// non-digit). Errors: ValidationException.
Status CheckAliasName(const std::string& name);
// A JSON text (an input or output). Errors: `type` with a message naming `what`.
Status CheckJsonText(const std::string& text, const std::string& what, const std::string& type);

// Tags as the API sends them ([{"key", "value"}], keys 1..128 and values 0..256 bytes) merged
// into `into` ({key: value}); more than 50 in all is TooManyTags. Errors: ValidationException,
// SerializationException, TooManyTags.
Status MergeTags(const json& list, json& into);
// {key: value} as the API's tag list.
json TagList(const json& tags);

// The ARNs of this region and account.
class Arns {
 public:
  Arns(std::string region, std::string account) : region_(region), account_(account) {}
  std::string StateMachine(const std::string& name) const;
  std::string Execution(const std::string& state_machine, const std::string& name) const;
  std::string Activity(const std::string& name) const;

 private:
  std::string Prefix(const std::string& type) const;
  std::string region_, account_;
};

// A state machine ARN taken apart: arn:<partition>:states:<region>:<account>:stateMachine:<name>
// with an optional ":<version>" (digits) or ":<alias>".
struct StateMachineArn {
  std::string base;  // without qualifier
  std::string name;
  std::string qualifier;  // "" when unqualified
  bool IsVersion() const;
  bool IsAlias() const { return !qualifier.empty() && !IsVersion(); }
};
// Errors: InvalidArn.
Result<StateMachineArn> ParseStateMachineArn(const std::string& arn);
// arn:...:execution:<stateMachine>:<name>. Errors: InvalidArn.
Status CheckExecutionArn(const std::string& arn);
// arn:...:activity:<name>. Errors: InvalidArn.
Status CheckActivityArn(const std::string& arn);
// A role or other ARN given by the caller: "arn:" and at least six ':'-separated parts.
// Errors: InvalidArn.
Status CheckAnyArn(const std::string& arn, const std::string& field);

}  // namespace wfm::sfn
