// Metrics: Prometheus text of declared counters, histograms (cumulative buckets, sum, count) and
// collected gauges; label values escaped; undeclared or mistyped families ignored.
#include "core/metrics.h"

#include <gtest/gtest.h>

namespace wfm {
namespace {

TEST(Metrics, RendersCountersWithTheirLabelsAndHelp) {
  Metrics metrics;
  metrics.Declare("jobs_total", MetricType::kCounter, "Jobs.");
  metrics.Add("jobs_total", {{"workflow", "a"}});
  metrics.Add("jobs_total", {{"workflow", "a"}}, 2);
  metrics.Add("jobs_total", {{"workflow", "say \"hi\"\\\n"}});
  metrics.Add("undeclared_total", {});
  EXPECT_EQ(metrics.Render(),
            "# HELP jobs_total Jobs.\n"
            "# TYPE jobs_total counter\n"
            "jobs_total{workflow=\"a\"} 3\n"
            "jobs_total{workflow=\"say \\\"hi\\\"\\\\\\n\"} 1\n");
}

TEST(Metrics, RendersHistogramsWithCumulativeBuckets) {
  Metrics metrics;
  metrics.Declare("latency_seconds", MetricType::kHistogram, "Latency.", {0.1, 1});
  metrics.Observe("latency_seconds", {{"route", "/x"}}, 0.05);
  metrics.Observe("latency_seconds", {{"route", "/x"}}, 0.1);  // on a bound: that bucket
  metrics.Observe("latency_seconds", {{"route", "/x"}}, 0.5);
  metrics.Observe("latency_seconds", {{"route", "/x"}}, 7);
  metrics.Add("latency_seconds", {}, 1);  // not a counter: ignored
  EXPECT_EQ(metrics.Render(),
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{route=\"/x\",le=\"0.1\"} 2\n"
            "latency_seconds_bucket{route=\"/x\",le=\"1\"} 3\n"
            "latency_seconds_bucket{route=\"/x\",le=\"+Inf\"} 4\n"
            "latency_seconds_sum{route=\"/x\"} 7.65\n"
            "latency_seconds_count{route=\"/x\"} 4\n");
}

TEST(Metrics, AsksCollectorsForCurrentValuesAtEachRender) {
  Metrics metrics;
  metrics.Declare("in_memory", MetricType::kGauge, "Held.");
  int held = 3;
  metrics.AddCollector([&held] { return std::vector<MetricSample>{{"in_memory", {}, double(held)}}; });
  EXPECT_NE(metrics.Render().find("in_memory 3\n"), std::string::npos);
  held = 5;
  EXPECT_NE(metrics.Render().find("in_memory 5\n"), std::string::npos);
}

TEST(Metrics, DeclaringAgainstChangesNothing) {
  Metrics metrics;
  metrics.Declare("a_total", MetricType::kCounter, "First.");
  metrics.Declare("a_total", MetricType::kGauge, "Second.");
  metrics.Add("a_total", {});
  EXPECT_EQ(metrics.Render(), "# HELP a_total First.\n# TYPE a_total counter\na_total 1\n");
}

}  // namespace
}  // namespace wfm
