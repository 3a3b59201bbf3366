#include "asl/definition.h"

#include <gtest/gtest.h>

namespace wfm::asl {
namespace {

std::shared_ptr<const StateMachine> MustParse(const std::string& text) {
  auto machine = ParseDefinition(text);
  if (!machine.ok()) ADD_FAILURE() << machine.error().message;
  return machine.ok() ? *machine : std::make_shared<const StateMachine>();
}

TEST(ParseDefinition, TopLevelFields) {
  auto machine = MustParse(R"({"Comment": "hello", "StartAt": "A", "TimeoutSeconds": 60,
      "States": {"A": {"Type": "Pass", "Comment": "first", "Next": "B"},
                 "B": {"Type": "Succeed"}}})");
  EXPECT_EQ(machine->start_at, "A");
  EXPECT_EQ(machine->comment, "hello");
  EXPECT_EQ(machine->timeout_seconds, 60);
  ASSERT_EQ(machine->states.size(), 2u);
  const State* a = machine->Find("A");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->name, "A");
  EXPECT_EQ(a->type, StateType::kPass);
  EXPECT_EQ(a->comment, "first");
  EXPECT_EQ(a->next, "B");
  EXPECT_FALSE(a->end);
  EXPECT_EQ(machine->Find("B")->type, StateType::kSucceed);
  EXPECT_EQ(machine->Find("C"), nullptr);
}

TEST(ParseDefinition, PathFieldsDefaultNullOrPath) {
  auto machine = MustParse(R"({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true,
      "InputPath": null, "OutputPath": "$.out"}}})");
  const State* a = machine->Find("A");
  EXPECT_EQ(a->input_path.kind, PathField::Kind::kNull);
  EXPECT_EQ(a->output_path.kind, PathField::Kind::kPath);
  EXPECT_EQ(a->output_path.path, "$.out");
  EXPECT_EQ(a->result_path.kind, PathField::Kind::kDefault);
  EXPECT_TRUE(a->end);
  EXPECT_FALSE(a->parameters.has_value());
  EXPECT_FALSE(a->result.has_value());
  EXPECT_TRUE(a->assign.is_null());
}

TEST(ParseDefinition, TaskWithRetryCatchAndTimeouts) {
  auto machine = MustParse(R"({"StartAt": "T", "States": {
      "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f", "Payload.$": "$"},
            "ResultSelector": {"body.$": "$.Payload"}, "ResultPath": "$.r",
            "TimeoutSeconds": 30, "HeartbeatSecondsPath": "$.hb",
            "Assign": {"x.$": "$.a"},
            "Retry": [{"ErrorEquals": ["A", "B"]},
                      {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 3, "MaxAttempts": 0,
                       "BackoffRate": 1.5, "MaxDelaySeconds": 20, "JitterStrategy": "FULL"}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handle", "ResultPath": "$.err",
                       "Assign": {"failed": true}}],
            "End": true},
      "Handle": {"Type": "Fail", "Error": "E", "Cause": "C"}}})");
  const State* t = machine->Find("T");
  EXPECT_EQ(t->type, StateType::kTask);
  EXPECT_EQ(t->resource, "arn:aws:states:::lambda:invoke");
  ASSERT_TRUE(t->parameters.has_value());
  EXPECT_EQ((*t->parameters)["Payload.$"], "$");
  ASSERT_TRUE(t->result_selector.has_value());
  EXPECT_EQ(t->result_path.path, "$.r");
  EXPECT_EQ(t->timeout_seconds, 30);
  EXPECT_FALSE(t->heartbeat_seconds.has_value());
  EXPECT_EQ(t->heartbeat_seconds_path, "$.hb");
  EXPECT_EQ(t->assign, Json({{"x.$", "$.a"}}));
  ASSERT_EQ(t->retry.size(), 2u);
  // Defaults of the specification.
  EXPECT_EQ(t->retry[0].error_equals, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(t->retry[0].interval_seconds, 1);
  EXPECT_EQ(t->retry[0].max_attempts, 3);
  EXPECT_EQ(t->retry[0].backoff_rate, 2.0);
  EXPECT_FALSE(t->retry[0].max_delay_seconds.has_value());
  EXPECT_FALSE(t->retry[0].full_jitter);
  EXPECT_EQ(t->retry[1].interval_seconds, 3);
  EXPECT_EQ(t->retry[1].max_attempts, 0);
  EXPECT_EQ(t->retry[1].backoff_rate, 1.5);
  EXPECT_EQ(t->retry[1].max_delay_seconds, 20);
  EXPECT_TRUE(t->retry[1].full_jitter);
  ASSERT_EQ(t->catchers.size(), 1u);
  EXPECT_EQ(t->catchers[0].next, "Handle");
  EXPECT_EQ(t->catchers[0].result_path.kind, PathField::Kind::kPath);
  EXPECT_EQ(t->catchers[0].result_path.path, "$.err");
  EXPECT_EQ(t->catchers[0].assign, Json({{"failed", true}}));
  const State* handle = machine->Find("Handle");
  EXPECT_EQ(handle->error, "E");
  EXPECT_EQ(handle->cause, "C");
}

