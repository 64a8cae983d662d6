#pragma once
// Figures derived from plain sweep results: latency quantiles, throughput, best and average.

#include <cstdint>
#include <vector>

#include "core/sweep.h"

namespace pcie_bar {

struct LatencySummary {  // seconds
  double min = 0, mean = 0, p50 = 0, p99 = 0, max = 0;
};

struct OpStats {
  double seconds = 0;  // time inside timed ops
  double throughput_bytes_per_second = 0;
  LatencySummary latency;
};

OpStats op_stats(const OpResult& r, double seconds_per_unit);

// Best and mean throughput over the block sizes run for one op.
struct OpSummary {
  Op op = Op::kRead;
  uint64_t best_block_size = 0;
  double best_throughput = 0;
  double average_throughput = 0;
};

// One entry per op that ran, in the order read, write, rw.
std::vector<OpSummary> summarize(const SweepResult& sweep);

}  // namespace pcie_bar
