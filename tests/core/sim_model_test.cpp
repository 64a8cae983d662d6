#include "core/sim_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "core/clock.h"
#include "tests/support/fake_bar.h"

namespace pcie_bar {
namespace {

using std::chrono::nanoseconds;

SimModel model_of(nanoseconds read, nanoseconds write) {
  SimModel m;
  m.read_latency = read;
  m.write_latency = write;
  return m;
}

// The median time of `n` accesses, each timed on its own: on a busy machine a preemption moves a
// few of them, not the median.
double median_ns_per_access(Bar& bar, bool store, int n) {
  std::vector<double> took;
  for (int i = 0; i < n; ++i) {
    const uint64_t t0 = Clock::monotonic_ns();
    if (store)
      bar.store(0, 8, 1);
    else
      (void)bar.load(0, 8);
    took.push_back(static_cast<double>(Clock::monotonic_ns() - t0));
  }
  std::nth_element(took.begin(), took.begin() + n / 2, took.end());
  return took[static_cast<std::size_t>(n / 2)];
}

TEST(SimModel, PresetsCarryThePublishedFigures) {
  auto fpga = sim_model_preset("fpga-gen3x1");
  ASSERT_TRUE(fpga);
  EXPECT_EQ(fpga->read_latency, nanoseconds(1200));  // the seed's FPGA: about 1.2 us per 4-byte read
  EXPECT_EQ(fpga->preset, "fpga-gen3x1");
  EXPECT_EQ(sim_model_preset("nic-low-latency")->read_latency, nanoseconds(415));
  EXPECT_FALSE(sim_model_preset("warp-drive"));
  EXPECT_EQ(sim_model_preset_names().size(), 4u);
}

// The median access takes the modelled latency: what the busy wait overshoots is measured and
// taken off (a lone clock read costs 20-30 ns in a VM).
TEST(ModelledBar, AccessesTakeTheModelsLatencyAndReachTheInnerBar) {
  ModelledBar bar(std::make_unique<testing::FakeBar>(4096), model_of(nanoseconds(20'000), nanoseconds(5'000)));
  EXPECT_EQ(bar.mapping(), nullptr);  // no access can bypass the wait
  EXPECT_NE(bar.properties().description.find("slow-device model"), std::string::npos);
  const double read = median_ns_per_access(bar, false, 101), write = median_ns_per_access(bar, true, 101);
  EXPECT_GE(read, 20'000 * 0.95);
  EXPECT_GE(write, 5'000 * 0.95);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)  // they add their own cost per access
  EXPECT_LE(read, 20'000 * 1.05);
  EXPECT_LE(write, 5'000 * 1.05);
#endif
  bar.store(8, 8, 0x1234);
  EXPECT_EQ(bar.load(8, 8), 0x1234u);
}

TEST(ModelledBar, ATailOfProbabilityOneMakesEveryAccessSlow) {
  SimModel m = model_of(nanoseconds(1'000), nanoseconds(0));
  m.tail_probability = 1;
  m.tail_latency = nanoseconds(50'000);
  ModelledBar bar(std::make_unique<testing::FakeBar>(4096), m);
  EXPECT_GE(median_ns_per_access(bar, false, 11), 45'000);
}

}  // namespace
}  // namespace pcie_bar
