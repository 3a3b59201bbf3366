// `wfm job watch` against a scripted HTTP service on loopback: the job's event stream, the
// polling when that stream ends before the job, and the errors.
#include "cli/job_watch.h"

#include <gtest/gtest.h>

#include "cli/cli_error.h"
#include "scripted_service.h"

namespace wfm::cli {
namespace {

using Json = nlohmann::json;

Json JobWith(const std::string& job_status, const std::string& task_status) {
  return {{"id", "j1"},
          {"status", job_status},
          {"statusReason", nullptr},
          {"workflow",
           {{"name", "w"},
            {"revision", 0},
            {"startAt", "only"},
            {"states", {{{"name", "only"}, {"next", nullptr}, {"end", true}}}}}},
          {"tasks", {{{"state", "only"}, {"status", task_status}, {"attempt", 1}}}}};
}

std::string Event(const Json& job) { return "event: job\ndata: " + job.dump() + "\n\n"; }

// Runs WatchJob on a captured stdout (not a terminal): the exit code and what it printed.
std::pair<int, std::string> Watch(const ScriptedService& service) {
  ::testing::internal::CaptureStdout();
  int code = -1;
  try {
    code = WatchJob(ServiceClient(service.address()), "j1");
  } catch (...) {
    ::testing::internal::GetCapturedStdout();
    throw;
  }
  return {code, ::testing::internal::GetCapturedStdout()};
}

TEST(WatchJob, FollowsTheEventStream) {
  ScriptedService service(
      {{"/events?job=j1",
        Answer(200, "text/event-stream",
               Event(JobWith("QUEUED", "QUEUED")) + ": keep-alive\n\n" +
                   Event(JobWith("RUNNING", "RUNNING")) + Event(JobWith("SUCCEEDED", "SUCCEEDED")),
               false)}});
  auto [code, out] = Watch(service);
  EXPECT_EQ(code, kWatchSucceeded);
  EXPECT_NE(out.find("job j1 of w (revision 0): QUEUED\nonly: QUEUED (attempt 1)\n"
                     "only: RUNNING (attempt 1)\njob: RUNNING\n"
                     "only: SUCCEEDED (attempt 1)\njob: SUCCEEDED\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("Status:    SUCCEEDED\n"), std::string::npos) << out;   // the final screen
  EXPECT_EQ(service.targets(), std::vector<std::string>{"/events?job=j1"});  // no polling
}

TEST(WatchJob, PollsWhenTheStreamEndsBeforeTheJob) {
  ScriptedService service({{"/events?job=j1", Answer(200, "text/event-stream",
                                                     Event(JobWith("RUNNING", "RUNNING")), false)},
                           {"/jobs/j1", JsonAnswer(200, JobWith("FAILED", "FAILED"))}});
  auto [code, out] = Watch(service);
  EXPECT_EQ(code, kWatchFailed);
  EXPECT_NE(out.find("only: RUNNING (attempt 1)\nonly: FAILED (attempt 1)\njob: FAILED\n"),
            std::string::npos)
      << out;
}

TEST(WatchJob, PollsWhenTheConnectionIsCut) {
  std::string stream = Event(JobWith("RUNNING", "RUNNING"));
  // The answer promises more than it sends: the connection ends in the middle of the body.
  ScriptedService service(
      {{"/events?job=j1",
        Answer(200, "text/event-stream", stream, false,
               "Content-Length: " + std::to_string(stream.size() + 100) + "\r\n")},
       {"/jobs/j1", JsonAnswer(200, JobWith("SUCCEEDED", "SUCCEEDED"))}});
  auto [code, out] = Watch(service);
  EXPECT_EQ(code, kWatchSucceeded);
  EXPECT_NE(out.find("only: RUNNING (attempt 1)\nonly: SUCCEEDED (attempt 1)\njob: SUCCEEDED\n"),
            std::string::npos)
      << out;
  EXPECT_EQ(service.targets(), (std::vector<std::string>{"/events?job=j1", "/jobs/j1"}));
}

// The error `WatchJob` threw (its exit code, then its message) for the service's answers.
std::pair<int, std::string> WatchError(ScriptedService& service) {
  try {
    Watch(service);
  } catch (const CliError& e) {
    return {e.exit_code(), e.what()};
  }
  ADD_FAILURE() << "the watch ended without an error";
  return {0, ""};
}

TEST(WatchJob, AnUnknownJobIsTheServicesErrorWithItsRequestId) {
  ScriptedService service({{"/events?job=j1", JsonAnswer(404, {{"message", "job 'j1' not found"}},
                                                         "X-Request-Id: 3f2a-77\r\n")}});
  EXPECT_EQ(WatchError(service), (std::pair<int, std::string>{
                                     kExitServiceError, "job 'j1' not found (request 3f2a-77)"}));
  EXPECT_EQ(service.targets(), std::vector<std::string>{"/events?job=j1"});  // no polling
}

TEST(WatchJob, AServiceWithoutEventsIsAnError) {
  ScriptedService service({{"/jobs/j1", JsonAnswer(200, JobWith("SUCCEEDED", "SUCCEEDED"))}});
  EXPECT_EQ(WatchError(service),
            (std::pair<int, std::string>{kExitServiceError, "no such path: /events?job=j1"}));
  EXPECT_EQ(service.targets(), std::vector<std::string>{"/events?job=j1"});  // no polling
}

TEST(WatchJob, NoServiceIsExitCodeThree) {
  int port;
  {
    ScriptedService gone({});
    port = std::stoi(gone.address().server.substr(gone.address().server.rfind(':') + 1));
  }
  try {
    WatchJob(ServiceClient({"http://127.0.0.1:" + std::to_string(port), ""}), "j1");
    FAIL() << "watched without a service";
  } catch (const CliError& e) {
    EXPECT_EQ(e.exit_code(), kExitCannotConnect);
  }
}

}  // namespace
}  // namespace wfm::cli