TEST(ParseDefinition, ChoiceRulesAsATree) {
  auto machine = MustParse(R"({"StartAt": "C", "States": {
      "C": {"Type": "Choice", "Default": "D", "Choices": [
        {"Variable": "$.n", "NumericLessThanEqualsPath": "$.m", "Next": "D",
         "Assign": {"low": true}},
        {"And": [{"Variable": "$.a", "IsPresent": true},
                 {"Not": {"Variable": "$.a", "StringEquals": "x"}}], "Next": "D"}]},
      "D": {"Type": "Succeed"}}})");
  const State* c = machine->Find("C");
  EXPECT_EQ(c->default_next, "D");
  EXPECT_TRUE(c->next.empty());
  ASSERT_EQ(c->choices.size(), 2u);
  const ChoiceRule& first = c->choices[0];
  EXPECT_EQ(first.kind, ChoiceRule::Kind::kComparison);
  EXPECT_EQ(first.variable, "$.n");
  EXPECT_EQ(first.op, "NumericLessThanEqualsPath");
  EXPECT_EQ(first.operand, "$.m");
  EXPECT_EQ(first.next, "D");
  EXPECT_EQ(first.assign, Json({{"low", true}}));
  const ChoiceRule& second = c->choices[1];
  EXPECT_EQ(second.kind, ChoiceRule::Kind::kAnd);
  ASSERT_EQ(second.children.size(), 2u);
  EXPECT_EQ(second.children[0].op, "IsPresent");
  EXPECT_EQ(second.children[0].operand, true);
  EXPECT_EQ(second.children[1].kind, ChoiceRule::Kind::kNot);
  ASSERT_EQ(second.children[1].children.size(), 1u);
  EXPECT_EQ(second.children[1].children[0].op, "StringEquals");
  EXPECT_EQ(second.children[1].children[0].operand, "x");
  EXPECT_TRUE(second.children[0].next.empty());
}

TEST(ParseDefinition, WaitFields) {
  auto machine = MustParse(R"({"StartAt": "W1", "States": {
      "W1": {"Type": "Wait", "Seconds": 10, "Next": "W2"},
      "W2": {"Type": "Wait", "Timestamp": "2016-03-14T01:59:00Z", "Next": "W3"},
      "W3": {"Type": "Wait", "SecondsPath": "$.s", "Next": "W4"},
      "W4": {"Type": "Wait", "TimestampPath": "$.t", "End": true}}})");
  EXPECT_EQ(machine->Find("W1")->seconds, 10.0);
  EXPECT_EQ(machine->Find("W2")->timestamp, "2016-03-14T01:59:00Z");
  EXPECT_FALSE(machine->Find("W2")->seconds.has_value());
  EXPECT_EQ(machine->Find("W3")->seconds_path, "$.s");
  EXPECT_EQ(machine->Find("W4")->timestamp_path, "$.t");
}

TEST(ParseDefinition, FailPaths) {
  auto machine = MustParse(R"json({"StartAt": "F", "States": {"F": {"Type": "Fail",
      "ErrorPath": "$.e", "CausePath": "States.Format('{}', $.c)"}}})json");
  EXPECT_EQ(machine->Find("F")->error_path, "$.e");
  EXPECT_EQ(machine->Find("F")->cause_path, "States.Format('{}', $.c)");
}

