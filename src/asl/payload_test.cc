#include "asl/payload.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace wfm::asl {
namespace {

RandomSource Fixed() {
  return [] { return uint64_t{42}; };
}

// The documents a template reads; Paths() points into them.
struct Scope {
  explicit Scope(Json input_document, Json context_object = Json::object(),
                 Json variables_object = Json::object())
      : input(std::move(input_document)),
        context(std::move(context_object)),
        variables(std::move(variables_object)) {}
  PathScope Paths() const {
    return {.input = &input, .context = &context, .variables = &variables};
  }

  Json input, context, variables;
};

TEST(EvaluatePayloadTemplateTest, TheSpecificationsParametersExample) {
  Json payload = Json::parse(R"js({
    "flagged": true,
    "parts": {"first.$": "$.vals[0]", "last3.$": "$.vals[-3:]"},
    "weekday.$": "$$.DayOfWeek",
    "formattedOutput.$": "States.Format('Today is {}', $$.DayOfWeek)"
  })js");
  ASSERT_EQ(CheckPayloadTemplate(payload), "");
  Scope scope(Json::parse(R"({"flagged": 7, "vals": [0, 10, 20, 30, 40, 50]})"),
              Json::parse(R"({"DayOfWeek": "TUESDAY"})"));
  Outcome<Json> value = EvaluatePayloadTemplate(payload, scope.Paths(), Fixed());
  ASSERT_TRUE(value.ok()) << value.failure().cause;
  EXPECT_EQ(value.value(), Json::parse(R"({
    "flagged": true,
    "parts": {"first": 0, "last3": [30, 40, 50]},
    "weekday": "TUESDAY",
    "formattedOutput": "Today is TUESDAY"
  })"));
}

struct TemplateCase {
  std::string payload;
  std::string expected;
};

class PayloadValueTest : public testing::TestWithParam<TemplateCase> {};

TEST_P(PayloadValueTest, EvaluatesDynamicKeysAndCopiesTheRest) {
  Json payload = Json::parse(GetParam().payload);
  ASSERT_EQ(CheckPayloadTemplate(payload), "") << GetParam().payload;
  Scope scope(Json::parse(R"({"x": 1, "y": {"z": [1, 2]}, "s": "text", "n": null})"),
              Json::parse(R"({"Execution": {"Name": "run"}})"), Json::parse(R"({"count": 3})"));
  Outcome<Json> value = EvaluatePayloadTemplate(payload, scope.Paths(), Fixed());
  ASSERT_TRUE(value.ok()) << GetParam().payload << ": " << value.failure().cause;
  EXPECT_EQ(value.value(), Json::parse(GetParam().expected)) << GetParam().payload;
}

INSTANTIATE_TEST_SUITE_P(
    Payloads, PayloadValueTest,
    testing::Values(TemplateCase{"{}", "{}"}, TemplateCase{R"({"a": 1})", R"({"a": 1})"},
                    TemplateCase{R"({"a.$": "$.x"})", R"({"a": 1})"},
                    TemplateCase{R"({"a.$": "$"})",
                                 R"({"a": {"x": 1, "y": {"z": [1, 2]}, "s": "text", "n": null}})"},
                    TemplateCase{R"({"a.$": "$.n"})", R"({"a": null})"},
                    TemplateCase{R"({"a.$": "$.y.z[*]"})", R"({"a": [1, 2]})"},
                    TemplateCase{R"({"a.$": "$.y.nothing[*]"})", R"({"a": []})"},
                    TemplateCase{R"({"a.$": "$$.Execution.Name"})", R"({"a": "run"})"},
                    TemplateCase{R"({"a.$": "$count"})", R"({"a": 3})"},
                    TemplateCase{R"js({"a.$": "States.MathAdd($count, $.x)"})js", R"({"a": 4})"},
                    TemplateCase{R"js({"a.$": "States.Array($.s, 'lit')"})js",
                                 R"({"a": ["text", "lit"]})"},
                    // Without ".$" a path is just a string.
                    TemplateCase{R"js({"a": "$.x", "b": "States.UUID()"})js",
                                 R"js({"a": "$.x", "b": "States.UUID()"})js"},
                    // Nested objects and objects inside arrays are templates too.
                    TemplateCase{R"({"o": {"p": {"q.$": "$.x"}}})", R"({"o": {"p": {"q": 1}}})"},
                    TemplateCase{R"({"l": [{"a.$": "$.x"}, 1, "s", [{"b.$": "$.s"}], null]})",
                                 R"({"l": [{"a": 1}, 1, "s", [{"b": "text"}], null]})"},
                    TemplateCase{R"([{"a.$": "$.x"}])", R"([{"a": 1}])"},
                    TemplateCase{R"("$.x")", R"("$.x")"},
                    // A value under a ".$" key is not itself a template.
                    TemplateCase{R"({"a.$": "$.y"})", R"({"a": {"z": [1, 2]}})"},
                    // Only the last ".$" is removed; ".$" alone is an ordinary key.
                    TemplateCase{R"({"a.$.$": "$.x", ".$": 5})", R"({"a.$": 1, ".$": 5})"}));

