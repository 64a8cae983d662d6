#include "core/stats.h"

#include <gtest/gtest.h>

#include <cmath>

namespace pcie_bar {
namespace {

OpResult result(Op op, uint64_t block, std::initializer_list<uint64_t> ticks) {
  OpResult r;
  r.op = op;
  r.block_size = block;
  for (uint64_t t : ticks) r.latency.record(t), ++r.ops, ++r.samples;
  r.bytes = r.ops * block;
  return r;
}

TEST(Stats, ThroughputIsBytesOverTimeInsideOps) {
  // 4 ops of 1000 bytes taking 10, 20, 30, 40 ticks of 1 ns: 4000 bytes in 100 ns.
  OpStats s = op_stats(result(Op::kRead, 1000, {10, 20, 30, 40}), 1e-9);
  EXPECT_DOUBLE_EQ(s.seconds, 100e-9);
  EXPECT_DOUBLE_EQ(s.throughput_bytes_per_second, 4000 / 100e-9);
  EXPECT_DOUBLE_EQ(s.latency.min, 10e-9);
  EXPECT_DOUBLE_EQ(s.latency.max, 40e-9);
  EXPECT_DOUBLE_EQ(s.latency.mean, 25e-9);
  EXPECT_DOUBLE_EQ(s.latency.p50, 20e-9);
  EXPECT_DOUBLE_EQ(s.latency.p99, 40e-9);
}

TEST(Stats, SpreadTailAndAConfidenceIntervalForTheMedian) {
  // 100 ops of 1..100 ns: stddev sqrt((100^2 - 1) / 12) = 28.87 ns around a mean of 50.5 ns.
  OpResult r;
  r.op = Op::kRead;
  r.block_size = 8;
  for (uint64_t t = 1; t <= 100; ++t) r.latency.record(t), ++r.ops, ++r.samples;
  r.bytes = r.ops * 8;
  OpStats s = op_stats(r, 1e-9);
  EXPECT_NEAR(s.latency.stddev, 28.866e-9, 0.01e-9);
  EXPECT_NEAR(s.latency.cv, 28.866 / 50.5, 0.001);
  EXPECT_DOUBLE_EQ(s.latency.p999, 100e-9);
  // 95 %: the ranks 50 -+ 9.8 of 100, so about the 40th and the 60th value.
  EXPECT_DOUBLE_EQ(s.latency.p50_ci_low, 41e-9);
  EXPECT_DOUBLE_EQ(s.latency.p50_ci_high, 60e-9);
  EXPECT_LE(s.latency.p50_ci_low, s.latency.p50);
  EXPECT_GE(s.latency.p50_ci_high, s.latency.p50);
}

TEST(Stats, RepetitionsGiveTheMedianAndSpreadOfThroughput) {
  OpResult r = result(Op::kRead, 8, {8});
  r.repetition_throughputs = {1e9, 3e9, 2e9, 2e9};
  RepetitionStats rep = op_stats(r, 1e-9).repetitions;
  EXPECT_EQ(rep.count, 4u);
  EXPECT_DOUBLE_EQ(rep.median_throughput, 2e9);
  EXPECT_NEAR(rep.cv, std::sqrt(0.5) / 2, 1e-12);  // stddev 0.707e9 around 2e9
  EXPECT_EQ(op_stats(result(Op::kRead, 8, {8}), 1e-9).repetitions.count, 0u);
}

TEST(Stats, EmptyResultHasNoThroughput) {
  OpStats s = op_stats(OpResult{}, 1e-9);
  EXPECT_EQ(s.throughput_bytes_per_second, 0.0);
}

TEST(Stats, SummaryPicksTheBestBlockSizeAndAveragesPerOp) {
  SweepResult sweep;
  sweep.seconds_per_unit = 1e-9;
  sweep.results = {result(Op::kRead, 8, {8}),      // 1 GB/s
                   result(Op::kRead, 64, {16}),    // 4 GB/s
                   result(Op::kWrite, 8, {4}),     // 2 GB/s
                   result(Op::kWrite, 64, {64})};  // 1 GB/s
  auto s = summarize(sweep);
  ASSERT_EQ(s.size(), 2u);  // no R+W ran
  EXPECT_EQ(s[0].op, Op::kRead);
  EXPECT_EQ(s[0].best_block_size, 64u);
  EXPECT_DOUBLE_EQ(s[0].best_throughput, 4e9);
  EXPECT_DOUBLE_EQ(s[0].average_throughput, 2.5e9);
  EXPECT_EQ(s[1].best_block_size, 8u);
  EXPECT_DOUBLE_EQ(s[1].average_throughput, 1.5e9);
}

}  // namespace
}  // namespace pcie_bar
