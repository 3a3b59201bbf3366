#include "asl/paths.h"

#include <gtest/gtest.h>

#include <string>

namespace wfm::asl {
namespace {

// The store of the JsonPath reference examples (Goessner; Jayway's README).
const Json kStore = Json::parse(R"({
  "store": {
    "book": [
      {"category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century",
       "price": 8.95},
      {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour",
       "price": 12.99},
      {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick",
       "isbn": "0-553-21311-3", "price": 8.99},
      {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings",
       "isbn": "0-395-19395-8", "price": 22.99}
    ],
    "bicycle": {"color": "red", "price": 19.95}
  },
  "expensive": 10,
  "odd keys": {"a b": 1, "it's": 2, "a.b": 3, "dash-ed": 4, "": 5}
})");

struct PathCase {
  std::string path;
  bool valid;
};

class CheckPathTest : public testing::TestWithParam<PathCase> {};

TEST_P(CheckPathTest, AcceptsWellFormedAndNamesWhatIsWrong) {
  std::string problem = CheckPath(GetParam().path);
  if (GetParam().valid) {
    EXPECT_EQ(problem, "") << GetParam().path;
  } else {
    EXPECT_NE(problem, "") << GetParam().path;
    EXPECT_NE(problem.find(GetParam().path), std::string::npos) << problem;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Paths, CheckPathTest,
    testing::Values(
        PathCase{"$", true}, PathCase{"$$", true}, PathCase{"$.a", true}, PathCase{"$.a.b.c", true},
        PathCase{"$['a b']", true}, PathCase{R"($["a b"])", true}, PathCase{R"($['it\'s'])", true},
        PathCase{"$.a[0]", true}, PathCase{"$.a[-1]", true}, PathCase{"$.a[*]", true},
        PathCase{"$.*", true}, PathCase{"$..a", true}, PathCase{"$..*", true},
        PathCase{"$..[0]", true}, PathCase{"$.a[1:3]", true}, PathCase{"$.a[:2]", true},
        PathCase{"$.a[-2:]", true}, PathCase{"$.a[::2]", true}, PathCase{"$.a[0,1]", true},
        PathCase{"$['a','b']", true}, PathCase{"$.a[ 0 , 2 ]", true},
        PathCase{"$.a[?(@.price < 10)]", true}, PathCase{"$.a[?(@.b)]", true},
        PathCase{"$.a[?(@.x == 'y' && @.z > 1 || !(@.w))]", true},
        PathCase{"$.a[?(@.price <= $.expensive)]", true}, PathCase{"$.a[?(@.n != null)]", true},
        PathCase{"$.a[?(@.n >= -1.5e2)]", true}, PathCase{"$$.Execution.Id", true},
        PathCase{"$$.Map.Item.Value", true}, PathCase{"$$.State.RetryCount", true},
        PathCase{"$var", true}, PathCase{"$var.field", true}, PathCase{"$my_var2[0]", true},
        PathCase{"$.dash-ed", true}, PathCase{"$.a.b[0].c['d'][1]", true},
        // Malformed.
        PathCase{"", false}, PathCase{"a", false}, PathCase{"$.", false}, PathCase{"$.a.", false},
        PathCase{"$a b", false}, PathCase{"$.a[", false}, PathCase{"$.a[0", false},
        PathCase{"$.a['b", false}, PathCase{"$.a['b']x", false}, PathCase{"$.a[?(@.b < )]", false},
        PathCase{"$.a[?(@.b <]", false}, PathCase{"$.a[?(@.b < 1]", false},
        PathCase{"$.a[?@.b]", false}, PathCase{"$.a b", false}, PathCase{"$..", false},
        PathCase{"$[]", false}, PathCase{"$.a]", false}, PathCase{"$.a[0:1:0]", false},
        PathCase{"$.a[x]", false}, PathCase{"$.a[?(1)]", false}, PathCase{"$1", false},
        PathCase{" $.a", false}, PathCase{"$.a ", false},
        PathCase{"$.a[99999999999999999999]", false}, PathCase{"$.a[?(@.b == $v)]", false},
        // Hostile: nesting deeper than the parser allows.
        PathCase{"$.a[?(" + std::string(200, '(') + "@.b" + std::string(200, ')') + ")]", false},
        PathCase{"$.a[?(" + std::string(200, '!') + "@.b)]", false}));

class ReferencePathTest : public testing::TestWithParam<PathCase> {};

TEST_P(ReferencePathTest, AcceptsOnlyPathsToOneNodeOfTheInput) {
  EXPECT_EQ(CheckReferencePath(GetParam().path).empty(), GetParam().valid) << GetParam().path;
}

INSTANTIATE_TEST_SUITE_P(Paths, ReferencePathTest,
                         testing::Values(PathCase{"$", true}, PathCase{"$.a", true},
                                         PathCase{"$.a[0]", true}, PathCase{"$['a b'].c", true},
                                         PathCase{"$.a.b.c", true}, PathCase{"$.a[-1]", true},
                                         PathCase{"$$.Execution", false}, PathCase{"$var", false},
                                         PathCase{"$.a[*]", false}, PathCase{"$..a", false},
                                         PathCase{"$.a[0,1]", false}, PathCase{"$['a','b']", false},
                                         PathCase{"$.a[1:2]", false},
                                         PathCase{"$.a[?(@.x)]", false}, PathCase{"$.*", false},
                                         PathCase{"$.a[", false}, PathCase{"a", false}));

TEST(IsIndefiniteTest, TellsPathsThatSelectSeveralNodes) {
  for (const char* path :
       {"$.a[*]", "$..a", "$.a[0,1]", "$.a[1:2]", "$.a[?(@.x)]", "$.*", "$$.a[*]", "$v[*]"}) {
    EXPECT_TRUE(IsIndefinite(path)) << path;
  }
  for (const char* path : {"$", "$.a", "$.a[0]", "$.a[-1]", "$$.Execution.Id", "$v.x", "$['a']",
                           "not a path", "$.a["}) {
    EXPECT_FALSE(IsIndefinite(path)) << path;
  }
}

struct EvaluateCase {
  std::string path;
  std::string expected;  // JSON text
};

class EvaluatePathTest : public testing::TestWithParam<EvaluateCase> {};

TEST_P(EvaluatePathTest, SelectsWhatJaywaySelects) {
  PathScope scope{.input = &kStore, .context = nullptr, .variables = nullptr};
  Result<Json> value = EvaluatePath(GetParam().path, scope);
  ASSERT_TRUE(value.ok()) << GetParam().path << ": " << value.error().message;
  EXPECT_EQ(*value, Json::parse(GetParam().expected)) << GetParam().path;
}

INSTANTIATE_TEST_SUITE_P(
    Paths, EvaluatePathTest,
    testing::Values(
        EvaluateCase{"$.store.bicycle.color", R"("red")"},
        EvaluateCase{"$['store']['bicycle']['price']", "19.95"},
        EvaluateCase{"$.store.book[0].title", R"("Sayings of the Century")"},
        EvaluateCase{"$.store.book[-1].title", R"("The Lord of the Rings")"},
        EvaluateCase{"$.expensive", "10"}, EvaluateCase{"$['odd keys']['a b']", "1"},
        EvaluateCase{R"($['odd keys']['it\'s'])", "2"}, EvaluateCase{"$['odd keys']['a.b']", "3"},
        EvaluateCase{"$['odd keys'].dash-ed", "4"}, EvaluateCase{"$['odd keys']['']", "5"},
        EvaluateCase{"$.store.book[*].author",
                     R"(["Nigel Rees", "Evelyn Waugh", "Herman Melville", "J. R. R. Tolkien"])"},
        EvaluateCase{"$..author",
                     R"(["Nigel Rees", "Evelyn Waugh", "Herman Melville", "J. R. R. Tolkien"])"},
        // Members are visited in document order ("book" before "bicycle"), as Jayway does.
        EvaluateCase{"$.store..price", "[8.95, 12.99, 8.99, 22.99, 19.95]"},
        EvaluateCase{"$..book[2].title", R"(["Moby Dick"])"},
        EvaluateCase{"$..book[-1].title", R"(["The Lord of the Rings"])"},
        EvaluateCase{"$..book[0,1].title", R"(["Sayings of the Century", "Sword of Honour"])"},
        EvaluateCase{"$..book[:2].price", "[8.95, 12.99]"},
        EvaluateCase{"$..book[1:2].price", "[12.99]"},
        EvaluateCase{"$..book[-2:].price", "[8.99, 22.99]"},
        EvaluateCase{"$..book[::2].price", "[8.95, 8.99]"},
        EvaluateCase{"$..book[::-1].price", "[22.99, 8.99, 12.99, 8.95]"},
        EvaluateCase{"$..book[10:20]", "[]"},
        EvaluateCase{"$..book[?(@.isbn)].title", R"(["Moby Dick", "The Lord of the Rings"])"},
        EvaluateCase{"$..book[?(!(@.isbn))].price", "[8.95, 12.99]"},
        EvaluateCase{"$.store.book[?(@.price < 10)].price", "[8.95, 8.99]"},
        EvaluateCase{"$..book[?(@.price <= $['expensive'])].price", "[8.95, 8.99]"},
        EvaluateCase{"$..book[?(@.author == 'Herman Melville')].price", "[8.99]"},
        EvaluateCase{R"($..book[?(@.author != "Herman Melville")].price)", "[8.95, 12.99, 22.99]"},
        EvaluateCase{"$..book[?(@.category == 'fiction' && @.price > 20)].price", "[22.99]"},
        EvaluateCase{"$..book[?(@.price < 9 || @.price > 20)].price", "[8.95, 8.99, 22.99]"},
        EvaluateCase{"$..book[?(@.price >= 12.99 && (@.isbn || @.author > 'E'))].price",
                     "[12.99, 22.99]"},
        EvaluateCase{"$..book[?(@.missing < 10)]", "[]"},
        EvaluateCase{"$.store.bicycle[?(@.color == 'red')].price", "[19.95]"},
        EvaluateCase{"$.store.*.color", R"(["red"])"},
        EvaluateCase{"$['store']['bicycle','book'][0].price", "[8.95]"},
        EvaluateCase{"$.nothing[*]", "[]"}, EvaluateCase{"$..nothing", "[]"}));

TEST(EvaluatePathTest, ReadsTheContextObjectAndVariables) {
  Json input = {{"a", 1}};
  Json context = {{"Execution", {{"Id", "arn:x"}}}, {"Map", {{"Item", {{"Index", 2}}}}}};
  Json variables = {{"count", 3}, {"user", {{"name", "ann"}, {"tags", {"x", "y"}}}}};
  PathScope scope{.input = &input, .context = &context, .variables = &variables};
  EXPECT_EQ(EvaluatePath("$$.Execution.Id", scope).value(), "arn:x");
  EXPECT_EQ(EvaluatePath("$$.Map.Item.Index", scope).value(), 2);
  EXPECT_EQ(EvaluatePath("$$", scope).value(), context);
  EXPECT_EQ(EvaluatePath("$count", scope).value(), 3);
  EXPECT_EQ(EvaluatePath("$user.name", scope).value(), "ann");
  EXPECT_EQ(EvaluatePath("$user.tags[1]", scope).value(), "y");
  EXPECT_EQ(EvaluatePath("$user.tags[*]", scope).value(), Json::parse(R"(["x","y"])"));
  EXPECT_EQ(EvaluatePath("$", scope).value(), input);

  Result<Json> undefined = EvaluatePath("$nobody", scope);
  ASSERT_FALSE(undefined.ok());
  EXPECT_NE(undefined.error().message.find("'nobody' is not defined"), std::string::npos);
  PathScope no_variables{.input = &input, .context = &context, .variables = nullptr};
  EXPECT_FALSE(EvaluatePath("$count", no_variables).ok());
}

TEST(EvaluatePathTest, ADefinitePathThatSelectsNothingIsAnErrorNamingThePath) {
  PathScope scope{.input = &kStore, .context = nullptr, .variables = nullptr};
  for (const char* path : {"$.missing", "$.store.book[10]", "$.store.book[-5]",
                           "$.store.bicycle.color.x", "$.store.book.x", "$$.Execution"}) {
    Result<Json> value = EvaluatePath(path, scope);
    ASSERT_FALSE(value.ok()) << path;
    EXPECT_EQ(value.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(value.error().message.find(path), std::string::npos) << value.error().message;
  }
  Result<Json> missing = EvaluatePath("$.store.book[1].missing", scope);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("No results for path: $['store']['book'][1]['missing']"),
            std::string::npos)
      << missing.error().message;
  EXPECT_FALSE(EvaluatePath("$.a[", scope).ok());
}

TEST(EvaluatePathTest, ANullValueIsFoundNotMissing) {
  Json input = {{"a", nullptr}};
  PathScope scope{.input = &input, .context = nullptr, .variables = nullptr};
  Result<Json> value = EvaluatePath("$.a", scope);
  ASSERT_TRUE(value.ok());
  EXPECT_TRUE(value->is_null());
}

TEST(EvaluatePathTest, DeepScanOfADeeplyNestedDocument) {
  Json input = 1;
  for (int i = 0; i < 200; ++i) {
    Json wrapper = Json::object();
    wrapper["n"] = std::move(input);
    input = std::move(wrapper);
  }
  PathScope scope{.input = &input, .context = nullptr, .variables = nullptr};
  Result<Json> value = EvaluatePath("$..n", scope);
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value->size(), 200u);
  EXPECT_EQ(value->back(), 1);
}

TEST(EvaluatePathTest, DeepScanOfHostilelyDeepInputDoesNotExhaustTheStack) {
  const int depth = 100000;
  std::string text;
  for (int i = 0; i < depth; ++i) text += R"({"a":)";
  text += R"({"n": 7})" + std::string(depth, '}');
  Json input = Json::parse(text);
  PathScope scope{.input = &input, .context = nullptr, .variables = nullptr};
  Result<Json> value = EvaluatePath("$..n", scope);
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value->dump(), "[7]");
}