TEST(EvaluatePayloadTemplateTest, APathThatSelectsNothingIsAParameterPathFailure) {
  Scope scope(Json::parse(R"({"x": 1})"));
  Outcome<Json> value = EvaluatePayloadTemplate(
      Json::parse(R"({"ok": 1, "nested": {"x.$": "$.missing"}})"), scope.Paths(), Fixed());
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.failure().error, "States.ParameterPathFailure");
  EXPECT_EQ(value.failure().cause,
            "The JSONPath '$.missing' specified for the field 'x.$' could not be found in the "
            "input '{\"x\":1}'");

  Outcome<Json> context =
      EvaluatePayloadTemplate(Json::parse(R"({"c.$": "$$.Nope"})"), scope.Paths(), Fixed());
  ASSERT_FALSE(context.ok());
  EXPECT_EQ(context.failure().error, "States.ParameterPathFailure");
  EXPECT_NE(context.failure().cause.find("'$$.Nope' specified for the field 'c.$'"),
            std::string::npos);

  Outcome<Json> variable =
      EvaluatePayloadTemplate(Json::parse(R"({"v.$": "$nobody"})"), scope.Paths(), Fixed());
  ASSERT_FALSE(variable.ok());
  EXPECT_EQ(variable.failure().error, "States.ParameterPathFailure");
}

TEST(EvaluatePayloadTemplateTest, AFailingFunctionIsAnIntrinsicFailure) {
  Scope scope(Json::parse(R"({"x": 1})"));
  Outcome<Json> value =
      EvaluatePayloadTemplate(Json::parse(R"js({"l": [{"a.$": "States.ArrayLength($.x)"
}]
})js"),
                              scope.Paths(), Fixed());
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.failure().error, "States.IntrinsicFailure");
  EXPECT_NE(value.failure().cause.find("States.ArrayLength"), std::string::npos);
}

Json Nested(int depth) {
  Json payload = {{"leaf.$", "$.x"}};
  for (int i = 0; i < depth; ++i) {
    Json wrapper = Json::object();
    wrapper["n"] = std::move(payload);
    payload = std::move(wrapper);
  }
  return payload;
}

TEST(EvaluatePayloadTemplateTest, DeepTemplatesWorkUpToALimit) {
  Scope scope(Json::parse(R"({"x": 1})"));
  EXPECT_EQ(CheckPayloadTemplate(Nested(300)), "");
  Outcome<Json> value = EvaluatePayloadTemplate(Nested(300), scope.Paths(), Fixed());
  ASSERT_TRUE(value.ok());
  const Json* node = &value.value();
  for (int i = 0; i < 300; ++i) node = &(*node)["n"];
  EXPECT_EQ(*node, Json::parse(R"({"leaf": 1})"));

  EXPECT_NE(CheckPayloadTemplate(Nested(2000)).find("nested too deeply"), std::string::npos);
  Outcome<Json> deep = EvaluatePayloadTemplate(Nested(2000), scope.Paths(), Fixed());
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.failure().cause.find("nested too deeply"), std::string::npos);
}

struct CheckCase {
  std::string payload;
  std::string problem;  // a part of the expected message
};

class CheckPayloadTemplateTest : public testing::TestWithParam<CheckCase> {};

TEST_P(CheckPayloadTemplateTest, NamesTheOffendingKey) {
  std::string problem = CheckPayloadTemplate(Json::parse(GetParam().payload));
  EXPECT_NE(problem.find(GetParam().problem), std::string::npos)
      << GetParam().payload << " -> " << problem;
}

INSTANTIATE_TEST_SUITE_P(
    Payloads, CheckPayloadTemplateTest,
    testing::Values(
        CheckCase{R"({"a.$": 5})",
                  "The value for the field 'a.$' must be a valid JSONPath or a valid intrinsic "
                  "function call (it is a number)"},
        CheckCase{R"({"a.$": null})", "field 'a.$'"},
        CheckCase{R"({"a.$": {"b.$": "$.x"}})", "field 'a.$'"},
        CheckCase{R"({"a.$": "x"})", "field 'a.$' must be a valid JSONPath"},
        CheckCase{R"({"a.$": ""})", "field 'a.$'"},
        CheckCase{R"({"n": {"deep.$": "$.["}})", "field 'deep.$'"},
        CheckCase{R"js({"l": [1, {"f.$": "States.Foo()"}]
})js",
                  "unknown function 'States.Foo'"},
        CheckCase{R"({"f.$": "States.Format('x'"})", "field 'f.$'"},
        CheckCase{R"js({"f.$": "States.Format('{}', $.a[)"})js", "Invalid JSONPath"}));

}  // namespace
}  // namespace wfm::asl
