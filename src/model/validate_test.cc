#include "model/validate.h"

#include <gtest/gtest.h>

#include "model/requests.h"

namespace wfm {
namespace {

// A valid three-state chain; tests break one rule at a time.
std::string Chain(const std::string& states_override = "", const std::string& start = "a") {
  std::string states = states_override.empty()
                           ? R"([{"name":"a","type":"Task","resource":"r:1","next":"b"},
                                {"name":"b","type":"Task","resource":"r","next":"c"},
                                {"name":"c","type":"Task","resource":"r:2","end":true}])"
                           : states_override;
  return R"({"name":"wf","startAt":")" + start + R"(","states":)" + states + "}";
}

std::string ErrorOf(const std::string& body) {
  auto result = ParseWorkflowDefinition(body, RequestLimits{});
  EXPECT_FALSE(result.ok()) << body;
  if (result.ok()) return "";
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
  return result.error().message;
}

TEST(ValidateWorkflow, AcceptsAChain) {
  auto result = ParseWorkflowDefinition(Chain(), RequestLimits{});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->states.size(), 3u);
  EXPECT_EQ(result->DependenciesOf("b"), std::vector<std::string>{"a"});
  EXPECT_TRUE(result->DependenciesOf("a").empty());
}

TEST(ValidateWorkflow, RejectsBadJson) {
  EXPECT_EQ(ErrorOf("{not json"), "the body is not valid JSON");
  EXPECT_EQ(ErrorOf("[1,2]"), "the body must be a JSON object");
}

TEST(ValidateWorkflow, RejectsWrongTypes) {
  EXPECT_EQ(ErrorOf(R"({"name":5,"startAt":"a","states":[]})"), "'name' must be a string");
  EXPECT_EQ(ErrorOf(R"({"name":"wf","startAt":"a","states":{}})"), "'states' must be an array");
  EXPECT_EQ(ErrorOf(Chain(R"([{"name":"a","type":"Task","resource":"r","end":"yes"}])")),
            "'states[0].end' must be a boolean");
  EXPECT_EQ(ErrorOf(Chain(R"([{"name":"a","type":"Task","resource":7,"end":true}])")),
            "'states[0].resource' must be a string");
  EXPECT_EQ(ErrorOf(Chain(R"([42])")), "'states[0]' must be an object");
}

TEST(ValidateWorkflow, RejectsMissingName) {
  EXPECT_EQ(ErrorOf(R"({"startAt":"a","states":[]})"), "'name' is required");
  EXPECT_NE(ErrorOf(R"({"name":"has space","startAt":"a","states":[]})").find("name 'has space'"),
            std::string::npos);
}

TEST(ValidateWorkflow, RejectsNoStates) {
  EXPECT_EQ(ErrorOf(R"({"name":"wf","startAt":"a","states":[]})"),
            "'states' must contain at least one state");
  EXPECT_EQ(ErrorOf(R"({"name":"wf","startAt":"a"})"), "'states' must contain at least one state");
}

TEST(ValidateWorkflow, RejectsDuplicateStateNames) {
  EXPECT_EQ(ErrorOf(Chain(R"([{"name":"a","type":"Task","resource":"r","next":"a"},
                             {"name":"a","type":"Task","resource":"r","end":true}])")),
            "duplicate state name 'a'");
}

TEST(ValidateWorkflow, RejectsUnknownStartAt) {
  EXPECT_EQ(ErrorOf(Chain("", "zzz")), "startAt 'zzz' is not a state");
  EXPECT_EQ(ErrorOf(Chain("", "")), "'startAt' is required");
}

TEST(ValidateWorkflow, RejectsNextToUnknownState) {
  EXPECT_EQ(ErrorOf(Chain(R"([{"name":"a","type":"Task","resource":"r","next":"nope"}])")),
            "state 'a': next 'nope' is not a state");
}

TEST(ValidateWorkflow, RejectsEndWithNext) {
  EXPECT_EQ(ErrorOf(Chain(R"([{"name":"a","type":"Task","resource":"r","next":"b","end":true},
                             {"name":"b","type":"Task","resource":"r","end":true}])")),
            "state 'a': has both 'end' and 'next'");
}

TEST(ValidateWorkflow, RejectsNeitherEndNorNext) {
  EXPECT_EQ(ErrorOf(Chain(R"([{"name":"a","type":"Task","resource":"r"}])")),
            "state 'a': needs either 'next' or 'end': true");
}

TEST(ValidateWorkflow, RejectsCycle) {
  EXPECT_EQ(ErrorOf(Chain(R"([{"name":"a","type":"Task","resource":"r","next":"b"},
                             {"name":"b","type":"Task","resource":"r","next":"c"},
                             {"name":"c","type":"Task","resource":"r","next":"b"}])")),
            "cycle: b -> c -> b");
}

