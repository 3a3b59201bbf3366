#include "asl/choice.h"

#include <gtest/gtest.h>

namespace wfm::asl {
namespace {

// A Choice rule parsed by ParseDefinition from its JSON (Next is added).
ChoiceRule RuleFrom(const std::string& rule_json) {
  Json rule = Json::parse(rule_json);
  rule["Next"] = "Done";
  Json definition = {
      {"StartAt", "Decide"},
      {"States",
       {{"Decide", {{"Type", "Choice"}, {"Choices", Json::array({rule})}, {"Default", "Done"}}},
        {"Done", {{"Type", "Succeed"}}}}}};
  auto machine = ParseDefinition(definition.dump());
  if (!machine.ok()) ADD_FAILURE() << machine.error().message;
  if (!machine.ok()) return {};
  return (*machine)->Find("Decide")->choices.at(0);
}

enum Expect { kFalse, kTrue, kRuntimeError };

struct RuleCase {
  std::string rule;
  std::string input;
  Expect expect;
};

class MatchesRuleTest : public testing::TestWithParam<RuleCase> {};

TEST_P(MatchesRuleTest, EvaluatesAsTheSpecificationSays) {
  const RuleCase& c = GetParam();
  ChoiceRule rule = RuleFrom(c.rule);
  Json input = Json::parse(c.input);
  Json context = {{"Execution", {{"Name", "run-1"}}}};
  Json variables = {{"limit", 10}, {"name", "alpha"}};
  PathScope scope{&input, &context, &variables};
  Outcome<bool> matched = MatchesRule(rule, scope);
  if (c.expect == kRuntimeError) {
    ASSERT_FALSE(matched.ok()) << c.rule << " on " << c.input;
    EXPECT_EQ(matched.failure().error, "States.Runtime");
    return;
  }
  ASSERT_TRUE(matched.ok()) << c.rule << " on " << c.input << ": " << matched.failure().cause;
  EXPECT_EQ(matched.value(), c.expect == kTrue) << c.rule << " on " << c.input;
}

INSTANTIATE_TEST_SUITE_P(
    Strings, MatchesRuleTest,
    testing::Values(
        RuleCase{R"({"Variable": "$.s", "StringEquals": "abc"})", R"({"s": "abc"})", kTrue},
        RuleCase{R"({"Variable": "$.s", "StringEquals": "abc"})", R"({"s": "abd"})", kFalse},
        RuleCase{R"({"Variable": "$.s", "StringEquals": "1"})", R"({"s": 1})", kFalse},
        RuleCase{R"({"Variable": "$.s", "StringLessThan": "b"})", R"({"s": "a"})", kTrue},
        RuleCase{R"({"Variable": "$.s", "StringLessThan": "a"})", R"({"s": "a"})", kFalse},
        RuleCase{R"({"Variable": "$.s", "StringGreaterThan": "a"})", R"({"s": "b"})", kTrue},
        RuleCase{R"({"Variable": "$.s", "StringLessThanEquals": "a"})", R"({"s": "a"})", kTrue},
        RuleCase{R"({"Variable": "$.s", "StringGreaterThanEquals": "b"})", R"({"s": "a"})", kFalse},
        RuleCase{R"({"Variable": "$.s", "StringEqualsPath": "$.t"})", R"({"s": "x", "t": "x"})",
                 kTrue},
        RuleCase{R"({"Variable": "$.s", "StringLessThanPath": "$.t"})", R"({"s": "a", "t": "b"})",
                 kTrue},
        RuleCase{R"({"Variable": "$.s", "StringGreaterThanPath": "$.t"})",
                 R"({"s": "a", "t": "b"})", kFalse},
        RuleCase{R"({"Variable": "$.s", "StringLessThanEqualsPath": "$.t"})",
                 R"({"s": "b", "t": "b"})", kTrue},
        RuleCase{R"({"Variable": "$.s", "StringGreaterThanEqualsPath": "$.t"})",
                 R"({"s": "c", "t": "b"})", kTrue},
        RuleCase{R"({"Variable": "$.s", "StringEqualsPath": "$.t"})", R"({"s": "1", "t": 1})",
                 kFalse},
        RuleCase{R"({"Variable": "$.s", "StringMatches": "log-*.txt"})", R"({"s": "log-2024.txt"})",
                 kTrue},
        RuleCase{R"({"Variable": "$.s", "StringMatches": "log-*.txt"})", R"({"s": "log-2024.csv"})",
                 kFalse},
        RuleCase{R"({"Variable": "$.s", "StringMatches": "*"})", R"({"s": ""})", kTrue},
        RuleCase{R"({"Variable": "$.s", "StringMatches": "a\\*b"})", R"({"s": "a*b"})", kTrue},
        RuleCase{R"({"Variable": "$.s", "StringMatches": "a\\*b"})", R"({"s": "axb"})", kFalse},
        RuleCase{R"({"Variable": "$.s", "StringMatches": "a*"})", R"({"s": 5})", kFalse},
        RuleCase{R"({"Variable": "$$.Execution.Name", "StringEquals": "run-1"})", R"({})", kTrue},
        RuleCase{R"({"Variable": "$name", "StringEquals": "alpha"})", R"({})", kTrue}));

INSTANTIATE_TEST_SUITE_P(
    Numbers, MatchesRuleTest,
    testing::Values(
        RuleCase{R"({"Variable": "$.n", "NumericEquals": 1})", R"({"n": 1})", kTrue},
        RuleCase{R"({"Variable": "$.n", "NumericEquals": 1})", R"({"n": 1.0})", kTrue},
        RuleCase{R"({"Variable": "$.n", "NumericEquals": 1})", R"({"n": "1"})", kFalse},
        RuleCase{R"({"Variable": "$.n", "NumericLessThan": 1.5})", R"({"n": 1})", kTrue},
        RuleCase{R"({"Variable": "$.n", "NumericLessThan": 1})", R"({"n": 1})", kFalse},
        RuleCase{R"({"Variable": "$.n", "NumericGreaterThan": -1})", R"({"n": 0})", kTrue},
        RuleCase{R"({"Variable": "$.n", "NumericLessThanEquals": 1})", R"({"n": 1})", kTrue},
        RuleCase{R"({"Variable": "$.n", "NumericGreaterThanEquals": 2})", R"({"n": 1})", kFalse},
        // 2^63 and 2^63 - 1 differ although they are equal as doubles.
        RuleCase{R"({"Variable": "$.n", "NumericEquals": 9223372036854775807})",
                 R"({"n": 9223372036854775808})", kFalse},
        RuleCase{R"({"Variable": "$.n", "NumericLessThan": 9223372036854775808})",
                 R"({"n": 9223372036854775807})", kTrue},
        RuleCase{R"({"Variable": "$.n", "NumericGreaterThan": -9223372036854775808})",
                 R"({"n": 18446744073709551615})", kTrue},
        RuleCase{R"({"Variable": "$.n", "NumericEqualsPath": "$.m"})", R"({"n": 3, "m": 3})",
                 kTrue},
        RuleCase{R"({"Variable": "$.n", "NumericLessThanPath": "$.m"})", R"({"n": 2, "m": 3})",
                 kTrue},
        RuleCase{R"({"Variable": "$.n", "NumericGreaterThanPath": "$.m"})", R"({"n": 2, "m": 3})",
                 kFalse},
        RuleCase{R"({"Variable": "$.n", "NumericLessThanEqualsPath": "$.m"})",
                 R"({"n": 3, "m": 3})", kTrue},
        RuleCase{R"({"Variable": "$.n", "NumericGreaterThanEqualsPath": "$limit"})", R"({"n": 10})",
                 kTrue},
        RuleCase{R"({"Variable": "$.n", "NumericEqualsPath": "$.m"})", R"({"n": 3, "m": "3"})",
                 kFalse}));

INSTANTIATE_TEST_SUITE_P(
    BooleansAndTimestamps, MatchesRuleTest,
    testing::Values(
        RuleCase{R"({"Variable": "$.b", "BooleanEquals": true})", R"({"b": true})", kTrue},
        RuleCase{R"({"Variable": "$.b", "BooleanEquals": true})", R"({"b": "true"})", kFalse},
        RuleCase{R"({"Variable": "$.b", "BooleanEquals": false})", R"({"b": false})", kTrue},
        RuleCase{R"({"Variable": "$.b", "BooleanEqualsPath": "$.c"})", R"({"b": true, "c": true})",
                 kTrue},
        RuleCase{R"({"Variable": "$.t", "TimestampEquals": "2001-01-01T12:00:00Z"})",
                 R"({"t": "2001-01-01T12:00:00Z"})", kTrue},
        // The same instant written with an offset and a fraction.
        RuleCase{R"({"Variable": "$.t", "TimestampEquals": "2001-01-01T12:00:00Z"})",
                 R"({"t": "2001-01-01T14:00:00.000+02:00"})", kTrue},
        RuleCase{R"({"Variable": "$.t", "TimestampLessThan": "2001-01-01T12:00:00Z"})",
                 R"({"t": "2001-01-01T11:59:59.999Z"})", kTrue},
        RuleCase{R"({"Variable": "$.t", "TimestampGreaterThan": "2001-01-01T12:00:00Z"})",
                 R"({"t": "2001-01-01T11:59:59Z"})", kFalse},
        RuleCase{R"({"Variable": "$.t", "TimestampLessThanEquals": "2001-01-01T12:00:00Z"})",
                 R"({"t": "2001-01-01T12:00:00Z"})", kTrue},
        RuleCase{R"({"Variable": "$.t", "TimestampGreaterThanEquals": "2001-01-01T12:00:00Z"})",
                 R"({"t": "2002-01-01T00:00:00Z"})", kTrue},
        RuleCase{R"({"Variable": "$.t", "TimestampEquals": "2001-01-01T12:00:00Z"})",
                 R"({"t": "not a time"})", kFalse},
        RuleCase{R"({"Variable": "$.t", "TimestampEqualsPath": "$.u"})",
                 R"({"t": "2001-01-01T12:00:00Z", "u": "2001-01-01T12:00:00Z"})", kTrue},
        RuleCase{R"({"Variable": "$.t", "TimestampLessThanPath": "$.u"})",
                 R"({"t": "2001-01-01T12:00:00Z", "u": "2001-01-02T12:00:00Z"})", kTrue},
        RuleCase{R"({"Variable": "$.t", "TimestampGreaterThanPath": "$.u"})",
                 R"({"t": "2001-01-01T12:00:00Z", "u": "2001-01-02T12:00:00Z"})", kFalse},
        RuleCase{R"({"Variable": "$.t", "TimestampLessThanEqualsPath": "$.u"})",
                 R"({"t": "2001-01-01T12:00:00Z", "u": "2001-01-01T12:00:00Z"})", kTrue},
        RuleCase{R"({"Variable": "$.t", "TimestampGreaterThanEqualsPath": "$.u"})",
                 R"({"t": "2001-01-01T12:00:00Z", "u": 5})", kFalse}));

INSTANTIATE_TEST_SUITE_P(
    TypeTests, MatchesRuleTest,
    testing::Values(
        RuleCase{R"({"Variable": "$.x", "IsNull": true})", R"({"x": null})", kTrue},
        RuleCase{R"({"Variable": "$.x", "IsNull": true})", R"({"x": 0})", kFalse},
        // IsNull false tests "is not null" (the specification; aws-local-stepfunctions returns
        // false for every value here, which the specification does not say).
        RuleCase{R"({"Variable": "$.x", "IsNull": false})", R"({"x": 0})", kTrue},
        RuleCase{R"({"Variable": "$.x", "IsPresent": true})", R"({"x": null})", kTrue},
        RuleCase{R"({"Variable": "$.x", "IsPresent": true})", R"({"y": 1})", kFalse},
        RuleCase{R"({"Variable": "$.x", "IsPresent": false})", R"({"y": 1})", kTrue},
        RuleCase{R"({"Variable": "$.a.b.c", "IsPresent": true})", R"({"a": 1})", kFalse},
        RuleCase{R"({"Variable": "$.x", "IsNumeric": true})", R"({"x": 1.5})", kTrue},
        RuleCase{R"({"Variable": "$.x", "IsNumeric": true})", R"({"x": "1.5"})", kFalse},
        RuleCase{R"({"Variable": "$.x", "IsNumeric": false})", R"({"x": "1.5"})", kTrue},
        RuleCase{R"({"Variable": "$.x", "IsString": true})", R"({"x": "s"})", kTrue},
        RuleCase{R"({"Variable": "$.x", "IsString": true})", R"({"x": null})", kFalse},
        RuleCase{R"({"Variable": "$.x", "IsBoolean": true})", R"({"x": false})", kTrue},
        RuleCase{R"({"Variable": "$.x", "IsBoolean": true})", R"({"x": 0})", kFalse},
        RuleCase{R"({"Variable": "$.x", "IsTimestamp": true})", R"({"x": "2016-03-14T01:59:00Z"})",
                 kTrue},
        RuleCase{R"({"Variable": "$.x", "IsTimestamp": true})", R"({"x": "2016-03-14"})", kFalse},
        RuleCase{R"({"Variable": "$.x", "IsTimestamp": false})", R"({"x": 20160314})", kTrue}));

INSTANTIATE_TEST_SUITE_P(
    MissingValues, MatchesRuleTest,
    testing::Values(
        // Step Functions: a comparison whose Variable selects nothing fails the state with
        // States.Runtime (guard it with IsPresent); so does a ...Path operand.
        RuleCase{R"({"Variable": "$.missing", "StringEquals": "a"})", R"({})", kRuntimeError},
        RuleCase{R"({"Variable": "$.missing", "IsNull": true})", R"({})", kRuntimeError},
        RuleCase{R"({"Variable": "$.n", "NumericEqualsPath": "$.missing"})", R"({"n": 1})",
                 kRuntimeError},
        RuleCase{R"({"And": [{"Variable": "$.k", "IsPresent": true},
                             {"Variable": "$.k", "StringEquals": "foo"}]})",
                 R"({})", kFalse},
        RuleCase{R"({"And": [{"Variable": "$.k", "IsPresent": true},
                             {"Variable": "$.k", "StringEquals": "foo"}]})",
                 R"({"k": "foo"})", kTrue}));

