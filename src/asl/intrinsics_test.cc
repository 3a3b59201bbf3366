#include "asl/intrinsics.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace wfm::asl {
namespace {

// The input of the evaluation cases; most examples of the developer guide read it.
const Json kInput = Json::parse(R"({
  "name": "Arnav", "firstName": "John", "lastName": "Doe",
  "escapedJsonString": "{\"foo\": \"bar\"}",
  "unescapedJson": {"foo": "bar"},
  "someJson": {"random": "abcdefg"},
  "inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9],
  "dupes": [1, 2, 3, 3, 3, 3, 3, 3, 4],
  "lookingFor": 5, "index": 5,
  "input": "Data to encode", "base64": "RGF0YSB0byBlbmNvZGU=",
  "Data": "input data", "Algorithm": "SHA-1",
  "json1": {"a": {"a1": 1, "a2": 2}, "b": 2},
  "json2": {"a": {"a3": 1, "a4": 2}, "c": 3},
  "value1": 111, "step": -1,
  "inputString": "1,2,3,4,5", "splitter": ",",
  "inputString2": "This.is+a,test=string", "splitter2": ".+,=",
  "template": "Hi {}!", "obj": {"x": 1}, "text": "abc", "float": 1.5, "nothing": null,
  "a,b": "comma",
  "unsorted": {"zeta": 1, "alpha": {"y": 1, "x": 2}},
  "reordered": [{"a": 1, "b": 2}, {"b": 2, "a": 1}], "ba": {"b": 2, "a": 1},
  "ImageRecipe": {"Arn": "arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/recipe/1.2.3"}
})");
const Json kContext = Json::parse(R"({"Execution": {"Id": "arn:exec", "Name": "run-1"}})");
const Json kVariables = Json::parse(R"({"greeting": "hello", "items": [3, 1, 3]})");

RandomSource Counter() {
  return [n = uint64_t{0}]() mutable { return n += 0x9E3779B97F4A7C15ull; };
}

Outcome<Json> Evaluate(const std::string& text) {
  PathScope scope{.input = &kInput, .context = &kContext, .variables = &kVariables};
  return EvaluateIntrinsic(text, scope, Counter());
}

struct EvalCase {
  std::string call;
  std::string expected;  // JSON text
};

class EvaluateIntrinsicTest : public testing::TestWithParam<EvalCase> {};

TEST_P(EvaluateIntrinsicTest, GivesTheDocumentedResult) {
  ASSERT_EQ(CheckIntrinsic(GetParam().call), "") << GetParam().call;
  Outcome<Json> value = Evaluate(GetParam().call);
  ASSERT_TRUE(value.ok()) << GetParam().call << ": " << value.failure().cause;
  EXPECT_EQ(value.value(), Json::parse(GetParam().expected)) << GetParam().call;
}

