#pragma once
// The Prometheus buckets of pcie_bar_op_duration_seconds: 1-2-5 steps from 10 ns to 100 ms,
// fine enough for posted writes (tens of ns) and non-posted reads (0.5-2 µs) alike, and coarse
// enough that 39 series per device stay cheap to scrape.

#include <cstdint>
#include <vector>

#include "core/histogram.h"

namespace pcie_bar {

const std::vector<double>& latency_bucket_bounds();  // seconds, ascending; +Inf is implicit

// For each bound, how many values of `h` (in ticks) are <= it; one more entry for +Inf.
std::vector<uint64_t> cumulative_bucket_counts(const Histogram& h, double seconds_per_unit);

}  // namespace pcie_bar
