// The service's metrics, rendered in Prometheus' text exposition format (version 0.0.4) for
// GET /metrics. Written by hand in one small file: Debian packages no Prometheus client for C++.
// Families are declared once (name, type, help); counters and histograms are then fed from any
// thread; gauges are read at render time from collectors (functions that report current values).
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace wfm {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

enum class MetricType { kCounter, kGauge, kHistogram };

// What a collector reports: one sample of a declared gauge or counter family.
struct MetricSample {
  std::string family;
  MetricLabels labels;
  double value = 0;
};

class Metrics {
 public:
  // The process's registry (what GET /metrics renders).
  static Metrics& Global();

  // Declares a family; declaring the same name again changes nothing. Histograms take their
  // bucket bounds (seconds, ascending; +Inf is implied).
  void Declare(const std::string& family, MetricType type, const std::string& help,
               std::vector<double> buckets = {});
  // Adds `value` to a counter (a family declared kCounter). Thread-safe.
  void Add(const std::string& family, const MetricLabels& labels, double value = 1);
  // Records one observation of a histogram. Thread-safe.
  void Observe(const std::string& family, const MetricLabels& labels, double value);
  // Adds a function called at each render for samples of current values. Thread-safe.
  void AddCollector(std::function<std::vector<MetricSample>()> collector);

  // Every family with its HELP, TYPE and samples, families and label sets in a stable order.
  std::string Render() const;

  // Seconds of latency: 1 ms to 10 s.
  static std::vector<double> LatencyBuckets();

 private:
  struct Histogram {
    std::vector<uint64_t> counts;  // per bucket (not cumulative), then +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  struct Family {
    MetricType type = MetricType::kCounter;
    std::string help;
    std::vector<double> buckets;
    std::map<std::string, double> values;         // by rendered label set
    std::map<std::string, Histogram> histograms;  // by rendered label set
  };

  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
  std::vector<std::function<std::vector<MetricSample>()>> collectors_;
};

// `{a="x",b="y"}` with Prometheus' escaping of \, " and newline; "" for no labels.
std::string RenderLabels(const MetricLabels& labels);

}  // namespace wfm
