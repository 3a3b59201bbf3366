// Errors as values: Error{code, message} and Result<T> (a T or an Error).
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace wfm {

// What went wrong, in terms the API maps to HTTP statuses (see HttpStatusOf in api/api.h).
enum class ErrorCode {
  kInvalidArgument,  // 400: the caller sent something malformed or inconsistent
  kNotFound,         // 404
  kAlreadyExists,    // 409: a create collided with an existing name
  kConflict,         // 409: the operation does not fit the current state (or a version race)
  kTooLarge,         // 413: the request is over a size limit
  kUnavailable,      // 503: a dependency (store, executor) cannot be reached right now
  kInternal,         // 500: a bug or an unexpected failure
  kUnimplemented,    // 501: this configuration can't do that (e.g. its executor lists nothing)
};

struct Error {
  ErrorCode code;
  std::string message;
  // Step Functions' name for the error (its "__type", e.g. "ExecutionDoesNotExist") when the code
  // alone does not say which one it is; empty otherwise.
  std::string type = {};
};

// Holds either a value or an Error. Accessing the wrong alternative is a programming error
// (std::bad_variant_access).
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  const Error& error() const { return std::get<Error>(v_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }

 private:
  std::variant<T, Error> v_;
};

// A Result without a value: success or an Error.
using Status = Result<std::monostate>;
inline Status OkStatus() { return Status(std::monostate{}); }

}  // namespace wfm