INSTANTIATE_TEST_SUITE_P(
    Combinations, MatchesRuleTest,
    testing::Values(
        // The specification's example: value in [20, 30) and not an int.
        RuleCase{R"({"And": [{"Variable": "$.value", "NumericGreaterThanEquals": 20},
                             {"Variable": "$.value", "NumericLessThan": 30}]})",
                 R"({"value": 25})", kTrue},
        RuleCase{R"({"And": [{"Variable": "$.value", "NumericGreaterThanEquals": 20},
                             {"Variable": "$.value", "NumericLessThan": 30}]})",
                 R"({"value": 30})", kFalse},
        RuleCase{R"({"Not": {"Variable": "$.type", "StringEquals": "Private"}})",
                 R"({"type": "Public"})", kTrue},
        RuleCase{R"({"Not": {"Variable": "$.type", "StringEquals": "Private"}})",
                 R"({"type": "Private"})", kFalse},
        RuleCase{R"({"Or": [{"Variable": "$.a", "BooleanEquals": true},
                            {"Variable": "$.b", "BooleanEquals": true}]})",
                 R"({"a": false, "b": true})", kTrue},
        RuleCase{R"({"Or": [{"Variable": "$.a", "BooleanEquals": true},
                            {"Variable": "$.b", "BooleanEquals": true}]})",
                 R"({"a": false, "b": false})", kFalse},
        // Or stops at the first match: the second rule's missing path is never read.
        RuleCase{R"({"Or": [{"Variable": "$.a", "BooleanEquals": true},
                            {"Variable": "$.missing", "BooleanEquals": true}]})",
                 R"({"a": true})", kTrue},
        RuleCase{R"({"Or": [{"Variable": "$.a", "BooleanEquals": true},
                            {"Variable": "$.missing", "BooleanEquals": true}]})",
                 R"({"a": false})", kRuntimeError},
        RuleCase{R"({"Not": {"Not": {"Or": [{"And": [{"Variable": "$.a", "IsPresent": true}]}]}}})",
                 R"({"a": 1})", kTrue}));

