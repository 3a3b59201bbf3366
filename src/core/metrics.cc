#include "core/metrics.h"

#include <charconv>
#include <cmath>

namespace wfm {
namespace {

const char* TypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

std::string Number(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  char text[64];
  auto [end, error] = std::to_chars(text, text + sizeof text, value);  // shortest exact form
  return error == std::errc() ? std::string(text, end) : "NaN";
}

std::string Escape(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// `labels` with one more label after them, rendered.
std::string WithLabel(const std::string& labels, const std::string& name,
                      const std::string& value) {
  std::string extra = name + "=\"" + Escape(value) + "\"";
  if (labels.empty()) return "{" + extra + "}";
  return labels.substr(0, labels.size() - 1) + "," + extra + "}";
}

}  // namespace

std::string RenderLabels(const MetricLabels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (const auto& [name, value] : labels) {
    out += (out.size() > 1 ? "," : "") + name + "=\"" + Escape(value) + "\"";
  }
  return out + "}";
}

Metrics& Metrics::Global() {
  static Metrics* metrics = new Metrics();  // never destroyed: threads may count during exit
  return *metrics;
}

std::vector<double> Metrics::LatencyBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

void Metrics::Declare(const std::string& family, MetricType type, const std::string& help,
                      std::vector<double> buckets) {
  std::lock_guard lock(mu_);
  if (families_.count(family)) return;
  Family& declared = families_[family];
  declared.type = type;
  declared.help = help;
  declared.buckets = std::move(buckets);
}

void Metrics::Add(const std::string& family, const MetricLabels& labels, double value) {
  std::string key = RenderLabels(labels);
  std::lock_guard lock(mu_);
  auto it = families_.find(family);
  if (it == families_.end() || it->second.type != MetricType::kCounter) return;
  it->second.values[key] += value;
}

void Metrics::Observe(const std::string& family, const MetricLabels& labels, double value) {
  std::string key = RenderLabels(labels);
  std::lock_guard lock(mu_);
  auto it = families_.find(family);
  if (it == families_.end() || it->second.type != MetricType::kHistogram) return;
  Family& histogram_family = it->second;
  Histogram& histogram = histogram_family.histograms[key];
  histogram.counts.resize(histogram_family.buckets.size() + 1);
  size_t bucket = 0;
  while (bucket < histogram_family.buckets.size() && value > histogram_family.buckets[bucket]) {
    ++bucket;
  }
  ++histogram.counts[bucket];
  histogram.sum += value;
  ++histogram.count;
}

void Metrics::AddCollector(std::function<std::vector<MetricSample>()> collector) {
  std::lock_guard lock(mu_);
  collectors_.push_back(std::move(collector));
}

std::string Metrics::Render() const {
  std::vector<std::function<std::vector<MetricSample>()>> collectors;
  std::map<std::string, Family> families;
  {
    std::lock_guard lock(mu_);
    collectors = collectors_;
    families = families_;
  }
  for (const auto& collect : collectors) {  // outside the lock: they may take locks of their own
    for (const MetricSample& sample : collect()) {
      auto it = families.find(sample.family);
      if (it == families.end() || it->second.type == MetricType::kHistogram) continue;
      it->second.values[RenderLabels(sample.labels)] = sample.value;
    }
  }
  std::string out;
  for (const auto& [name, family] : families) {
    out += "# HELP " + name + " " + family.help + "\n";
    out += "# TYPE " + name + " " + TypeName(family.type) + "\n";
    for (const auto& [labels, value] : family.values) {
      out += name + labels + " " + Number(value) + "\n";
    }
    for (const auto& [labels, histogram] : family.histograms) {
      uint64_t cumulative = 0;
      for (size_t i = 0; i < histogram.counts.size(); ++i) {
        cumulative += histogram.counts[i];
        std::string bound = i < family.buckets.size() ? Number(family.buckets[i]) : "+Inf";
        out += name + "_bucket" + WithLabel(labels, "le", bound) + " " +
               std::to_string(cumulative) + "\n";
      }
      out += name + "_sum" + labels + " " + Number(histogram.sum) + "\n";
      out += name + "_count" + labels + " " + std::to_string(histogram.count) + "\n";
    }
  }
  return out;
}

}  // namespace wfm
