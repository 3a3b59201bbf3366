#include "asl/retry.h"

#include <gtest/gtest.h>

namespace wfm::asl {
namespace {

struct MatchCase {
  std::vector<std::string> error_equals;
  std::string error;
  StateType state_type;
  bool matches;
};

class ErrorMatchesTest : public testing::TestWithParam<MatchCase> {};

TEST_P(ErrorMatchesTest, MatchesAsTheGuideSays) {
  const MatchCase& c = GetParam();
  EXPECT_EQ(ErrorMatches(c.error_equals, c.error, c.state_type), c.matches)
      << "error " << c.error << " against " << testing::PrintToString(c.error_equals);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ErrorMatchesTest,
    testing::Values(
        MatchCase{{"MyError"}, "MyError", StateType::kTask, true},
        MatchCase{{"MyError"}, "myerror", StateType::kTask, false},  // names are case-sensitive
        MatchCase{{"A", "B"}, "B", StateType::kTask, true},
        MatchCase{{"A", "B"}, "C", StateType::kTask, false},
        MatchCase{{"States.ALL"}, "MyError", StateType::kTask, true},
        MatchCase{{"States.ALL"}, "States.Timeout", StateType::kTask, true},
        MatchCase{{"States.ALL"}, "States.TaskFailed", StateType::kParallel, true},
        MatchCase{{"States.ALL"}, "States.BranchFailed", StateType::kParallel, true},
        // The developer guide: States.ALL cannot catch the terminal States.Runtime and
        // States.DataLimitExceeded ...
        MatchCase{{"States.ALL"}, "States.Runtime", StateType::kTask, false},
        MatchCase{{"States.ALL"}, "States.DataLimitExceeded", StateType::kTask, false},
        // ... while naming States.DataLimitExceeded exactly does; States.Runtime "will always
        // cause the execution to fail".
        MatchCase{{"States.Runtime"}, "States.Runtime", StateType::kTask, false},
        MatchCase{{"States.DataLimitExceeded"}, "States.DataLimitExceeded", StateType::kMap, true},
        // States.TaskFailed in a Task state is a wildcard for all but States.Timeout (the guide;
        // aws-local-stepfunctions does the same).
        MatchCase{{"States.TaskFailed"}, "States.TaskFailed", StateType::kTask, true},
        MatchCase{{"States.TaskFailed"}, "Lambda.Unknown", StateType::kTask, true},
        MatchCase{{"States.TaskFailed"}, "States.HeartbeatTimeout", StateType::kTask, true},
        MatchCase{{"States.TaskFailed"}, "States.Timeout", StateType::kTask, false},
        MatchCase{{"States.TaskFailed"}, "States.Runtime", StateType::kTask, false},
        MatchCase{{"States.TaskFailed"}, "MyError", StateType::kParallel, false},
        MatchCase{{"States.TaskFailed"}, "States.TaskFailed", StateType::kParallel, true},
        MatchCase{{}, "MyError", StateType::kTask, false}));

Retrier MakeRetrier(std::vector<std::string> errors) {
  Retrier retrier;
  retrier.error_equals = std::move(errors);
  return retrier;
}

TEST(MatchRetrier, FirstMatchingRetrierInOrder) {
  std::vector<Retrier> retriers = {MakeRetrier({"A"}), MakeRetrier({"B", "A"}),
                                   MakeRetrier({"States.ALL"})};
  EXPECT_EQ(MatchRetrier(retriers, "A"), 0);
  EXPECT_EQ(MatchRetrier(retriers, "B"), 1);
  EXPECT_EQ(MatchRetrier(retriers, "Z"), 2);
  EXPECT_EQ(MatchRetrier(retriers, "States.Runtime"), -1);
  EXPECT_EQ(MatchRetrier({}, "A"), -1);
}

TEST(MatchCatcher, FirstMatchingCatcherInOrder) {
  Catcher a{{"A"}, "HandleA", {}, {}};
  Catcher all{{"States.ALL"}, "HandleAll", {}, {}};
  std::vector<Catcher> catchers = {a, all};
  EXPECT_EQ(MatchCatcher(catchers, "A"), 0);
  EXPECT_EQ(MatchCatcher(catchers, "States.Timeout"), 1);
  EXPECT_EQ(MatchCatcher(catchers, "States.DataLimitExceeded"), -1);
  EXPECT_EQ(MatchCatcher({}, "A"), -1);
}

struct DelayCase {
  double interval;
  double backoff;
  std::optional<int64_t> max_delay;
  bool jitter;
  int64_t retry;
  double random01;
  int64_t expected_ms;
};

class RetryDelayTest : public testing::TestWithParam<DelayCase> {};

TEST_P(RetryDelayTest, BackoffCapAndJitter) {
  const DelayCase& c = GetParam();
  Retrier retrier;
  retrier.interval_seconds = c.interval;
  retrier.backoff_rate = c.backoff;
  retrier.max_delay_seconds = c.max_delay;
  retrier.full_jitter = c.jitter;
  EXPECT_EQ(RetryDelayMs(retrier, c.retry, c.random01), c.expected_ms);
}

INSTANTIATE_TEST_SUITE_P(
    Table, RetryDelayTest,
    testing::Values(
        DelayCase{1, 2.0, std::nullopt, false, 1, 0, 1000},  // defaults: 1 s, then doubling
        DelayCase{1, 2.0, std::nullopt, false, 2, 0, 2000},
        DelayCase{1, 2.0, std::nullopt, false, 3, 0, 4000},
        DelayCase{3, 1.5, std::nullopt, false, 3, 0, 6750},  // 3 * 1.5^2
        DelayCase{2, 1.0, std::nullopt, false, 10, 0, 2000},
        DelayCase{1, 2.0, 5, false, 4, 0, 5000},                // 8 s capped at MaxDelaySeconds 5
        DelayCase{1, 2.0, 5, false, 2, 0, 2000},                // under the cap
        DelayCase{10, 2.0, std::nullopt, true, 2, 0.5, 10000},  // FULL: uniform in [0, 20 s]
        DelayCase{10, 2.0, std::nullopt, true, 2, 0.0, 0},
        DelayCase{10, 2.0, 15, true, 2, 0.5, 7500},  // jitter applies to the capped delay
        // Huge exponents neither overflow nor go negative.
        DelayCase{99999999, 99999999.0, std::nullopt, false, 99999999, 0, 1000000000000000},
        DelayCase{99999999, 99999999.0, 31622400, false, 99999999, 0, 31622400000}));

}  // namespace
}  // namespace wfm::asl
