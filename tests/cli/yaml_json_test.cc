// YAML read as JSON (workflow files) and JSON written as YAML (--output yaml).
#include "cli/yaml_json.h"

#include <gtest/gtest.h>

namespace wfm::cli {
namespace {

using Json = nlohmann::json;

Json Yaml(const std::string& text) {
  auto json = YamlToJson(text);
  EXPECT_TRUE(json.ok()) << json.error().message;
  return json.ok() ? *json : Json();
}

TEST(YamlToJson, ReadsAWorkflowAsItsJson) {
  EXPECT_EQ(Yaml(R"(
name: hello-workflow
description: "Three steps: a, b"   # a comment
startAt: start-state
states:
  - name: start-state
    type: Task
    resource: echo:1
    next: second-state
  - {name: second-state, type: Task, resource: echo, end: true}
)"),
            Json::parse(R"({"name": "hello-workflow", "description": "Three steps: a, b",
                            "startAt": "start-state",
                            "states": [{"name": "start-state", "type": "Task",
                                        "resource": "echo:1", "next": "second-state"},
                                       {"name": "second-state", "type": "Task",
                                        "resource": "echo", "end": true}]})"));
}

TEST(YamlToJson, TypesPlainScalarsByTheCoreSchema) {
  EXPECT_EQ(Yaml("[~, null, Null, true, False, 12, -3, 0x1f, 0o17, 1.5, -2e3, .5, yes, on, abc]"),
            Json::parse(R"([null, null, null, true, false, 12, -3, 31, 15, 1.5, -2000.0, 0.5,
                            "yes", "on", "abc"])"));
  EXPECT_EQ(Yaml("a:\nb: ''\n"), Json::parse(R"({"a": null, "b": ""})"));
}

TEST(YamlToJson, KeepsQuotedAndBlockScalarsAsStrings) {
  EXPECT_EQ(Yaml("- '12'\n- \"true\"\n- !!str 3\n- |\n  two\n  lines\n- .inf\n"),
            Json::parse(R"(["12", "true", "3", "two\nlines\n", ".inf"])"));
}

TEST(YamlToJson, ResolvesAnchorsAndAliases) {
  EXPECT_EQ(Yaml("base: &b {image: debian}\ncopy: *b\n"),
            Json::parse(R"({"base": {"image": "debian"}, "copy": {"image": "debian"}})"));
}

TEST(YamlToJson, SaysWhereTheTextIsWrong) {
  auto bad = YamlToJson("name: x\nstates: [a, b\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("YAML line "), std::string::npos) << bad.error().message;
  EXPECT_FALSE(YamlToJson("").ok());
  auto two = YamlToJson("a: 1\n---\nb: 2\n");
  ASSERT_FALSE(two.ok());
  EXPECT_NE(two.error().message.find("2 documents"), std::string::npos) << two.error().message;
}

TEST(JsonToYaml, WritesBlockYaml) {
  EXPECT_EQ(JsonToYaml(Json::parse(R"({"name": "w", "states": [{"name": "a", "end": true}],
                                       "data": [], "env": {}})")),
            "data: []\n"
            "env: {}\n"
            "name: w\n"
            "states:\n"
            "  - end: true\n"
            "    name: a\n");
}

TEST(JsonToYaml, QuotesStringsAReaderWouldTakeForSomethingElse) {
  EXPECT_EQ(JsonToYaml(Json::parse(R"(["12", "true", "yes", "null", "", "2026-11-28T00:43:32Z",
                                       "-1", ".5", "plain text", 12, 1.5, null, false])")),
            "- \"12\"\n- \"true\"\n- \"yes\"\n- \"null\"\n- \"\"\n- \"2026-11-28T00:43:32Z\"\n"
            "- \"-1\"\n- \".5\"\n- plain text\n- 12\n- 1.5\n- ~\n- false\n");
}

TEST(JsonToYaml, RoundTripsThroughYamlToJson) {
  Json value = Json::parse(R"json({
    "id": "40218fa8-9995-449c-88b8-76118ed0068d", "status": "SUCCEEDED", "statusReason": null,
    "data": ["$(rm -rf /)", "a: b", "- x", "#not a comment", "multi\nline", "tab\there",
             "quote\"s and 'single'", " leading space", "trailing space ", "ünïcode", "{", "[",
             "*star", "&amp", "!bang", "%percent", "@at", "`tick", "?", ":", "~", "0x1f",
             "1e3", ".inf", "NaN", "Off"],
    "numbers": [0, -1, 123456789012, 1.25, -0.5, 1e300],
    "nested": {"empty": {}, "list": [[], [{}]], "key with: colon": true, "123": "numeric key"}})json");
  auto back = YamlToJson(JsonToYaml(value));
  ASSERT_TRUE(back.ok()) << back.error().message << "\n" << JsonToYaml(value);
  EXPECT_EQ(*back, value) << JsonToYaml(value);
}

}  // namespace
}  // namespace wfm::cli