struct TimestampCase {
  std::string text;
  bool valid;
  int64_t ms;
};

class ParseTimestampTest : public testing::TestWithParam<TimestampCase> {};

TEST_P(ParseTimestampTest, AcceptsRfc3339AsStepFunctionsDoes) {
  const TimestampCase& c = GetParam();
  int64_t ms = -1;
  EXPECT_EQ(ParseTimestamp(c.text, &ms), c.valid) << c.text;
  if (c.valid) {
    EXPECT_EQ(ms, c.ms) << c.text;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseTimestampTest,
    testing::Values(TimestampCase{"1970-01-01T00:00:00Z", true, 0},
                    TimestampCase{"2016-03-14T01:59:00Z", true, 1457920740000},
                    TimestampCase{"2016-03-14T01:59:00.123Z", true, 1457920740123},
                    TimestampCase{"2016-03-14T01:59:00.123456789Z", true, 1457920740123},
                    TimestampCase{"2016-03-14T03:59:00+02:00", true, 1457920740000},
                    TimestampCase{"2016-03-13T23:59:00-02:00", true, 1457920740000},
                    TimestampCase{"2000-02-29T00:00:00Z", true, 951782400000},
                    TimestampCase{"1969-12-31T23:59:59Z", true, -1000},
                    TimestampCase{"2001-02-29T00:00:00Z", false, 0},  // not a leap year
                    TimestampCase{"2016-13-01T00:00:00Z", false, 0},
                    TimestampCase{"2016-03-14T24:00:00Z", false, 0},
                    TimestampCase{"2016-03-14T01:60:00Z", false, 0},
                    TimestampCase{"2016-03-14t01:59:00Z", false, 0},  // lowercase t
                    TimestampCase{"2016-03-14T01:59:00z", false, 0},  // lowercase z
                    TimestampCase{"2016-03-14T01:59:00", false, 0},   // no zone
                    TimestampCase{"2016-03-14 01:59:00Z", false, 0},
                    TimestampCase{"2016-03-14T01:59Z", false, 0},
                    TimestampCase{"2016-03-14T01:59:00.Z", false, 0},
                    TimestampCase{"2016-03-14T01:59:00+0200", false, 0},
                    TimestampCase{"2016-03-14T01:59:00Zjunk", false, 0},
                    TimestampCase{"", false, 0}));

struct PatternCase {
  std::string value;
  std::string pattern;
  bool matches;
};

class StringMatchesTest : public testing::TestWithParam<PatternCase> {};

TEST_P(StringMatchesTest, StarAndEscapes) {
  const PatternCase& c = GetParam();
  EXPECT_EQ(StringMatchesPattern(c.value, c.pattern), c.matches)
      << "'" << c.value << "' against '" << c.pattern << "'";
}

INSTANTIATE_TEST_SUITE_P(
    Table, StringMatchesTest,
    testing::Values(PatternCase{"log-1.txt", "log-*.txt", true},
                    PatternCase{"log-.txt", "log-*.txt", true},
                    PatternCase{"log-1.txt.bak", "log-*.txt", false},
                    PatternCase{"abc", "abc", true}, PatternCase{"abc", "ab", false},
                    PatternCase{"", "", true}, PatternCase{"", "*", true},
                    PatternCase{"a", "", false}, PatternCase{"anything", "*", true},
                    PatternCase{"abcabc", "*abc", true}, PatternCase{"xaybzc", "*a*b*c", true},
                    PatternCase{"acb", "*a*b*c", false},
                    PatternCase{"a*b", "a\\*b", true},  // \* is a literal star
                    PatternCase{"aXb", "a\\*b", false},
                    PatternCase{"a\\b", "a\\\\b", true},  // \\ is a backslash
                    PatternCase{"a\\xyz", "a\\\\*", true},
                    PatternCase{"a?c", "a?c", true},  // ? and [ are ordinary characters
                    PatternCase{"abc", "a?c", false}, PatternCase{"[a]", "[a]", true},
                    PatternCase{"a", "[a]", false},
                    PatternCase{std::string(10000, 'a') + "b", "*a*a*a*a*a*c", false}));

}  // namespace
}  // namespace wfm::asl
