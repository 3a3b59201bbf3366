// MeteredExecutor: passes every call on unchanged and counts it by operation and outcome.
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
  MeteredExecutor metered(fake, metrics);
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
  for (const char* line : {"wfm_executor_calls_total{operation=\"submit\",outcome=\"ok\"} 1\n",
                           "wfm_executor_calls_total{operation=\"submit\",outcome=\"invalid\"} 1\n",
                           "wfm_executor_calls_total{operation=\"submit\",outcome=\"unavailable\"} 1\n",
                           "wfm_executor_calls_total{operation=\"describe\",outcome=\"ok\"} 1\n",
                           "wfm_executor_calls_total{operation=\"terminate\",outcome=\"partial\"} 1\n",
                           "wfm_executor_call_duration_seconds_count{operation=\"submit\"} 3\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << text;
  }
}

}  // namespace
}  // namespace wfm
