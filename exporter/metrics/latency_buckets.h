#pragma once
// The classic Prometheus buckets of pcie_bar_op_duration_seconds. The default, 1-2-5 steps from
// 10 ns to 100 ms, spans posted writes (tens of ns) and non-posted reads (0.5-2 µs) alike, coarse
// enough that 39 histograms per device stay cheap to scrape; metrics.latency_buckets sets others.

#include <cstdint>
#include <vector>

#include "core/histogram.h"

namespace pcie_bar {

const std::vector<double>& one_two_five_bounds();  // seconds, ascending; +Inf is implicit

// For each of `bounds` (seconds, ascending), how many values of `h` (in ticks) are <= it; one
// more entry for +Inf.
std::vector<uint64_t> cumulative_bucket_counts(const Histogram& h, double seconds_per_unit,
                                               const std::vector<double>& bounds);

}  // namespace pcie_bar
