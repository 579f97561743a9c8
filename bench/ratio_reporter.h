// RatioReporter: Google Benchmark's console table, keeping each benchmark's counters so that
// main() can print a ratio of two figures measured in the same run (these machines are noisy:
// absolute figures vary between runs, ratios much less).
//
// Single-threaded, as Google Benchmark calls its reporter.
#pragma once

#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <vector>

namespace lockstep::bench {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& run : runs) {
      for (const auto& [name, counter] : run.counters) {
        counters_[run.benchmark_name()][name] = counter.value;
      }
    }
  }

  // Counter `name` of the first benchmark whose name starts with `prefix` (a benchmark's name
  // carries its arguments and options after the prefix); 0 if none ran or it has no such counter.
  double Counter(const std::string& prefix, const std::string& name) const {
    for (const auto& [benchmark, counters] : counters_) {
      if (benchmark.rfind(prefix, 0) != 0) continue;
      auto it = counters.find(name);
      return it == counters.end() ? 0 : it->second;
    }
    return 0;
  }

 private:
  std::map<std::string, std::map<std::string, double>> counters_;
};

}  // namespace lockstep::bench
