#include "asl/retry.h"

#include <algorithm>
#include <cmath>

namespace wfm::asl {

namespace {

// The developer guide ("Error names"): States.ALL cannot catch the terminal States.Runtime and
// States.DataLimitExceeded; an ErrorEquals naming States.DataLimitExceeded does, while
// States.Runtime "isn't retriable, and will always cause the execution to fail".
bool IsTerminalError(const std::string& error) {
  return error == kStatesRuntime || error == kStatesDataLimitExceeded;
}

bool NameMatches(const std::string& name, const std::string& error, StateType state_type) {
  if (error == kStatesRuntime) return false;
  if (name == error) return true;
  if (IsTerminalError(error)) return false;
  if (name == kStatesAll) return true;
  // The developer guide: in a Task state's Retry or Catch, States.TaskFailed is a wildcard for
  // every error but States.Timeout.
  return name == kStatesTaskFailed && state_type == StateType::kTask && error != kStatesTimeout;
}

}  // namespace

bool ErrorMatches(const std::vector<std::string>& error_equals, const std::string& error,
                  StateType state_type) {
  return std::any_of(error_equals.begin(), error_equals.end(),
                     [&](const std::string& name) { return NameMatches(name, error, state_type); });
}

int MatchRetrier(const std::vector<Retrier>& retriers, const std::string& error,
                 StateType state_type) {
  for (size_t i = 0; i < retriers.size(); ++i) {
    if (ErrorMatches(retriers[i].error_equals, error, state_type)) return static_cast<int>(i);
  }
  return -1;
}

int MatchCatcher(const std::vector<Catcher>& catchers, const std::string& error,
                 StateType state_type) {
  for (size_t i = 0; i < catchers.size(); ++i) {
    if (ErrorMatches(catchers[i].error_equals, error, state_type)) return static_cast<int>(i);
  }
  return -1;
}

int64_t RetryDelayMs(const Retrier& retrier, int64_t retry, double random01) {
  // Computed in doubles and clamped before converting: huge BackoffRate^retry is +inf, never UB.
  double seconds =
      retrier.interval_seconds *
      std::pow(retrier.backoff_rate, static_cast<double>(std::max<int64_t>(retry, 1) - 1));
  if (retrier.max_delay_seconds)
    seconds = std::min(seconds, static_cast<double>(*retrier.max_delay_seconds));
  constexpr double kMaxSeconds =
      1e12;  // ~31,700 years: beyond any execution, far from int64 limits
  if (!(seconds < kMaxSeconds)) seconds = kMaxSeconds;
  if (seconds < 0) seconds = 0;
  if (retrier.full_jitter) seconds *= std::clamp(random01, 0.0, 1.0);
  return static_cast<int64_t>(std::llround(seconds * 1000.0));
}

}  // namespace wfm::asl
