// SetUpLogging and LogFields: JSON lines carry the fields of the scopes open on the thread as keys
// of their own; text lines as key=value; scopes nest and end.
#include "core/logging.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace wfm {
namespace {

class LoggingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    previous_ = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink));
  }
  void TearDown() override { spdlog::set_default_logger(previous_); }
  // The lines written so far, and forgets them.
  std::vector<std::string> Lines() {
    std::vector<std::string> lines;
    std::string line;
    std::istringstream in(out_.str());
    while (std::getline(in, line)) lines.push_back(line);
    out_.str("");
    return lines;
  }

  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST_F(LoggingTest, JsonLinesCarryTheFieldsOfTheOpenScopes) {
  ASSERT_TRUE(SetUpLogging("info", "json").ok());
  {
    LogFields request{{"request_id", "r-1"}, {"job_id", ""}};
    spdlog::info("outer \"quoted\"");
    {
      LogFields job{{"job_id", "j-1"}, {"workflow", "w"}};
      spdlog::warn("inner");
    }
    spdlog::info("outer again");
  }
  spdlog::info("none");
  auto lines = Lines();
  ASSERT_EQ(lines.size(), 4u);
  auto first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["message"], "outer \"quoted\"");
  EXPECT_EQ(first["request_id"], "r-1");
  EXPECT_FALSE(first.contains("job_id"));  // empty values are left out
  auto inner = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(inner["level"], "warning");
  EXPECT_EQ(inner["request_id"], "r-1");
  EXPECT_EQ(inner["job_id"], "j-1");
  EXPECT_EQ(inner["workflow"], "w");
  EXPECT_FALSE(nlohmann::json::parse(lines[2]).contains("job_id"));
  EXPECT_FALSE(nlohmann::json::parse(lines[3]).contains("request_id"));
}

TEST_F(LoggingTest, TextLinesEndWithTheFields) {
  ASSERT_TRUE(SetUpLogging("info", "text").ok());
  {
    LogFields fields{{"task_id", "t-9"}};
    spdlog::info("adopted");
  }
  spdlog::info("plain");
  auto lines = Lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find(" info adopted task_id=t-9"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[1].find("task_id"), std::string::npos) << lines[1];
}

TEST_F(LoggingTest, RefusesUnknownLevelsAndFormats) {
  EXPECT_EQ(SetUpLogging("loud", "json").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(SetUpLogging("info", "xml").error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace wfm