struct ResultPathCase {
  std::string path;
  std::string input;
  std::string result;
  std::string expected;  // JSON text; empty when the path can't be applied
};

class ApplyResultPathTest : public testing::TestWithParam<ResultPathCase> {};

TEST_P(ApplyResultPathTest, PlacesTheResultCreatingMissingFields) {
  const ResultPathCase& c = GetParam();
  Result<Json> output = ApplyResultPath(c.path, Json::parse(c.input), Json::parse(c.result));
  if (c.expected.empty()) {
    ASSERT_FALSE(output.ok()) << c.path << " gave " << output->dump();
    EXPECT_EQ(output.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(output.error().message.find(c.path), std::string::npos) << output.error().message;
  } else {
    ASSERT_TRUE(output.ok()) << c.path << ": " << output.error().message;
    EXPECT_EQ(*output, Json::parse(c.expected)) << c.path;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Paths, ApplyResultPathTest,
    testing::Values(
        ResultPathCase{"$", R"({"a": 1})", R"("r")", R"("r")"},
        ResultPathCase{"$.r", R"({"a": 1})", R"({"x": 2})", R"({"a": 1, "r": {"x": 2}})"},
        // The specification's example: ResultPath "$.master.detail" replaces a subtree.
        ResultPathCase{"$.master.detail", R"({"master": {"detail": [1, 2, 3]}})", R"("Hello")",
                       R"({"master": {"detail": "Hello"}})"},
        ResultPathCase{"$.a.b.c", "{}", "1", R"({"a": {"b": {"c": 1}}})"},
        ResultPathCase{"$.a.b", R"({"a": {"x": 0}})", "1", R"({"a": {"x": 0, "b": 1}})"},
        ResultPathCase{"$.a", R"({"a": [1]})", "2", R"({"a": 2})"},
        ResultPathCase{"$.a.b", R"({"a": null})", "1", R"({"a": {"b": 1}})"},
        ResultPathCase{"$['my key'].x", "{}", "true", R"({"my key": {"x": true}})"},
        ResultPathCase{"$.list[1]", R"({"list": [1, 2, 3]})", "9", R"({"list": [1, 9, 3]})"},
        ResultPathCase{"$.list[-1].v", R"({"list": [{}, {}]})", "9", R"({"list": [{}, {"v": 9}]})"},
        ResultPathCase{"$.r", "{}", "null", R"({"r": null})"},
        // Can't be applied.
        ResultPathCase{"$.a.b", R"({"a": 5})", "1", ""},
        ResultPathCase{"$.a.b", R"({"a": "text"})", "1", ""},
        ResultPathCase{"$.r", R"("a string input")", "1", ""},
        ResultPathCase{"$.r", "[1, 2]", "1", ""},
        ResultPathCase{"$.list[3]", R"({"list": [1, 2, 3]})", "1", ""},
        ResultPathCase{"$.list[0]", R"({"list": {"0": 1}})", "1", ""},
        ResultPathCase{"$.a[*]", R"({"a": [1]})", "1", ""}, ResultPathCase{"$$.x", "{}", "1", ""},
        ResultPathCase{"$v.x", "{}", "1", ""}, ResultPathCase{"$.a[", "{}", "1", ""}));

}  // namespace
}  // namespace wfm::asl
