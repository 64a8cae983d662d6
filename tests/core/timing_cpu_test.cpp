#include "core/timing_cpu.h"

#include <gtest/gtest.h>
#include <sched.h>

#include <thread>

namespace pcie_bar {
namespace {

using Mode = CpuSetting::Mode;

TEST(CpuList, ParsesSysfsListsAndRejectsGarbage) {
  EXPECT_EQ(parse_cpu_list("0-3,8,10-11"), (std::vector<int>{0, 1, 2, 3, 8, 10, 11}));
  EXPECT_EQ(parse_cpu_list("5"), (std::vector<int>{5}));
  EXPECT_EQ(parse_cpu_list(""), std::vector<int>{});
  EXPECT_EQ(parse_cpu_list("3,1-2,3"), (std::vector<int>{1, 2, 3}));
  EXPECT_FALSE(parse_cpu_list("3-1"));
  EXPECT_FALSE(parse_cpu_list("a-b"));
  EXPECT_FALSE(parse_cpu_list("1-2x"));
  EXPECT_EQ(cpu_list_text({0, 1, 2, 3, 8, 10, 11}), "0-3,8,10-11");
  EXPECT_EQ(cpu_list_text({}), "");
}

TEST(TimingCpu, AutoStaysOnTheCurrentCpuWhenItIsLocalToTheDevice) {
  TimingCpu t = choose_timing_cpu({}, {0, 1, 2, 3}, {2, 3}, 1, 3);
  EXPECT_EQ(t.cpu, 3);
  EXPECT_TRUE(t.local_to_device);
  EXPECT_EQ(t.numa_node, 1);
  EXPECT_EQ(t.note, "");
}

TEST(TimingCpu, AutoMovesToTheDevicesNodeFromARemoteCpu) {
  TimingCpu t = choose_timing_cpu({}, {0, 1, 2, 3}, {2, 3}, 1, 0);
  EXPECT_EQ(t.cpu, 2);
  EXPECT_TRUE(t.local_to_device);
}

TEST(TimingCpu, AutoWithoutNumaInformationPinsWhereTheThreadIs) {
  TimingCpu t = choose_timing_cpu({}, {0, 1}, {}, std::nullopt, 1);  // the simulated device
  EXPECT_EQ(t.cpu, 1);
  EXPECT_FALSE(t.local_to_device);
  EXPECT_EQ(t.note, "");
}

TEST(TimingCpu, AutoSaysSoWhenNoLocalCpuMayBeUsed) {
  TimingCpu t = choose_timing_cpu({}, {0, 1}, {4, 5}, 1, 1);  // a cgroup or taskset keeps us off node 1
  EXPECT_EQ(t.cpu, 1);
  EXPECT_FALSE(t.local_to_device);
  EXPECT_EQ(t.note, "none of the device's local CPUs is available to this process");
}

TEST(TimingCpu, NoneAndAFixedCpu) {
  EXPECT_EQ(choose_timing_cpu({Mode::kNone, 0}, {0, 1}, {0}, 0, 0).cpu, -1);
  TimingCpu fixed = choose_timing_cpu({Mode::kFixed, 1}, {0, 1}, {0}, 0, 0);
  EXPECT_EQ(fixed.cpu, 1);
  EXPECT_FALSE(fixed.local_to_device);
  EXPECT_EQ(fixed.note, "CPU 1 is not local to the device");
}

TEST(ScopedCpuPin, PinsTheThreadAndRestoresItsAffinity) {
  std::vector<int> before = allowed_cpus();
  ASSERT_FALSE(before.empty());
  const int target = before.back();
  std::thread([&] {  // a thread of its own, so the test runner's affinity is never touched
    {
      ScopedCpuPin pin(target);
      EXPECT_EQ(allowed_cpus(), std::vector<int>{target});
      EXPECT_EQ(sched_getcpu(), target);
    }
    EXPECT_EQ(allowed_cpus(), before);
    { ScopedCpuPin none(-1); }
    EXPECT_EQ(allowed_cpus(), before);
  })
      .join();
}

}  // namespace
}  // namespace pcie_bar
