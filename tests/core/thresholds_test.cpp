#include "core/thresholds.h"

#include <gtest/gtest.h>

namespace pcie_bar {
namespace {

// `ops` ops of `ns` nanoseconds each on `block`-byte blocks (1 latency unit = 1 ns).
OpResult cell(Op op, uint64_t block, uint64_t ns, uint64_t ops = 100) {
  OpResult r;
  r.op = op;
  r.block_size = block;
  r.ops = ops;
  r.bytes = ops * block;
  for (uint64_t i = 0; i < ops; ++i) r.latency.record(ns);
  return r;
}

SweepResult sweep_of(std::vector<OpResult> results) {
  SweepResult s;
  s.results = std::move(results);
  s.seconds_per_unit = 1e-9;
  return s;
}

TEST(Thresholds, EachLimitIsCheckedOnTheCellsItNames) {
  // READ 8 B: 1 us per op = 8 MB/s; READ 4096 B: 10 us = 409.6 MB/s; WRITE 8 B: 100 ns.
  const SweepResult s = sweep_of({cell(Op::kRead, 8, 1000), cell(Op::kRead, 4096, 10'000), cell(Op::kWrite, 8, 100)});
  Threshold read_4k;
  read_4k.op = Op::kRead;
  read_4k.block_sizes = {4096};
  read_4k.min_throughput = 500e6;  // 409.6 MB/s measured: violated
  Threshold every_p99;
  every_p99.max_p99 = 2e-6;  // READ 4096 B at 10 us: violated; the others within
  const auto checks = check_thresholds(s, {read_4k, every_p99});
  ASSERT_EQ(checks.size(), 4u);
  EXPECT_EQ(checks[0].op, Op::kRead);  // in cell order
  EXPECT_EQ(checks[0].block_size, 8u);
  EXPECT_EQ(checks[0].limit, Limit::kMaxP99);
  EXPECT_FALSE(checks[0].violated);
  EXPECT_EQ(checks[1].limit, Limit::kMinThroughput);
  EXPECT_EQ(checks[1].block_size, 4096u);
  EXPECT_NEAR(checks[1].measured, 409.6e6, 409.6e6 * 0.01);
  EXPECT_TRUE(checks[1].violated);
  EXPECT_EQ(checks[2].limit, Limit::kMaxP99);
  EXPECT_TRUE(checks[2].violated);
  EXPECT_EQ(checks[3].op, Op::kWrite);
  EXPECT_FALSE(checks[3].violated);
}

// Throughput is bytes over summed latencies, exact here: 8 B per 1 us is 8 MB/s to the byte.
TEST(Thresholds, AThroughputExactlyAtItsMinimumIsWithin) {
  Threshold t;
  t.min_throughput = 8e6;
  const auto checks = check_thresholds(sweep_of({cell(Op::kRead, 8, 1000)}), {t});
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_DOUBLE_EQ(checks[0].measured, 8e6);
  EXPECT_FALSE(checks[0].violated) << describe(checks[0]);
  t.min_throughput = 8.001e6;
  EXPECT_TRUE(check_thresholds(sweep_of({cell(Op::kRead, 8, 1000)}), {t})[0].violated);
}

TEST(Thresholds, CellsThatRanNoOpAreNotChecked) {
  Threshold t;
  t.max_p99 = 1e-9;
  EXPECT_TRUE(check_thresholds(sweep_of({cell(Op::kWrite, 8, 100, 0)}), {t}).empty());
}

TEST(Thresholds, DescriptionsGiveTheFigureTheLimitAndTheVerdict) {
  EXPECT_EQ(describe({Op::kRead, 4096, Limit::kMinThroughput, 200e6, 150e6, true}),
            "READ 4096 B: throughput 150 MB/s below min_throughput 200 MB/s");
  EXPECT_EQ(describe({Op::kReadWrite, 8, Limit::kMaxP99, 2e-6, 2.31e-6, true}),
            "RW 8 B: p99 2.31 us above max_p99 2 us");
  EXPECT_EQ(describe({Op::kWrite, 1, Limit::kMaxP50, 500e-9, 60e-9, false}),
            "WRITE 1 B: p50 60 ns within max_p50 500 ns");
}

}  // namespace
}  // namespace pcie_bar
