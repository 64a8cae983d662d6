#include "core/stats.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace pcie_bar {

namespace {

// The median's 95 % interval as quantiles: ranks n/2 -+ 1.96 sqrt(n)/2 of n samples.
std::pair<double, double> median_ci_quantiles(uint64_t samples) {
  if (samples == 0) return {0.5, 0.5};
  const double half_width = 0.98 / std::sqrt(static_cast<double>(samples));
  return {std::max(0.0, 0.5 - half_width), std::min(1.0, 0.5 + half_width)};
}

RepetitionStats repetition_stats(std::vector<double> t) {
  RepetitionStats s;
  s.count = t.size();
  if (t.empty()) return s;
  double sum = 0, sum_sq = 0;
  for (double v : t) sum += v, sum_sq += v * v;
  const double mean = sum / static_cast<double>(t.size());
  s.cv = mean > 0 ? std::sqrt(std::max(0.0, sum_sq / static_cast<double>(t.size()) - mean * mean)) / mean : 0;
  std::sort(t.begin(), t.end());
  const std::size_t mid = t.size() / 2;
  s.median_throughput = t.size() % 2 ? t[mid] : (t[mid - 1] + t[mid]) / 2;
  return s;
}

}  // namespace

OpStats op_stats(const OpResult& r, double seconds_per_unit) {
  OpStats s;
  const Histogram& h = r.latency;
  s.seconds = h.sum() * seconds_per_unit;
  s.throughput_bytes_per_second = s.seconds > 0 ? static_cast<double>(r.bytes) / s.seconds : 0;
  auto sec = [&](uint64_t units) { return static_cast<double>(units) * seconds_per_unit; };
  const auto [lo, hi] = median_ci_quantiles(r.samples);
  s.latency.min = sec(h.min());
  s.latency.mean = h.mean() * seconds_per_unit;
  s.latency.p50 = sec(h.value_at_quantile(0.5));
  s.latency.p99 = sec(h.value_at_quantile(0.99));
  s.latency.p999 = sec(h.value_at_quantile(0.999));
  s.latency.max = sec(h.max());
  s.latency.stddev = h.stddev() * seconds_per_unit;
  s.latency.cv = h.mean() > 0 ? h.stddev() / h.mean() : 0;
  s.latency.p50_ci_low = sec(h.value_at_quantile(lo));
  s.latency.p50_ci_high = sec(h.value_at_quantile(hi));
  s.repetitions = repetition_stats(r.repetition_throughputs);
  return s;
}

std::vector<OpSummary> summarize(const SweepResult& sweep) {
  std::vector<OpSummary> out;
  for (Op op : {Op::kRead, Op::kWrite, Op::kReadWrite}) {
    OpSummary s;
    s.op = op;
    int n = 0;
    for (const OpResult& r : sweep.results) {
      if (r.op != op || r.ops == 0) continue;
      double t = op_stats(r, sweep.seconds_per_unit).throughput_bytes_per_second;
      if (t > s.best_throughput) s.best_throughput = t, s.best_block_size = r.block_size;
      s.average_throughput += t;
      ++n;
    }
    if (n == 0) continue;
    s.average_throughput /= n;
    out.push_back(s);
  }
  return out;
}

}  // namespace pcie_bar
