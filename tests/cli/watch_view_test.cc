// The job screen of `wfm job watch` and `wfm job get`, and the lines of a watch off a terminal.
#include "cli/watch_view.h"

#include <gtest/gtest.h>

#include "cli/cli_error.h"
#include "cli/terminal.h"
#include "cli/text_width.h"

namespace wfm::cli {
namespace {

using Json = nlohmann::json;

constexpr TimestampMs kNow = 1'795'826'612'000;  // 2026-11-28T00:43:32Z

// A three-state job as the service answers it ("no value" is null).
Json ThreeStateJob() {
  Json none = nullptr;
  // The workflow lists its states out of order: the screen follows startAt and next.
  Json workflow = {{"name", "report"},
                   {"revision", 2},
                   {"startAt", "extract"},
                   {"states",
                    {{{"name", "load"}, {"type", "Task"}, {"next", none}, {"end", true}},
                     {{"name", "extract"}, {"type", "Task"}, {"next", "transform"}, {"end", false}},
                     {{"name", "transform"}, {"type", "Task"}, {"next", "load"}, {"end", false}}}}};
  return {{"id", "job-1"},
          {"workflow", workflow},
          {"status", "RUNNING"},
          {"statusReason", none},
          {"createdAt", "2026-11-28T00:43:00.000Z"},
          {"startedAt", "2026-11-28T00:43:02.000Z"},
          {"stoppedAt", none},
          {"tasks",
           {{{"state", "extract"},
             {"status", "SUCCEEDED"},
             {"attempt", 1},
             {"statusReason", none},
             {"exitCode", 0},
             {"jobDefinition", "extract:1"},
             {"startedAt", "2026-11-28T00:43:02.000Z"},
             {"stoppedAt", "2026-11-28T00:43:07.500Z"}},
            {{"state", "transform"},
             {"status", "RUNNING"},
             {"attempt", 1},
             {"statusReason", none},
             {"exitCode", none},
             {"jobDefinition", "transform:3"},
             {"startedAt", "2026-11-28T00:43:08.000Z"},
             {"stoppedAt", none}},
            {{"state", "load"},
             {"status", "WAITING_FOR_DEPS"},
             {"attempt", 0},
             {"statusReason", none},
             {"exitCode", none},
             {"jobDefinition", none},
             {"startedAt", none},
             {"stoppedAt", none}}}}};
}

TEST(RenderJobScreen, ShowsTheJobThenItsStatesInWorkflowOrder) {
  EXPECT_EQ(
      RenderJobScreen(ThreeStateJob(), kNow, false),
      "Job:       job-1\n"
      "Workflow:  report (revision 2)\n"
      "Status:    RUNNING\n"
      "Elapsed:   30s\n"
      "\n"
      "STATE      STATUS            ATTEMPT  STARTED              DURATION  DEFINITION   REASON\n"
      "extract    SUCCEEDED         1        2026-11-28 00:43:02  5.5s      extract:1\n"
      "transform  RUNNING           1        2026-11-28 00:43:08  24s       transform:3\n"
      "load       WAITING_FOR_DEPS  -        -                    -         -\n");
}

TEST(RenderJobScreen, ShowsReasonsOfTheJobAndOfItsTasks) {
  Json job = ThreeStateJob();
  job["status"] = "FAILED";
  job["statusReason"] = "state 'transform' failed: exit code 3";
  job["stoppedAt"] = "2026-11-28T00:43:12.000Z";
  job["tasks"][1]["status"] = "FAILED";
  job["tasks"][1]["statusReason"] = "exit code 3";
  job["tasks"][1]["stoppedAt"] = "2026-11-28T00:43:12.000Z";
  job["tasks"][2]["status"] = "ABORTED_DEPS_FAILED";
  std::string screen = RenderJobScreen(job, kNow, false);
  EXPECT_NE(screen.find("Status:    FAILED (state 'transform' failed: exit code 3)\n"),
            std::string::npos)
      << screen;
  EXPECT_NE(screen.find("Elapsed:   10s\n"), std::string::npos) << screen;  // stoppedAt, not now
  EXPECT_NE(screen.find("transform  FAILED               1        2026-11-28 00:43:08  4.0s      "
                        "transform:3  exit code 3\n"),
            std::string::npos)
      << screen;
}

TEST(RenderJobScreen, KeepsItsNumberOfLinesAsTheJobMoves) {
  Json job = ThreeStateJob();
  size_t lines = LineCount(RenderJobScreen(job, kNow, true, 80));
  job["status"] = "CANCELLED";
  job["statusReason"] = "a very long reason " + std::string(200, 'x');
  for (auto& task : job["tasks"]) {
    task["status"] = "ABORTED_BY_USER";
    task["statusReason"] = job["statusReason"];
  }
  std::string screen = RenderJobScreen(job, kNow, true, 80);
  EXPECT_EQ(LineCount(screen), lines);
  for (size_t start = 0; start < screen.size(); start = screen.find('\n', start) + 1) {
    EXPECT_LE(VisibleWidth(screen.substr(start, screen.find('\n', start) - start)), 80u);
  }
}

TEST(RenderJobScreen, ColoursStatusesOnATerminalOnly) {
  std::string tty = RenderJobScreen(ThreeStateJob(), kNow, true);
  EXPECT_NE(tty.find("\x1b[32mSUCCEEDED\x1b[0m"), std::string::npos);         // green
  EXPECT_NE(tty.find("\x1b[33mRUNNING\x1b[0m"), std::string::npos);           // yellow
  EXPECT_NE(tty.find("\x1b[90mWAITING_FOR_DEPS\x1b[0m"), std::string::npos);  // grey
  EXPECT_EQ(RenderJobScreen(ThreeStateJob(), kNow, false).find('\x1b'), std::string::npos);
  Json cancelled = ThreeStateJob();
  cancelled["status"] = "CANCELLED";
  cancelled["tasks"][0]["status"] = "FAILED";
  cancelled["tasks"][1]["status"] = "ABORTED_BY_USER";
  tty = RenderJobScreen(cancelled, kNow, true);
  EXPECT_NE(tty.find("\x1b[35mCANCELLED\x1b[0m"), std::string::npos);  // magenta
  EXPECT_NE(tty.find("\x1b[35mABORTED_BY_USER\x1b[0m"), std::string::npos);
  EXPECT_NE(tty.find("\x1b[31mFAILED\x1b[0m"), std::string::npos);  // red
}

TEST(RenderJobScreen, ColouredColumnsStayAligned) {
  std::string tty = RenderJobScreen(ThreeStateJob(), kNow, true);
  std::string plain = RenderJobScreen(ThreeStateJob(), kNow, false);
  std::string stripped;
  for (size_t i = 0; i < tty.size(); ++i) {
    if (tty[i] == '\x1b') {
      i = tty.find('m', i);
      continue;
    }
    stripped += tty[i];
  }
  EXPECT_EQ(stripped, plain);
}

TEST(JobChangeLines, FirstSightNamesTheJobAndEveryState) {
  Json job = ThreeStateJob();
  EXPECT_EQ(
      JobChangeLines(nullptr, job),
      (std::vector<std::string>{
          "job job-1 of report (revision 2): RUNNING", "extract: SUCCEEDED (attempt 1, extract:1)",
          "transform: RUNNING (attempt 1, transform:3)", "load: WAITING_FOR_DEPS"}));
}

TEST(JobChangeLines, FirstSightOfAFailedJobSaysWhichStateFailed) {
  Json job = ThreeStateJob();
  job["status"] = "FAILED";
  job["statusReason"] = "state 'transform' failed: exit code 3";
  EXPECT_EQ(JobChangeLines(nullptr, job)[0],
            "job job-1 of report (revision 2): FAILED: state 'transform' failed: exit code 3");
}

TEST(JobChangeLines, NamesOnlyWhatChanged) {
  Json before = ThreeStateJob();
  Json after = before;
  EXPECT_TRUE(JobChangeLines(&before, after).empty());
  after["tasks"][1]["status"] = "FAILED";
  after["tasks"][1]["statusReason"] = "exit code 3";
  after["tasks"][2]["status"] = "ABORTED_DEPS_FAILED";
  after["status"] = "FAILED";
  after["statusReason"] = "state 'transform' failed: exit code 3";
  EXPECT_EQ(JobChangeLines(&before, after),
            (std::vector<std::string>{"transform: FAILED (attempt 1, transform:3): exit code 3",
                                      "load: ABORTED_DEPS_FAILED",
                                      "job: FAILED: state 'transform' failed: exit code 3"}));
}

TEST(JobChangeLines, ANewAttemptIsAChange) {
  Json before = ThreeStateJob();
  Json after = before;
  after["tasks"][1]["attempt"] = 2;
  EXPECT_EQ(JobChangeLines(&before, after),
            std::vector<std::string>{"transform: RUNNING (attempt 2, transform:3)"});
}

TEST(JobChangeLines, ANewJobDefinitionIsAChange) {
  Json before = ThreeStateJob();
  Json after = before;
  after["tasks"][2]["jobDefinition"] = "load:1";  // known before the task's first attempt
  after["tasks"][1]["jobDefinition"] = "transform:4";
  EXPECT_EQ(JobChangeLines(&before, after),
            (std::vector<std::string>{"transform: RUNNING (attempt 1, transform:4)",
                                      "load: WAITING_FOR_DEPS (load:1)"}));
}

TEST(StatesInOrder, FollowsNextThenAddsStatesOffTheChain) {
  Json job = ThreeStateJob();
  EXPECT_EQ(StatesInOrder(job), (std::vector<std::string>{"extract", "transform", "load"}));
  job["workflow"]["states"].push_back({{"name", "orphan"}, {"type", "Task"}});
  job["tasks"].push_back({{"state", "ghost"}, {"status", "QUEUED"}});
  EXPECT_EQ(StatesInOrder(job),
            (std::vector<std::string>{"extract", "transform", "load", "orphan", "ghost"}));
  EXPECT_TRUE(StatesInOrder(Json::object()).empty());
}

TEST(StatesInOrder, StopsOnACycle) {
  Json job = ThreeStateJob();
  job["workflow"]["states"][0]["next"] = "extract";  // load -> extract
  EXPECT_EQ(StatesInOrder(job), (std::vector<std::string>{"extract", "transform", "load"}));
}

TEST(JobWatchExitCode, IsZeroOneOrTwo) {
  EXPECT_EQ(JobWatchExitCode("SUCCEEDED"), kWatchSucceeded);
  EXPECT_EQ(JobWatchExitCode("FAILED"), kWatchFailed);
  EXPECT_EQ(JobWatchExitCode("CANCELLED"), kWatchCancelled);
  EXPECT_TRUE(IsJobFinished("CANCELLED"));
  EXPECT_FALSE(IsJobFinished("RUNNING"));
  EXPECT_FALSE(IsJobFinished("QUEUED"));
}

}  // namespace
}  // namespace wfm::cli