TEST(ParseDefinition, ParallelBranchesRecursively) {
  auto machine = MustParse(R"({"StartAt": "P", "States": {
      "P": {"Type": "Parallel", "End": true, "Parameters": {"x.$": "$.x"},
            "Branches": [
              {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}},
              {"StartAt": "B", "States": {"B": {"Type": "Parallel", "End": true, "Branches": [
                 {"StartAt": "C", "States": {"C": {"Type": "Succeed"}}}]}}}]}}})");
  const State* p = machine->Find("P");
  ASSERT_TRUE(p->parameters.has_value());
  ASSERT_EQ(p->branches.size(), 2u);
  EXPECT_EQ(p->branches[0]->start_at, "A");
  const State* b = p->branches[1]->Find("B");
  ASSERT_NE(b, nullptr);
  ASSERT_EQ(b->branches.size(), 1u);
  EXPECT_EQ(b->branches[0]->Find("C")->type, StateType::kSucceed);
  EXPECT_EQ(machine->Find("A"), nullptr);  // branch states are not top-level states
}

TEST(ParseDefinition, MapCurrentFields) {
  auto machine = MustParse(R"({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
      "ItemsPath": "$.items", "ItemSelector": {"v.$": "$$.Map.Item.Value"},
      "MaxConcurrency": 4, "ToleratedFailurePercentage": 12.5, "ToleratedFailureCountPath": "$.c",
      "ItemBatcher": {"MaxItemsPerBatch": 2},
      "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "I",
                        "States": {"I": {"Type": "Pass", "End": true}}}}}})");
  const State* m = machine->Find("M");
  EXPECT_EQ(m->items_path.path, "$.items");
  ASSERT_TRUE(m->item_selector.has_value());
  EXPECT_EQ((*m->item_selector)["v.$"], "$$.Map.Item.Value");
  EXPECT_FALSE(m->parameters.has_value());
  EXPECT_EQ(m->max_concurrency, 4);
  EXPECT_EQ(m->tolerated_failure_percentage, 12.5);
  EXPECT_EQ(m->tolerated_failure_count_path, "$.c");
  EXPECT_FALSE(m->tolerated_failure_count.has_value());
  ASSERT_TRUE(m->item_batcher.has_value());
  EXPECT_EQ((*m->item_batcher)["MaxItemsPerBatch"], 2);
  ASSERT_NE(m->item_processor, nullptr);
  EXPECT_EQ(m->item_processor->start_at, "I");
}

TEST(ParseDefinition, MapOlderIteratorAndParametersMapToTheNewFields) {
  auto machine = MustParse(R"({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
      "Parameters": {"v.$": "$$.Map.Item.Value"}, "MaxConcurrencyPath": "$.mc",
      "Iterator": {"StartAt": "I", "States": {"I": {"Type": "Succeed"}}}}}})");
  const State* m = machine->Find("M");
  ASSERT_TRUE(m->item_selector.has_value());
  EXPECT_EQ((*m->item_selector)["v.$"], "$$.Map.Item.Value");
  EXPECT_FALSE(m->parameters.has_value());
  EXPECT_EQ(m->max_concurrency_path, "$.mc");
  ASSERT_NE(m->item_processor, nullptr);
  EXPECT_EQ(m->item_processor->Find("I")->type, StateType::kSucceed);
  EXPECT_EQ(m->items_path.kind, PathField::Kind::kDefault);
}

TEST(ParseDefinition, PassResultAndParameters) {
  auto machine = MustParse(R"({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true,
      "Result": [1, "two", null], "Parameters": {"k": 1}}}})");
  EXPECT_EQ(*machine->Find("A")->result, Json::parse(R"([1, "two", null])"));
  EXPECT_EQ(*machine->Find("A")->parameters, Json({{"k", 1}}));
}

TEST(ParseDefinition, InvalidIsRefusedWithLocationAndMessage) {
  auto machine = ParseDefinition(R"({"StartAt": "Fetch", "States": {
      "Fetch": {"Type": "Task", "Resource": "fetch", "Next": "Parse"}}})");
  ASSERT_FALSE(machine.ok());
  EXPECT_EQ(machine.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(machine.error().message,
            "/States/Fetch/Next: State 'Fetch' (Task): 'Next' names 'Parse', which is not a "
            "state");
  auto syntax = ParseDefinition("{");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.error().message.rfind("/: The definition is not valid JSON", 0), 0u)
      << syntax.error().message;
}

}  // namespace
}  // namespace wfm::asl
