#include "core/stats.h"

namespace pcie_bar {

OpStats op_stats(const OpResult& r, double seconds_per_unit) {
  OpStats s;
  const Histogram& h = r.latency;
  s.seconds = h.sum() * seconds_per_unit;
  s.throughput_bytes_per_second = s.seconds > 0 ? static_cast<double>(r.bytes) / s.seconds : 0;
  auto sec = [&](uint64_t ticks) { return static_cast<double>(ticks) * seconds_per_unit; };
  s.latency = {sec(h.min()), h.mean() * seconds_per_unit, sec(h.value_at_quantile(0.5)),
               sec(h.value_at_quantile(0.99)), sec(h.max())};
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
