#include "core/thresholds.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "core/stats.h"

namespace pcie_bar {

namespace {

bool applies(const Threshold& t, const OpResult& r) {
  if (t.op && *t.op != r.op) return false;
  return t.block_sizes.empty() ||
         std::find(t.block_sizes.begin(), t.block_sizes.end(), r.block_size) != t.block_sizes.end();
}

std::string figure(Limit limit, double value) {
  char buf[48];
  if (limit == Limit::kMinThroughput)
    std::snprintf(buf, sizeof buf, "%.4g MB/s", value / 1e6);
  else if (value < 1e-6)
    std::snprintf(buf, sizeof buf, "%.4g ns", value * 1e9);
  else
    std::snprintf(buf, sizeof buf, "%.4g us", value * 1e6);
  return buf;
}

}  // namespace

std::vector<ThresholdCheck> check_thresholds(const SweepResult& sweep, const std::vector<Threshold>& thresholds) {
  std::vector<ThresholdCheck> checks;
  for (const OpResult& r : sweep.results) {
    if (r.ops == 0) continue;
    const OpStats s = op_stats(r, sweep.seconds_per_unit);
    for (const Threshold& t : thresholds) {
      if (!applies(t, r)) continue;
      if (t.min_throughput)
        checks.push_back({r.op, r.block_size, Limit::kMinThroughput, *t.min_throughput, s.throughput_bytes_per_second,
                          s.throughput_bytes_per_second < *t.min_throughput});
      if (t.max_p50)
        checks.push_back({r.op, r.block_size, Limit::kMaxP50, *t.max_p50, s.latency.p50, s.latency.p50 > *t.max_p50});
      if (t.max_p99)
        checks.push_back({r.op, r.block_size, Limit::kMaxP99, *t.max_p99, s.latency.p99, s.latency.p99 > *t.max_p99});
    }
  }
  return checks;
}

std::string describe(const ThresholdCheck& c) {
  std::string op = op_name(c.op);
  std::transform(op.begin(), op.end(), op.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
  const bool throughput = c.limit == Limit::kMinThroughput;
  return op + " " + std::to_string(c.block_size) + " B: " +
         (throughput                  ? "throughput "
          : c.limit == Limit::kMaxP50 ? "p50 "
                                      : "p99 ") +
         figure(c.limit, c.measured) + (c.violated ? (throughput ? " below " : " above ") : " within ") +
         limit_name(c.limit) + " " + figure(c.limit, c.limit_value);
}

}  // namespace pcie_bar