INSTANTIATE_TEST_SUITE_P(
    DeveloperGuideExamples, EvaluateIntrinsicTest,
    testing::Values(
        EvalCase{"States.Format('Hello, my name is {}.', $.name)", R"("Hello, my name is Arnav.")"},
        EvalCase{R"(States.Format('Welcome to {} {}\'s playlist.', $.firstName, $.lastName))",
                 R"("Welcome to John Doe's playlist.")"},
        EvalCase{"States.StringToJson($.escapedJsonString)", R"({"foo": "bar"})"},
        EvalCase{"States.JsonToString($.unescapedJson)", R"("{\"foo\":\"bar\"}")"},
        EvalCase{"States.Array('Foo', 2020, $.someJson, null)",
                 R"(["Foo", 2020, {"random": "abcdefg"}, null])"},
        EvalCase{"States.ArrayPartition($.inputArray, 4)", "[[1,2,3,4],[5,6,7,8],[9]]"},
        EvalCase{"States.ArrayContains($.inputArray, $.lookingFor)", "true"},
        EvalCase{"States.ArrayRange(1, 9, 2)", "[1,3,5,7,9]"},
        EvalCase{"States.ArrayGetItem($.inputArray, $.index)", "6"},
        EvalCase{"States.ArrayLength($.inputArray)", "9"},
        EvalCase{"States.ArrayUnique($.dupes)", "[1,2,3,4]"},
        EvalCase{"States.Base64Encode($.input)", R"("RGF0YSB0byBlbmNvZGU=")"},
        EvalCase{"States.Base64Decode($.base64)", R"("Data to encode")"},
        EvalCase{"States.Hash($.Data, $.Algorithm)",
                 R"("aaff4a450a104cd177d28d18d74485e8cae074b7")"},
        EvalCase{"States.JsonMerge($.json1, $.json2, false)",
                 R"({"a": {"a3": 1, "a4": 2}, "b": 2, "c": 3})"},
        EvalCase{"States.MathAdd($.value1, $.step)", "110"},
        EvalCase{"States.StringSplit($.inputString, $.splitter)", R"(["1","2","3","4","5"])"},
        // Nine functions in one field: the developer guide's example of the nesting limit (its
        // template has one placeholder too many for its two values; corrected here).
        EvalCase{"States.Format('{}.{}', States.ArrayGetItem(States.StringSplit("
                 "States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), "
                 "States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit("
                 "$.ImageRecipe.Arn, '/'), 2), '.'), 1))",
                 R"("1.2")"},
        // Every character of the second argument is a delimiter (developer guide's example).
        EvalCase{"States.StringSplit($.inputString2, $.splitter2)",
                 R"(["This","is","a","test","string"])"}));

INSTANTIATE_TEST_SUITE_P(
    MoreCases, EvaluateIntrinsicTest,
    testing::Values(
        // States.Format: placeholders, value types, escapes.
        EvalCase{"States.Format('{} {} {} {}', 1, 1.5, true, null)", R"("1 1.5 true null")"},
        EvalCase{"States.Format('no placeholders')", R"("no placeholders")"},
        EvalCase{R"(States.Format('\{\}'))", R"("{}")"},
        EvalCase{R"(States.Format('\{{}\}', 'x'))", R"("{x}")"},
        EvalCase{R"(States.Format('a\\b'))", R"("a\\b")"},
        EvalCase{R"(States.Format('it\'s {}', 'x'))", R"("it's x")"},
        EvalCase{R"(States.Format('{}', 'a\'b\{c\}d\\e'))", R"("a'b{c}d\\e")"},
        EvalCase{"States.Format('a, (b) {}', 'c)')", R"js("a, (b) c)")js"},
        EvalCase{"States.Format($.template, $.name)", R"("Hi Arnav!")"},
        EvalCase{"States.Format( 'x {}' ,  $.name )", R"("x Arnav")"},
        EvalCase{"States.Format('{}', $.nothing)", R"("null")"},
        EvalCase{"States.Format('{}', $$.Execution.Name)", R"("run-1")"},
        EvalCase{"States.Format('{} {}', $greeting, $items[0])", R"("hello 3")"},
        EvalCase{"States.Format('')", R"("")"}, EvalCase{"States.Format('{}', '')", R"("")"},
        // Literals and paths of every kind.
        EvalCase{"States.Array()", "[]"},
        EvalCase{"States.Array(-1, 2.5, 1e3, true, false, null, 'x')",
                 R"([-1, 2.5, 1000.0, true, false, null, "x"])"},
        EvalCase{"States.Array($['a,b'], $.inputArray[0:2], $..a1)", R"(["comma", [1, 2], [1]])"},
        EvalCase{"States.Array($.inputArray[?(@ > 7)])", "[[8, 9]]"},
        EvalCase{"States.Array($)", "[" + kInput.dump() + "]"},
        // Nested calls.
        EvalCase{"States.Array(States.ArrayLength(States.Array(1, 2)), "
                 "States.Format('{}', States.MathAdd(1, 2)))",
                 R"([2, "3"])"},
        EvalCase{"States.StringToJson(States.JsonToString($.json1))",
                 R"({"a": {"a1": 1, "a2": 2}, "b": 2})"},
        EvalCase{"States.ArrayLength(States.ArrayUnique($items))", "2"},
        EvalCase{"States.StringToJson('[1, 2]')", "[1, 2]"},
        EvalCase{R"(States.StringToJson('\{"a": 1\}'))", R"({"a": 1})"},
        EvalCase{"States.StringToJson('  42 ')", "42"},
        EvalCase{"States.JsonToString('text')", R"("\"text\"")"},
        // Members keep their document order; objects equal whatever their members' order.
        EvalCase{"States.JsonToString($.unsorted)", R"("{\"zeta\":1,\"alpha\":{\"y\":1,\"x\":2}}")"},
        EvalCase{"States.ArrayUnique($.reordered)", R"([{"a":1,"b":2}])"},
        EvalCase{"States.ArrayContains($.reordered, $.ba)", "true"},
        EvalCase{"States.JsonToString($.nothing)", R"("null")"},
        // Arrays.
        EvalCase{"States.ArrayPartition(States.Array(), 3)", "[]"},
        EvalCase{"States.ArrayPartition($.inputArray, 20)", "[[1,2,3,4,5,6,7,8,9]]"},
        EvalCase{"States.ArrayContains($.inputArray, 10)", "false"},
        EvalCase{"States.ArrayContains(States.Array($.obj), $.obj)", "true"},
        EvalCase{"States.ArrayContains(States.Array(1), 1.0)", "true"},
        EvalCase{"States.ArrayRange(9, 1, -2)", "[9,7,5,3,1]"},
        EvalCase{"States.ArrayRange(1, 9, -1)", "[]"},
        EvalCase{"States.ArrayRange(5, 5, 3)", "[5]"},
        EvalCase{"States.ArrayRange(0, 10, 4)", "[0, 4, 8]"},
        EvalCase{"States.ArrayRange(-3, 0, 1)", "[-3, -2, -1, 0]"},
        EvalCase{"States.ArrayLength(States.ArrayRange(1, 1000, 1))", "1000"},
        EvalCase{"States.ArrayGetItem($.inputArray, 0)", "1"},
        EvalCase{"States.ArrayGetItem(States.Array($.obj), 0)", R"({"x": 1})"},
        EvalCase{"States.ArrayLength(States.Array())", "0"},
        EvalCase{"States.ArrayUnique(States.Array($.obj, 1, $.obj, '1', 1))",
                 R"([{"x": 1}, 1, "1"])"},
        // Encodings and hashes.
        EvalCase{"States.Base64Encode('')", R"("")"},
        EvalCase{"States.Base64Encode('a')", R"("YQ==")"},
        EvalCase{"States.Base64Decode('YQ==')", R"("a")"},
        EvalCase{"States.Base64Decode('YWI=')", R"("ab")"},
        EvalCase{"States.Base64Decode(States.Base64Encode('é✓'))", R"("é✓")"},
        EvalCase{"States.Hash('input data', 'MD5')", R"("812f45842bc6d66ee14572ce20db8e86")"},
        EvalCase{"States.Hash('', 'SHA-256')",
                 R"("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")"},
        EvalCase{"States.Hash('abc', 'SHA-384')",
                 R"("cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed)"
                 R"(8086072ba1e7cc2358baeca134c825a7")"},
        EvalCase{"States.Hash('abc', 'SHA-512')",
                 R"("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a)"
                 R"(2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")"},
        // Objects and numbers.
        EvalCase{"States.JsonMerge($.obj, $.json2, false)",
                 R"({"x": 1, "a": {"a3": 1, "a4": 2}, "c": 3})"},
        EvalCase{"States.MathAdd(-5, 5)", "0"}, EvalCase{"States.MathAdd(2.0, 3)", "5"},
        EvalCase{"States.MathRandom(7, 7)", "7"}, EvalCase{"States.MathRandom(3, 3, 99)", "3"},
        // Splitting.
        EvalCase{"States.StringSplit('a,,b,', ',')", R"(["a", "b"])"},
        EvalCase{"States.StringSplit('', ',')", "[]"},
        EvalCase{"States.StringSplit('abc', '')", R"(["abc"])"}));

TEST(EvaluateIntrinsicTest, MathRandomStaysInRangeAndASeedRepeatsTheNumber) {
  for (int i = 0; i < 50; ++i) {
    PathScope scope{.input = &kInput, .context = nullptr, .variables = nullptr};
    uint64_t draw = 0x123456789ull * static_cast<uint64_t>(i);
    Outcome<Json> value =
        EvaluateIntrinsic("States.MathRandom(1, 999)", scope, [draw] { return draw; });
    ASSERT_TRUE(value.ok());
    EXPECT_GE(value.value().get<int64_t>(), 1);
    EXPECT_LE(value.value().get<int64_t>(), 999);
  }
  Outcome<Json> seeded = Evaluate("States.MathRandom(-100, 100, 42)");
  ASSERT_TRUE(seeded.ok());
  EXPECT_EQ(seeded.value(), Evaluate("States.MathRandom(-100, 100, 42)").value());
  PathScope scope{.input = &kInput, .context = nullptr, .variables = nullptr};
  Outcome<Json> full = EvaluateIntrinsic(
      "States.MathRandom(-9223372036854775807, "
      "9223372036854775807)",
      scope, [] { return ~uint64_t{0}; });
  ASSERT_TRUE(full.ok()) << full.failure().cause;
}

TEST(EvaluateIntrinsicTest, UuidIsAVersion4UuidFromTheRandomSource) {
  Outcome<Json> first = Evaluate("States.UUID()");
  ASSERT_TRUE(first.ok());
  std::string uuid = first.value().get<std::string>();
  EXPECT_TRUE(std::regex_match(
      uuid, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << uuid;
  PathScope scope{.input = &kInput, .context = nullptr, .variables = nullptr};
  RandomSource random = Counter();
  Outcome<Json> a = EvaluateIntrinsic("States.UUID()", scope, random);
  Outcome<Json> b = EvaluateIntrinsic("States.UUID()", scope, random);
  EXPECT_NE(a.value(), b.value());
}

struct FailCase {
  std::string call;
  std::string cause;  // a part of the expected cause
};

class IntrinsicFailureTest : public testing::TestWithParam<FailCase> {};

TEST_P(IntrinsicFailureTest, FailsWithACauseNamingTheFunctionAndTheProblem) {
  ASSERT_EQ(CheckIntrinsic(GetParam().call), "") << GetParam().call;
  Outcome<Json> value = Evaluate(GetParam().call);
  ASSERT_FALSE(value.ok()) << GetParam().call << " gave " << value.value().dump();
  EXPECT_EQ(value.failure().error, "States.IntrinsicFailure");
  const std::string& cause = value.failure().cause;
  std::string function = GetParam().call.substr(0, GetParam().call.find('('));
  EXPECT_NE(cause.find(function), std::string::npos) << cause;
  EXPECT_NE(cause.find(GetParam().cause), std::string::npos) << cause;
}

INSTANTIATE_TEST_SUITE_P(
    Intrinsics, IntrinsicFailureTest,
    testing::Values(
        FailCase{"States.Format('{}')", "more {} placeholders than arguments"},
        FailCase{"States.Format('{}', 'a', 'b')", "fewer {} placeholders than arguments"},
        FailCase{"States.Format('{}', $.obj)", "argument 2 must be a string, number"},
        FailCase{"States.Format('{}', $.inputArray)", "argument 2"},
        FailCase{"States.Format('a { b')", "unescaped '{'"},
        FailCase{"States.Format('a } b')", "unescaped '}'"},
        FailCase{"States.Format(1)", "argument 1 must be a string"},
        FailCase{"States.Format('{}', $.missing)", "$.missing"},
        FailCase{"States.StringToJson('not json')", "not valid JSON"},
        FailCase{"States.StringToJson('')", "not valid JSON"},
        FailCase{"States.StringToJson($.obj)", "must be a string"},
        FailCase{"States.ArrayPartition($.inputArray, 0)", "greater than 0"},
        FailCase{"States.ArrayPartition($.inputArray, -2)", "greater than 0"},
        FailCase{"States.ArrayPartition($.inputArray, 1.5)", "must be an integer"},
        FailCase{"States.ArrayPartition($.obj, 2)", "must be a array"},
        FailCase{"States.ArrayContains('x', 1)", "must be a array"},
        FailCase{"States.ArrayRange(0, 1000, 1)", "limit is 1000"},
        FailCase{"States.ArrayRange(-9223372036854775807, 9223372036854775807, 1)",
                 "limit is 1000"},
        FailCase{"States.ArrayRange(9223372036854775807, -9223372036854775807, -1)",
                 "limit is 1000"},
        FailCase{"States.ArrayRange(1, 9, 0)", "must not be 0"},
        FailCase{"States.ArrayRange(1.5, 3, 1)", "argument 1 must be an integer"},
        FailCase{"States.ArrayRange('1', 3, 1)", "argument 1 must be an integer"},
        FailCase{"States.ArrayGetItem($.inputArray, 9)", "outside the array"},
        FailCase{"States.ArrayGetItem($.inputArray, -1)", "outside the array"},
        FailCase{"States.ArrayGetItem($.inputArray, 'a')", "must be an integer"},
        FailCase{"States.ArrayLength($.text)", "must be a array"},
        FailCase{"States.ArrayUnique(null)", "must be a array"},
        FailCase{"States.Base64Encode($.obj)", "must be a string"},
        FailCase{"States.Base64Decode('!!!!')", "not valid Base64"},
        FailCase{"States.Base64Decode('abc')", "not valid Base64"},
        FailCase{"States.Base64Decode('/w==')", "not UTF-8"},
        FailCase{"States.Hash($.Data, 'SHA-3')", "unsupported algorithm"},
        FailCase{"States.Hash($.Data, 'sha-1')", "unsupported algorithm"},
        FailCase{"States.Hash(1, 'MD5')", "must be a string"},
        FailCase{"States.JsonMerge($.json1, $.json2, true)", "deep merging is not supported"},
        FailCase{"States.JsonMerge($.json1, $.inputArray, false)", "argument 2 must be a object"},
        FailCase{"States.JsonMerge($.json1, $.json2, 'false')", "argument 3 must be a boolean"},
        FailCase{"States.MathRandom(10, 1)", "greater than the end"},
        FailCase{"States.MathRandom(1.5, 10)", "must be an integer"},
        FailCase{"States.MathRandom(1, 10, 'seed')", "must be an integer"},
        FailCase{"States.MathAdd(1.5, 1)", "must be an integer"},
        FailCase{"States.MathAdd(1e300, 1)", "must be an integer"},
        FailCase{"States.MathAdd($.text, 1)", "must be an integer"},
        FailCase{"States.MathAdd(9223372036854775807, 1)", "outside the range"},
        FailCase{"States.StringSplit($.inputArray, ',')", "must be a string"},
        FailCase{"States.ArrayLength($.missing)", "$.missing"},
        FailCase{"States.ArrayLength($nobody)", "not defined"}));

TEST(IntrinsicFailureTest, InputLimitsAre10000Characters) {
  PathScope scope{.input = &kInput, .context = nullptr, .variables = nullptr};
  for (const char* function : {"States.Base64Encode", "States.Hash"}) {
    std::string second = std::string(function) == "States.Hash" ? ", 'MD5'" : "";
    std::string at_limit =
        std::string(function) + "('" + std::string(10000, 'a') + "'" + second + ")";
    EXPECT_TRUE(EvaluateIntrinsic(at_limit, scope, Counter()).ok()) << function;
    // 10,000 characters of two bytes each are still within the limit.
    std::string wide;
    for (int i = 0; i < 10000; ++i) wide += "é";
    EXPECT_TRUE(EvaluateIntrinsic(std::string(function) + "('" + wide + "'" + second + ")", scope,
                                  Counter())
                    .ok())
        << function;
    std::string over = std::string(function) + "('" + std::string(10001, 'a') + "'" + second + ")";
    Outcome<Json> value = EvaluateIntrinsic(over, scope, Counter());
    ASSERT_FALSE(value.ok()) << function;
    EXPECT_NE(value.failure().cause.find("the limit is 10000"), std::string::npos);
  }
  std::string long_base64(10004, 'A');
  Outcome<Json> decoded =
      EvaluateIntrinsic("States.Base64Decode('" + long_base64 + "')", scope, Counter());
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.failure().cause.find("the limit is 10000"), std::string::npos);
}

struct CheckCase {
  std::string call;
  std::string problem;  // a part of the expected message; empty when well-formed
};

class CheckIntrinsicTest : public testing::TestWithParam<CheckCase> {};

TEST_P(CheckIntrinsicTest, NamesWhatIsWrong) {
  std::string problem = CheckIntrinsic(GetParam().call);
  if (GetParam().problem.empty()) {
    EXPECT_EQ(problem, "") << GetParam().call;
  } else {
    EXPECT_NE(problem.find(GetParam().problem), std::string::npos)
        << GetParam().call << " -> " << problem;
  }
}

std::string Nested(int depth) {
  std::string text;
  for (int i = 0; i < depth; ++i) text += "States.Array(";
  return text + std::string(static_cast<size_t>(depth), ')');
}

INSTANTIATE_TEST_SUITE_P(
    Intrinsics, CheckIntrinsicTest,
    testing::Values(
        CheckCase{"States.UUID()", ""}, CheckCase{"States.Array()", ""},
        CheckCase{"States.Format('{}', $$.Execution.Id)", ""},
        CheckCase{"States.MathRandom(1, 2)", ""}, CheckCase{"States.MathRandom(1, 2, 3)", ""},
        CheckCase{"States.Array($.a[?(@.b > 1)], $['x,y'], $.c[0,1])", ""},
        CheckCase{Nested(10), ""}, CheckCase{"States.Foo()", "unknown function 'States.Foo'"},
        CheckCase{"States.format('x')", "unknown function"},
        CheckCase{"States.UUID(1)", "takes 0 argument(s), not 1"},
        CheckCase{"States.ArrayLength()", "takes 1 argument(s), not 0"},
        CheckCase{"States.JsonMerge($.a, $.b)", "takes 3 argument(s), not 2"},
        CheckCase{"States.MathRandom(1)", "takes 2 to 3 argument(s)"},
        CheckCase{"States.Format()", "takes at least 1 argument(s)"},
        CheckCase{"States.Format('abc)", "unterminated string literal"},
        CheckCase{"States.Format('abc", "unterminated string literal"},
        CheckCase{R"(States.Format('a\'))", "unterminated string literal"},
        CheckCase{R"(States.Format('\n'))", "invalid escape"},
        CheckCase{R"(States.Format('\"'))", "invalid escape"},
        CheckCase{R"(States.Format('abc\))", "invalid escape"},
        CheckCase{"States.Format(\"abc\")", "is not a string, number"},
        CheckCase{"States.Array(abc)", "'abc' is not a string, number"},
        CheckCase{"States.Array({})", "is not a string, number"},
        CheckCase{"States.Array(1,)", "missing argument"},
        CheckCase{"States.Array(,1)", "missing argument"},
        CheckCase{"States.Array(1 2)", "expected ',' or ')'"},
        CheckCase{"States.Array(1", "missing ')'"}, CheckCase{"States.Array(", "missing ')'"},
        CheckCase{"States.UUID() x", "unexpected text after"},
        CheckCase{" States.UUID()", "expected 'States.<Function>('"},
        CheckCase{"States.UUID", "expected '(' after States.UUID"},
        CheckCase{"States.ArrayLength($.a[)", "Invalid JSONPath '$.a[)'"},
        CheckCase{"States.ArrayLength($.)", "Invalid JSONPath"},
        CheckCase{"States.ArrayLength(States.Foo())", "unknown function"},
        CheckCase{Nested(11), "more than 10 nested function calls"},
        CheckCase{Nested(5000), "more than 10 nested function calls"}));

TEST(LooksLikeIntrinsicTest, RecognisesTheStartOfACall) {
  EXPECT_TRUE(LooksLikeIntrinsic("States.Format('x')"));
  EXPECT_TRUE(LooksLikeIntrinsic("States.Foo("));
  EXPECT_TRUE(LooksLikeIntrinsic("States.UUID()"));
  EXPECT_FALSE(LooksLikeIntrinsic("States.UUID"));
  EXPECT_FALSE(LooksLikeIntrinsic("States.(1)"));
  EXPECT_FALSE(LooksLikeIntrinsic("$.States.UUID()"));
  EXPECT_FALSE(LooksLikeIntrinsic(" States.UUID()"));
  EXPECT_FALSE(LooksLikeIntrinsic("$.a"));
  EXPECT_FALSE(LooksLikeIntrinsic(""));
}

}  // namespace
}  // namespace wfm::asl
