// The reader of Slurm's job JSON (slurm_job_json.h), on job objects as Slurm 22.05 gives them and
// on malformed ones: every malformed answer is kUnavailable, never an exception.
#include "executor/slurm/slurm_job_json.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

namespace wfm {
namespace {

using nlohmann::json;

// A job object with the members the reader uses, as squeue --json prints a running job.
json RunningJob() {
  return {{"job_id", 42},          {"name", "step-1"},         {"job_state", "RUNNING"},
          {"state_reason", "None"}, {"exit_code", 0},           {"start_time", 1795851616},
          {"end_time", 1795851916}, {"nodes", "localhost"},     {"partition", "debug"}};
}

TEST(SlurmJobJson, ReadsARunningJobWithoutAnEndOrExitCode) {
  auto job = ParseSlurmJob(RunningJob());
  ASSERT_TRUE(job.ok()) << job.error().message;
  EXPECT_EQ(job->id, "42");
  EXPECT_EQ(job->name, "step-1");
  EXPECT_EQ(job->state, "RUNNING");
  EXPECT_EQ(job->reason, "");
  EXPECT_EQ(job->started_at, 1795851616000);
  EXPECT_EQ(job->ended_at, 0);  // end_time is only the time limit's end
  EXPECT_FALSE(job->exit_code);
  EXPECT_FALSE(job->signal);
  EXPECT_EQ(job->nodes, "localhost");
  EXPECT_EQ(job->description["partition"], "debug");
}

TEST(SlurmJobJson, ReadsTheExitCodeOfAJobThatExitedFromItsWaitStatus) {
  json object = RunningJob();
  object["job_state"] = "FAILED";
  object["state_reason"] = "NonZeroExitCode";
  object["exit_code"] = 7 << 8;
  auto job = ParseSlurmJob(object);
  ASSERT_TRUE(job.ok()) << job.error().message;
  EXPECT_EQ(job->exit_code, 7);
  EXPECT_FALSE(job->signal);
  EXPECT_EQ(job->reason, "NonZeroExitCode");
  EXPECT_EQ(job->ended_at, 1795851916000);
}

TEST(SlurmJobJson, ReadsTheSignalOfAJobASignalEnded) {
  json object = RunningJob();
  object["job_state"] = "CANCELLED";
  object["exit_code"] = 15;
  auto job = ParseSlurmJob(object);
  ASSERT_TRUE(job.ok()) << job.error().message;
  EXPECT_EQ(job->signal, 15);
  EXPECT_FALSE(job->exit_code);
  object["exit_code"] = 9 | 0x80;  // core dumped
  EXPECT_EQ(ParseSlurmJob(object)->signal, 9);
}

TEST(SlurmJobJson, GivesAPendingJobNeitherStartNorEndWhateverSlurmForecasts) {
  json object = RunningJob();
  object["job_state"] = "PENDING";
  object["state_reason"] = "Resources";
  object["nodes"] = "";
  auto job = ParseSlurmJob(object);
  ASSERT_TRUE(job.ok()) << job.error().message;
  EXPECT_EQ(job->started_at, 0);
  EXPECT_EQ(job->ended_at, 0);
  EXPECT_EQ(job->reason, "Resources");
}

TEST(SlurmJobJson, GivesAJobCancelledBeforeItStartedNoExitCodeOrStart) {
  json object = RunningJob();
  object["job_state"] = "CANCELLED";
  object["nodes"] = "";
  object["exit_code"] = 0;
  auto job = ParseSlurmJob(object);
  ASSERT_TRUE(job.ok()) << job.error().message;
  EXPECT_FALSE(job->exit_code);
  EXPECT_FALSE(job->signal);
  EXPECT_EQ(job->started_at, 0);
  EXPECT_EQ(job->ended_at, 1795851916000);
}

TEST(SlurmJobJson, TakesMissingOrNullOptionalMembersAsAbsent) {
  json object = {{"job_id", 1}, {"job_state", "PENDING"}, {"name", nullptr}, {"exit_code", nullptr}};
  auto job = ParseSlurmJob(object);
  ASSERT_TRUE(job.ok()) << job.error().message;
  EXPECT_EQ(job->name, "");
  EXPECT_EQ(job->started_at, 0);
}

TEST(SlurmJobJson, RefusesMalformedJobsAsUnavailableNamingTheMember) {
  struct Case {
    const char* member;
    json value;  // null: the member removed
  };
  const Case cases[] = {
      {"job_id", nullptr},
      {"job_id", "42"},
      {"job_id", 0},
      {"job_id", -1},
      {"job_id", 4.5},
      {"job_id", std::numeric_limits<uint64_t>::max()},
      {"job_id", json::array()},
      {"job_state", nullptr},
      {"job_state", 3},
      {"job_state", json::object()},
      {"name", 12},
      {"state_reason", true},
      {"nodes", json::array({"a"})},
      {"exit_code", "0"},
      {"exit_code", -5},
      {"exit_code", 1e300},
      {"exit_code", std::numeric_limits<int64_t>::max()},
      {"start_time", std::numeric_limits<uint64_t>::max()},
      {"start_time", std::numeric_limits<int64_t>::min()},
      {"end_time", "yesterday"},
      {"end_time", 1.5},
  };
  for (const auto& c : cases) {
    json object = RunningJob();
    object["job_state"] = "COMPLETED";
    if (c.value.is_null()) {
      object.erase(c.member);
    } else {
      object[c.member] = c.value;
    }
    auto job = ParseSlurmJob(object);
    ASSERT_FALSE(job.ok()) << c.member << "=" << c.value.dump();
    EXPECT_EQ(job.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(job.error().message.find(c.member), std::string::npos) << job.error().message;
  }
}

TEST(SlurmJobJson, RefusesAJobThatIsNotAnObject) {
  for (const json& value : {json(nullptr), json(1), json("job"), json::array({RunningJob()})}) {
    auto job = ParseSlurmJob(value);
    ASSERT_FALSE(job.ok()) << value.dump();
    EXPECT_EQ(job.error().code, ErrorCode::kUnavailable);
  }
}

TEST(SlurmJobJson, ReadsAWholeAnswerAndRefusesOneWithErrors) {
  json answer = {{"meta", json::object()}, {"errors", json::array()},
                 {"jobs", json::array({RunningJob(), RunningJob()})}};
  auto jobs = ParseSlurmJobList(answer);
  ASSERT_TRUE(jobs.ok()) << jobs.error().message;
  EXPECT_EQ(jobs->size(), 2u);

  answer["errors"] = json::array({{{"error", "Invalid job id specified"},
                                   {"description", "Unable to find JobId=9"},
                                   {"error_number", 2017}}});
  auto refused = ParseSlurmJobList(answer);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(refused.error().message.find("Invalid job id specified (Unable to find JobId=9)"),
            std::string::npos)
      << refused.error().message;
}

TEST(SlurmJobJson, RefusesMalformedAnswers) {
  const json answers[] = {
      json::array(),
      json::object(),
      {{"jobs", "none"}},
      {{"jobs", json::object()}},
      {{"jobs", json::array({1})}},
      {{"jobs", json::array({RunningJob(), {{"job_id", "x"}}})}},
  };
  for (const auto& answer : answers) {
    auto jobs = ParseSlurmJobList(answer);
    ASSERT_FALSE(jobs.ok()) << answer.dump();
    EXPECT_EQ(jobs.error().code, ErrorCode::kUnavailable);
  }
}

TEST(SlurmJobJson, SaysWhatIsWrongWithTextThatIsNotJson) {
  for (const std::string& text : std::vector<std::string>{"", "{", "squeue: error: something",
                                                          std::string(5000, '[')}) {
    auto answer = ParseSlurmAnswer(text, "squeue's output");
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(answer.error().message.rfind("squeue's output is not JSON", 0), 0u);
    EXPECT_LE(answer.error().message.size(), 300u);
  }
  EXPECT_EQ(SlurmErrorMessages(json::array()), "");
  EXPECT_EQ(SlurmErrorMessages({{"errors", json::array({1, {{"error", 2}}})}}),
            "1; {\"error\":2}");
}

}  // namespace
}  // namespace wfm
