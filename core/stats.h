#pragma once
// Figures derived from plain sweep results: latency quantiles, throughput, best and average.

#include <cstdint>
#include <vector>

#include "core/sweep.h"

namespace pcie_bar {

struct LatencySummary {  // seconds
  double min = 0, mean = 0, p50 = 0, p99 = 0, p999 = 0, max = 0;
  double stddev = 0;
  double cv = 0;  // stddev / mean: the spread, free of the unit
  // A 95 % confidence interval for the median, from order statistics: the values at the ranks
  // n/2 -+ 0.98 sqrt(n) of the n samples (batched ops are one sample per batch).
  double p50_ci_low = 0, p50_ci_high = 0;
};

// With sweep.repetitions above 1: the cell's throughput across repetitions.
struct RepetitionStats {
  std::size_t count = 0;
  double median_throughput = 0;
  double cv = 0;  // across repetitions: how far one run's figure can be trusted
};

struct OpStats {
  double seconds = 0;  // time inside timed ops
  double throughput_bytes_per_second = 0;
  LatencySummary latency;
  RepetitionStats repetitions;
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
