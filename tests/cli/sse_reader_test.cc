// The Server-Sent Events parser behind `wfm job watch`.
#include "cli/sse_reader.h"

#include <gtest/gtest.h>

namespace wfm::cli {
namespace {

TEST(SseReader, ReadsTheServicesJobEvents) {
  SseReader reader;
  auto events = reader.Feed(
      "event: job\ndata: {\"id\":\"a\"}\n\n: keep-alive\n\nevent: job\n"
      "data: {\"id\":\"b\"}\n\n");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, "job");
  EXPECT_EQ(events[0].data, "{\"id\":\"a\"}");
  EXPECT_EQ(events[1].data, "{\"id\":\"b\"}");
}

TEST(SseReader, AssemblesEventsCutAnywhere) {
  std::string stream = "event: job\r\ndata: first\r\ndata: second\r\nid: 7\r\n\r\n";
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    SseReader reader;
    auto events = reader.Feed(stream.substr(0, cut));
    auto rest = reader.Feed(stream.substr(cut));
    events.insert(events.end(), rest.begin(), rest.end());
    ASSERT_EQ(events.size(), 1u) << "cut at " << cut;
    EXPECT_EQ(events[0].type, "job");
    EXPECT_EQ(events[0].data, "first\nsecond");
    EXPECT_EQ(events[0].id, "7");
  }
}

TEST(SseReader, FollowsTheStandardsFieldRules) {
  SseReader reader;
  // No space after the colon; a bare "data" line is an empty data line; a lone '\r' ends a line;
  // an event without data is dropped; an event without a type is a "message".
  auto events = reader.Feed("data:x\rdata\r\revent: nothing\n\nretry: 5\nunknown: y\ndata: z\n\n");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, "message");
  EXPECT_EQ(events[0].data, "x\n");
  EXPECT_EQ(events[1].type, "message");
  EXPECT_EQ(events[1].data, "z");
}

TEST(SseReader, HoldsAnUnfinishedEvent) {
  SseReader reader;
  EXPECT_TRUE(reader.Feed("event: job\ndata: {}\n").empty());
  EXPECT_EQ(reader.Feed("\n").size(), 1u);
}

}  // namespace
}  // namespace wfm::cli