TEST(ValidateWorkflow, RejectsUnreachableState) {
  EXPECT_EQ(ErrorOf(Chain(R"([{"name":"a","type":"Task","resource":"r","end":true},
                             {"name":"b","type":"Task","resource":"r","end":true}])")),
            "state 'b' is not reachable from startAt 'a'");
}

TEST(ValidateWorkflow, RejectsOtherTypes) {
  EXPECT_EQ(ErrorOf(Chain(R"([{"name":"a","type":"Pass","resource":"r","end":true}])")),
            "state 'a': type 'Pass' is not supported (only 'Task')");
  EXPECT_EQ(ErrorOf(Chain(R"([{"name":"a","resource":"r","end":true}])")),
            "state 'a': type '' is not supported (only 'Task')");
}

TEST(ValidateWorkflow, RejectsBadResources) {
  for (const char* bad : {"", "a:", ":1", "a:0", "a:-1", "a:1:2", "a b", "a:x", "a/b"}) {
    std::string states =
        std::string(R"([{"name":"a","type":"Task","resource":")") + bad + R"(","end":true}])";
    std::string message = ErrorOf(Chain(states));
    EXPECT_NE(message.find("resource"), std::string::npos) << bad << ": " << message;
  }
  EXPECT_TRUE(IsValidResource("echo"));
  EXPECT_TRUE(IsValidResource("my_job-def:12"));
}

TEST(StartJobRequest, ParsesAndRejects) {
  auto ok = ParseStartJobRequest(R"({"workflow":{"name":"wf","revision":0},"data":["a",1]})",
                                 RequestLimits{});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->workflow_name, "wf");
  EXPECT_EQ(ok->revision, 0);
  EXPECT_EQ(ok->data_json, R"(["a",1])");
  auto latest = ParseStartJobRequest(R"({"workflow":{"name":"wf"}})", RequestLimits{});
  ASSERT_TRUE(latest.ok());
  EXPECT_LT(latest->revision, 0);
  EXPECT_EQ(latest->data_json, "[]");
  EXPECT_EQ(ParseStartJobRequest("{", RequestLimits{}).error().message,
            "the body is not valid JSON");
  EXPECT_EQ(ParseStartJobRequest("{}", RequestLimits{}).error().message, "'workflow' is required");
  EXPECT_EQ(ParseStartJobRequest(R"({"workflow":{}})", RequestLimits{}).error().message,
            "'workflow.name' is required");
  EXPECT_EQ(ParseStartJobRequest(R"({"workflow":{"name":1}})", RequestLimits{}).error().message,
            "'workflow.name' must be a string");
  EXPECT_EQ(ParseStartJobRequest(R"({"workflow":{"name":"a","revision":"1"}})", RequestLimits{})
                .error()
                .message,
            "'workflow.revision' must be an integer");
  EXPECT_EQ(ParseStartJobRequest(R"({"workflow":{"name":"a"},"data":"x"})", RequestLimits{})
                .error()
                .message,
            "'data' must be an array");
}

TEST(StartJobRequest, RefusesARevisionOutOfRange) {
  EXPECT_EQ(ParseStartJobRequest(R"({"workflow":{"name":"a","revision":18446744073709551615}})",
                                 RequestLimits{})
                .error()
                .message,
            "'workflow.revision' must be an integer");
}

TEST(ValidateWorkflow, FindsACycleInALongChainOnce) {
  std::string states = "[";
  for (int i = 0; i < 5000; ++i) {
    states += std::string(i ? "," : "") + R"({"name":"s)" + std::to_string(i) +
              R"(","type":"Task","resource":"r","next":"s)" + std::to_string(i + 1) + "\"}";
  }
  states += R"(,{"name":"s5000","type":"Task","resource":"r","next":"s4999"}])";
  RequestLimits limits;
  limits.max_states = 10000;
  auto result = ParseWorkflowDefinition(Chain(states, "s0"), limits);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message, "cycle: s4999 -> s5000 -> s4999");
  EXPECT_NE(ErrorOf(Chain(states, "s0")).find("at most 1000"), std::string::npos);
}

TEST(CancelReason, ParsesAndRejects) {
  EXPECT_EQ(ParseCancelReason(R"({"reason":"why"})", RequestLimits{}).value(), "why");
  EXPECT_EQ(ParseCancelReason("", RequestLimits{}).value(), "");
  EXPECT_EQ(ParseCancelReason(R"({"reason":3})", RequestLimits{}).error().message,
            "'reason' must be a string");
  EXPECT_FALSE(ParseCancelReason("nope", RequestLimits{}).ok());
}

}  // namespace
}  // namespace wfm
