#include "exporter/metrics/latency_buckets.h"

namespace pcie_bar {

const std::vector<double>& one_two_five_bounds() {
  static const std::vector<double> bounds = [] {
    std::vector<double> b;
    for (double decade = 1e-8; decade < 0.5; decade *= 10)
      for (double step : {1.0, 2.0, 5.0}) b.push_back(decade * step);
    while (b.back() > 0.1 + 1e-12) b.pop_back();
    return b;
  }();
  return bounds;
}

std::vector<uint64_t> cumulative_bucket_counts(const Histogram& h, double seconds_per_unit,
                                               const std::vector<double>& bounds) {
  std::vector<uint64_t> out(bounds.size() + 1, 0);
  // One pass over the fine buckets: each lands in the first Prometheus bucket its midpoint fits.
  std::size_t b = 0;
  for (std::size_t i = 0; i < Histogram::bucket_count(); ++i) {
    uint64_t n = h.count_in(i);
    if (n == 0) continue;
    double mid = (static_cast<double>(Histogram::lowest_in(i)) + static_cast<double>(Histogram::highest_in(i))) / 2 *
                 seconds_per_unit;
    while (b < bounds.size() && mid > bounds[b]) ++b;
    out[b] += n;
  }
  for (std::size_t k = 1; k < out.size(); ++k) out[k] += out[k - 1];
  return out;
}

}  // namespace pcie_bar
