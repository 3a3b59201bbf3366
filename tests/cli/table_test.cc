// Tables, field lists, terminal widths and in-place redraws.
#include "cli/table.h"

#include <gtest/gtest.h>

#include "cli/status_colour.h"
#include "cli/terminal.h"
#include "cli/text_width.h"

namespace wfm::cli {
namespace {

TEST(RenderTable, AlignsColumnsToTheWidestCellWithoutTrailingSpaces) {
  EXPECT_EQ(RenderTable({"NAME", "REVISION", "DESCRIPTION"},
                        {{"hello-workflow", "0", "three steps"}, {"x", "12", ""}}),
            "NAME            REVISION  DESCRIPTION\n"
            "hello-workflow  0         three steps\n"
            "x               12\n");
}

TEST(RenderTable, PadsShortRowsAndPrintsTheHeaderAlone) {
  EXPECT_EQ(RenderTable({"A", "B"}, {{"only-a"}}), "A       B\nonly-a\n");
  EXPECT_EQ(RenderTable({"ID", "STATUS"}, {}), "ID  STATUS\n");
}

TEST(RenderTable, CountsColumnsNotBytes) {
  EXPECT_EQ(RenderTable({"STATE", "STATUS"}, {{"été", ColourStatus("RUNNING", true)}, {"a", "b"}}),
            "STATE  STATUS\n"
            "été    \x1b[33mRUNNING\x1b[0m\n"
            "a      b\n");
}

TEST(RenderFields, AlignsValues) {
  EXPECT_EQ(RenderFields({{"Job", "j-1"}, {"Workflow", "w"}, {"Reason", ""}}),
            "Job:       j-1\n"
            "Workflow:  w\n"
            "Reason:\n");
}

TEST(TextWidth, SkipsEscapesAndCountsCodePoints) {
  EXPECT_EQ(VisibleWidth("abc"), 3u);
  EXPECT_EQ(VisibleWidth("\x1b[31mabc\x1b[0m"), 3u);
  EXPECT_EQ(VisibleWidth("naïve"), 5u);
  EXPECT_EQ(TruncateVisible("abcdef", 4), "abcd");
  EXPECT_EQ(TruncateVisible("abcdef", 0), "abcdef");
  EXPECT_EQ(TruncateVisible("ab", 4), "ab");
  EXPECT_EQ(TruncateVisible("ééé", 2), "éé");
  EXPECT_EQ(TruncateVisible("\x1b[31mabcdef\x1b[0m", 3), "\x1b[31mabc\x1b[0m");
  EXPECT_EQ(TruncateLines("abcdef\nxy\n", 3), "abc\nxy\n");
  EXPECT_EQ(PadVisible("\x1b[31mab\x1b[0m", 4), "\x1b[31mab\x1b[0m  ");
}

TEST(RedrawSequence, FirstDrawWritesTheLinesAndClearsBelow) {
  EXPECT_EQ(RedrawSequence(0, "a\nb\n"), "\x1b[2Ka\n\x1b[2Kb\n\x1b[J");
}

TEST(RedrawSequence, LaterDrawsGoBackUpOverThePreviousLines) {
  EXPECT_EQ(RedrawSequence(2, "c\nd\n"), "\x1b[2A\r\x1b[2Kc\n\x1b[2Kd\n\x1b[J");
  EXPECT_EQ(LineCount("c\nd\n"), 2u);
}

TEST(ColourStatus, LeavesUnknownStatusesAndPlainOutputAlone) {
  EXPECT_EQ(ColourStatus("SUCCEEDED", false), "SUCCEEDED");
  EXPECT_EQ(ColourStatus("SOMETHING", true), "SOMETHING");
  EXPECT_EQ(ColourStatus("TIMED_OUT", true), "\x1b[31mTIMED_OUT\x1b[0m");
  EXPECT_EQ(ColourStatus("PENDING_REDRIVE", true), "\x1b[90mPENDING_REDRIVE\x1b[0m");
}

}  // namespace
}  // namespace wfm::cli
