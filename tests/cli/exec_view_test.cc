// What `wfm exec watch` shows of an execution, from its history events.
#include "cli/exec_view.h"

#include <gtest/gtest.h>

#include "cli/cli_error.h"

namespace wfm::cli {
namespace {

using Json = nlohmann::json;

constexpr double kStart = 1'795'826'600.0;  // 2026-11-28T00:43:20Z, in Step Functions' seconds

Json Entered(int id, const std::string& type, const std::string& name, double at) {
  return {{"id", id},
          {"type", type + "StateEntered"},
          {"timestamp", at},
          {"stateEnteredEventDetails", {{"name", name}, {"input", "{}"}}}};
}

Json Exited(int id, const std::string& type, const std::string& name, double at) {
  return {{"id", id},
          {"type", type + "StateExited"},
          {"timestamp", at},
          {"stateExitedEventDetails", {{"name", name}, {"output", "{}"}}}};
}

// A Pass then a Wait, as GetExecutionHistory answers while the Wait waits.
Json PassThenWait() {
  return Json::array({{{"id", 1},
                       {"type", "ExecutionStarted"},
                       {"timestamp", kStart},
                       {"executionStartedEventDetails", {{"input", "{}"}}}},
                      Entered(2, "Pass", "P", kStart),
                      Exited(3, "Pass", "P", kStart + 0.25),
                      Entered(4, "Wait", "W", kStart + 0.25)});
}

TEST(VisitsOf, FollowsEnteredAndExitedEvents) {
  auto visits = VisitsOf(PassThenWait(), "RUNNING");
  ASSERT_EQ(visits.size(), 2u);
  EXPECT_EQ(visits[0].name, "P");
  EXPECT_EQ(visits[0].type, "Pass");
  EXPECT_EQ(visits[0].status, "SUCCEEDED");
  EXPECT_EQ(visits[0].exited - visits[0].entered, 250);
  EXPECT_EQ(visits[1].name, "W");
  EXPECT_EQ(visits[1].type, "Wait");
  EXPECT_EQ(visits[1].status, "RUNNING");
  EXPECT_EQ(visits[1].exited, 0);
}

TEST(VisitsOf, AnOpenVisitTakesHowTheExecutionEnded) {
  Json events = PassThenWait();
  events.push_back({{"id", 5},
                    {"type", "ExecutionAborted"},
                    {"timestamp", kStart + 1},
                    {"executionAbortedEventDetails", {{"error", "Ops"}, {"cause", "by hand"}}}});
  auto visits = VisitsOf(events, "ABORTED");
  ASSERT_EQ(visits.size(), 2u);
  EXPECT_EQ(visits[1].status, "ABORTED");
  EXPECT_EQ(visits[1].reason, "Ops: by hand");
}

TEST(VisitsOf, TaskErrorsBecomeTheVisitsReason) {
  Json events = Json::array(
      {Entered(2, "Task", "T", kStart),
       {{"id", 3},
        {"type", "TaskFailed"},
        {"timestamp", kStart + 1},
        {"taskFailedEventDetails", {{"error", "States.TaskFailed"}, {"cause", "exit code 3"}}}},
       Entered(4, "Fail", "Stop", kStart + 2)});
  auto visits = VisitsOf(events, "FAILED");
  ASSERT_EQ(visits.size(), 2u);
  EXPECT_EQ(visits[0].status, "FAILED");
  EXPECT_EQ(visits[0].reason, "States.TaskFailed: exit code 3");
  EXPECT_EQ(visits[1].type, "Fail");
  EXPECT_EQ(visits[1].status, "FAILED");
}

TEST(RenderExecutionScreen, ShowsTheExecutionAndItsVisits) {
  Json execution = {{"executionArn", "arn:aws:states:us-east-1:1:execution:m:e"},
                    {"stateMachineArn", "arn:aws:states:us-east-1:1:stateMachine:m"},
                    {"status", "RUNNING"},
                    {"startDate", kStart}};
  EXPECT_EQ(RenderExecutionScreen(execution, PassThenWait(),
                                  static_cast<TimestampMs>(kStart * 1000) + 3000, false),
            "Execution:      arn:aws:states:us-east-1:1:execution:m:e\n"
            "State machine:  arn:aws:states:us-east-1:1:stateMachine:m\n"
            "Status:         RUNNING\n"
            "Elapsed:        3.0s\n"
            "\n"
            "STATE  TYPE  STATUS     ENTERED              DURATION  REASON\n"
            "P      Pass  SUCCEEDED  2026-11-28 00:43:20  0.2s\n"
            "W      Wait  RUNNING    2026-11-28 00:43:20  2.7s\n");
}

TEST(ExecutionEventLines, TellsEachStateEnteredAndLeftAndTheEnd) {
  Json events = PassThenWait();
  events.push_back(Exited(5, "Wait", "W", kStart + 2));
  events.push_back({{"id", 6},
                    {"type", "ExecutionSucceeded"},
                    {"timestamp", kStart + 2},
                    {"executionSucceededEventDetails", {{"output", "{}"}}}});
  EXPECT_EQ(ExecutionEventLines(events, 0),
            (std::vector<std::string>{"entered P (Pass)", "exited P", "entered W (Wait)",
                                      "exited W", "execution SUCCEEDED"}));
  EXPECT_EQ(ExecutionEventLines(events, 4),
            (std::vector<std::string>{"exited W", "execution SUCCEEDED"}));
  Json timed_out =
      Json::array({{{"id", 1},
                    {"type", "ExecutionTimedOut"},
                    {"executionTimedOutEventDetails", {{"error", "States.Timeout"}}}}});
  EXPECT_EQ(ExecutionEventLines(timed_out, 0),
            std::vector<std::string>{"execution TIMED_OUT: States.Timeout"});
}

TEST(ExecutionWatchExitCode, IsZeroOneOrTwo) {
  EXPECT_EQ(ExecutionWatchExitCode("SUCCEEDED"), kWatchSucceeded);
  EXPECT_EQ(ExecutionWatchExitCode("FAILED"), kWatchFailed);
  EXPECT_EQ(ExecutionWatchExitCode("TIMED_OUT"), kWatchFailed);
  EXPECT_EQ(ExecutionWatchExitCode("ABORTED"), kWatchCancelled);
  EXPECT_FALSE(IsExecutionFinished("RUNNING"));
  EXPECT_FALSE(IsExecutionFinished("PENDING_REDRIVE"));
  EXPECT_TRUE(IsExecutionFinished("TIMED_OUT"));
}

}  // namespace
}  // namespace wfm::cli
