// Error handling rules: which Retrier or Catcher applies to an error name, and how long to wait
// before a retry. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "asl/definition.h"

namespace wfm::asl {

// True when an ErrorEquals list names `error`: by exact name, or "States.ALL" (which matches
// every error, except where the developer guide says it does not: States.Runtime and
// States.DataLimitExceeded are terminal and only an exact name matches them), or, in a Task
// state's lists (`state_type`), "States.TaskFailed", a wildcard for every error but
// States.Timeout (and the two terminal ones).
bool ErrorMatches(const std::vector<std::string>& error_equals, const std::string& error,
                  StateType state_type = StateType::kTask);

// The index of the first retrier that matches `error`, or -1. The interpreter uses that retrier
// even when its MaxAttempts are spent (later retriers are not consulted).
int MatchRetrier(const std::vector<Retrier>& retriers, const std::string& error,
                 StateType state_type = StateType::kTask);
// The index of the first catcher that matches `error`, or -1.
int MatchCatcher(const std::vector<Catcher>& catchers, const std::string& error,
                 StateType state_type = StateType::kTask);

// Milliseconds to wait before retry number `retry` (1 for the first retry) of `retrier`:
// IntervalSeconds * BackoffRate^(retry-1), capped by MaxDelaySeconds; with full jitter a uniform
// draw in [0, that] using `random01` in [0, 1).
int64_t RetryDelayMs(const Retrier& retrier, int64_t retry, double random01);

}  // namespace wfm::asl
