// MeteredExecutor: passes every call on unchanged, counts it by operation and outcome, and follows
// the tasks it saw: waiting, running, ended.
#include "executor/metered_executor.h"

#include <gtest/gtest.h>

#include "core/service_metrics.h"
#include "executor/fake/fake_executor.h"

namespace wfm {
namespace {

TEST(MeteredExecutor, CountsCallsByOperationAndOutcome) {
  FakeClock clock;
  FakeExecutor fake(clock);
  Metrics metrics;
  metric::DeclareServiceMetrics(metrics);
  MeteredExecutor metered(fake, metrics, "local");
  fake.FailSubmitsOf("broken", Error{ErrorCode::kInvalidArgument, "no such definition"});
  fake.FailSubmitsOf("away", Error{ErrorCode::kUnavailable, "try later"});

  TaskSpec spec;
  spec.name = "a-0-1";
  spec.resource = "echo";
  auto id = metered.Submit(spec);
  ASSERT_TRUE(id.ok());
  spec.name = "b-0-1";
  spec.resource = "broken";
  EXPECT_EQ(metered.Submit(spec).error().code, ErrorCode::kInvalidArgument);
  spec.name = "c-0-1";
  spec.resource = "away";
  EXPECT_EQ(metered.Submit(spec).error().code, ErrorCode::kUnavailable);
  ASSERT_EQ(metered.Describe({id.value()}).size(), 1u);
  fake.RefuseTerminates(true);
  EXPECT_TRUE(metered.Terminate({id.value()}, "stop").empty());

  std::string text = metrics.Render();
  for (const char* line : {"wfm_executor_calls_total{executor=\"local\",operation=\"submit\",outcome=\"ok\"} 1\n",
                           "wfm_executor_calls_total{executor=\"local\",operation=\"submit\",outcome=\"invalid\"} 1\n",
                           "wfm_executor_calls_total{executor=\"local\",operation=\"submit\",outcome=\"unavailable\"} 1\n",
                           "wfm_executor_calls_total{executor=\"local\",operation=\"describe\",outcome=\"ok\"} 1\n",
                           "wfm_executor_calls_total{executor=\"local\",operation=\"terminate\",outcome=\"partial\"} 1\n",
                           "wfm_executor_call_duration_seconds_count{executor=\"local\",operation=\"submit\"} 3\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << text;
  }
}

TEST(MeteredExecutor, FollowsTasksFromWaitingToRunningToTheirEnd) {
  FakeClock clock;
  FakeExecutor fake(clock);
  Metrics metrics;
  metric::DeclareServiceMetrics(metrics);
  MeteredExecutor metered(fake, metrics, "batch");
  std::vector<std::string> ids;
  for (const char* name : {"a-0-1", "b-0-1", "c-0-1"}) {
    TaskSpec spec;
    spec.name = name;
    spec.resource = "echo";
    ids.push_back(metered.Submit(spec).value());
  }
  EXPECT_EQ(metered.ActiveTasks().waiting, 3u);
  fake.Start(ids[0]);
  fake.Start(ids[1]);
  metered.Describe(ids);
  EXPECT_EQ(metered.ActiveTasks().waiting, 1u);
  EXPECT_EQ(metered.ActiveTasks().running, 2u);
  fake.Finish(ids[0], 0);
  fake.Finish(ids[1], 3);
  metered.Describe(ids);
  metered.Describe(ids);  // an end seen twice is counted once
  EXPECT_EQ(metered.ActiveTasks().running, 0u);
  EXPECT_EQ(metered.ActiveTasks().waiting, 1u);
  fake.Rename(ids[2], "renamed");  // the executor's lasting id replaces the first one
  metered.Describe({ids[2]});
  fake.Start("renamed");
  metered.Describe({"renamed"});
  EXPECT_EQ(metered.ActiveTasks().running, 1u);
  EXPECT_EQ(metered.ActiveTasks().waiting, 0u);

  std::string text = metrics.Render();
  for (const char* line : {"wfm_tasks_ended_total{executor=\"batch\",status=\"succeeded\"} 1\n",
                           "wfm_tasks_ended_total{executor=\"batch\",status=\"failed\"} 1\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << text;
  }
  auto samples = metered.ActiveTaskSamples();
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].labels, (MetricLabels{{"executor", "batch"}, {"status", "waiting"}}));
  EXPECT_EQ(samples[1].value, 1);
}

}  // namespace
}  // namespace wfm
