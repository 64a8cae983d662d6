// The slow-device model's truth against what the sweep reports, through the production wiring
// (open_bar). A binary of its own: ctest runs it under the resource lock `machine`, never beside
// the guest or the image builds, since a busy wait that loses its CPU measures the scheduler.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/open_bar.h"
#include "core/sim_model.h"
#include "core/stats.h"
#include "core/sweep.h"

namespace pcie_bar {
namespace {

// 1.2 us for an 8-byte read of the seed's FPGA, eight of them for a 64-byte one (width 8).
// The median latency is the model's within 5 %. The throughput is bytes over the summed latencies,
// a mean: on this project's VM about 1 % of the spinning accesses are interrupted for 20-50 us
// (p99 25 us for a 1.2 us access, with no steal time reported), which lowers it by 7-30 %; so it
// must not be above the truth (the model's waits not too short) and not below half of it. A
// preemption only makes ops slower, so the best of three runs counts.
TEST(SimModelAccuracy, ReportedReadLatencyIsTheModelsAndThroughputNotAboveIt) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "a sanitizer adds its own cost to every access outside the modelled wait";
#endif
  DeviceSpec d;
  d.sim.model = *sim_model_preset("fpga-gen3x1");
  d.sim.model.tail_probability = 0;  // the rare 50 us tail would move the mean, by design
  d.writes.enabled = false;
  d.sweep.block_sizes = {8, 64};
  d.sweep.iterations.read = 2000;
  auto bar = open_bar(d);
  const Clock clock = Clock::calibrate();
  std::map<uint64_t, double> p50_error, best_throughput;  // by block size, over the runs
  for (int run = 0; run < 3; ++run) {
    const SweepResult r = run_sweep(*bar, clock, d);
    ASSERT_EQ(r.results.size(), 2u);
    for (const OpResult& o : r.results) {
      const double truth = 1.2e-6 * static_cast<double>(o.block_size / 8);
      const OpStats s = op_stats(o, r.seconds_per_unit);
      const double error = std::abs(s.latency.p50 / truth - 1);
      p50_error[o.block_size] = run == 0 ? error : std::min(p50_error[o.block_size], error);
      best_throughput[o.block_size] = std::max(best_throughput[o.block_size], s.throughput_bytes_per_second);
      EXPECT_EQ(o.ops_per_sample, 1u);  // far longer than a clock pair: timed one by one
    }
  }
  for (uint64_t block : d.sweep.block_sizes) {
    const double throughput_truth = static_cast<double>(block) / (1.2e-6 * static_cast<double>(block / 8));
    EXPECT_LE(p50_error[block], 0.05) << block << " B: median latency";
    EXPECT_LE(best_throughput[block], 1.05 * throughput_truth) << block << " B: throughput";
    EXPECT_GE(best_throughput[block], 0.5 * throughput_truth) << block << " B: throughput";
  }
}

}  // namespace
}  // namespace pcie_bar
