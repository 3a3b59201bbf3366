// `wfm job list`'s requests: the query that carries the filters, and the pages followed against a
// scripted service on loopback.
#include "cli/job_listing.h"

#include <gtest/gtest.h>

#include "cli/cli_error.h"
#include "scripted_service.h"

namespace wfm::cli {
namespace {

using Json = nlohmann::json;

Json Jobs(std::initializer_list<const char*> ids) {
  Json jobs = Json::array();
  for (const char* id : ids) jobs.push_back({{"id", id}, {"status", "FAILED"}});
  return jobs;
}

std::vector<std::string> IdsOf(const Json& jobs) {
  std::vector<std::string> ids;
  for (const auto& job : jobs) ids.push_back(job["id"]);
  return ids;
}

TEST(JobQuery, CarriesEveryFilter) {
  JobFilter filter{"my wf", "FAILED", 1'795'826'612'000, 1'795'826'613'000, 10};
  EXPECT_EQ(JobQuery(filter, 10, "tok/en"),
            "limit=10&workflowName=my%20wf&status=FAILED"
            "&since=2026-11-28T00%3A43%3A32.000Z&until=2026-11-28T00%3A43%3A33.000Z"
            "&pageToken=tok%2Fen");
  EXPECT_EQ(JobQuery(JobFilter{}, 100, ""), "limit=100");
}

TEST(ListJobs, SendsTheFiltersAndFollowsThePagesUpToTheLimit) {
  // Pages of 2 (as a service whose pages end early answers): the third asks for the 1 still wanted.
  ScriptedService service({{"/jobs?limit=5&status=FAILED",
                            JsonAnswer(200, Jobs({"a", "b"}), "X-Next-Page-Token: p2\r\n")},
                           {"/jobs?limit=3&status=FAILED&pageToken=p2",
                            JsonAnswer(200, Jobs({"c", "d"}), "X-Next-Page-Token: p3\r\n")},
                           {"/jobs?limit=1&status=FAILED&pageToken=p3",
                            JsonAnswer(200, Jobs({"e"}), "X-Next-Page-Token: p4\r\n")}});
  JobFilter filter{"", "FAILED", std::nullopt, std::nullopt, 5};
  EXPECT_EQ(IdsOf(ListJobs(ServiceClient(service.address()), filter)),
            (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(service.targets().size(), 3u);  // not p4: the limit is reached
}

TEST(ListJobs, EndsWithTheLastPageAndKeepsWhatTheServiceListed) {
  // The rows are the service's, as it sent them: wfm filters nothing itself.
  Json mixed = {{{"id", "a"}, {"status", "SUCCEEDED"}}, {{"id", "b"}, {"status", "RUNNING"}}};
  ScriptedService service(
      {{"/jobs?limit=100&workflowName=w&status=FAILED", JsonAnswer(200, mixed)}});
  JobFilter filter{"w", "FAILED"};
  EXPECT_EQ(ListJobs(ServiceClient(service.address()), filter), mixed);
  EXPECT_EQ(service.targets().size(), 1u);
}

TEST(ListJobs, AnErrorAnswerIsTheServicesMessageWithItsRequestId) {
  ScriptedService service(
      {{"/jobs?limit=100&workflowName=nope",
        JsonAnswer(404, {{"message", "workflow 'nope' not found"}}, "X-Request-Id: r-1\r\n")}});
  try {
    ListJobs(ServiceClient(service.address()), JobFilter{"nope"});
    FAIL() << "an unknown workflow's jobs were listed";
  } catch (const CliError& e) {
    EXPECT_EQ(e.exit_code(), kExitServiceError);
    EXPECT_STREQ(e.what(), "workflow 'nope' not found (request r-1)");
  }
}

}  // namespace
}  // namespace wfm::cli
