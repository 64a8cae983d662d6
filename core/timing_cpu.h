#pragma once
// Which CPU times a device's run (`sweep.cpu`), and pinning the run to it.
//
// A run stays on one CPU: a thread the scheduler moves between two stamps reads two CPUs'
// clocks, which a VM need not keep in step (on this project's 2-vCPU machine, 3 of 20 unpinned
// default runs had a batch of hundreds of ops reading as taking no time at all; none of 20
// pinned ones), and a move costs the moved thread its caches in the middle of a sample.
// With `auto` that CPU is one local to the device (its NUMA node's), where a non-posted read
// does not cross the socket interconnect (about 100 ns more per read on a remote socket, as
// published by pcie-bench).

#include <optional>
#include <string>
#include <vector>

#include "core/device_spec.h"

namespace pcie_bar {

struct TimingCpu {
  int cpu = -1;                  // -1: not pinned (sweep.cpu: none, or no CPU could be chosen)
  std::optional<int> numa_node;  // the device's node, when sysfs says
  bool local_to_device = false;  // the CPU is in the device's local_cpulist
  std::string note;              // why the choice is not the device's own node, when it is not
};

// "0-3,8,10-11" (sysfs and cgroup CPU lists) -> {0,1,2,3,8,10,11}; nullopt when malformed.
std::optional<std::vector<int>> parse_cpu_list(const std::string& text);

// {0,1,2,3,8} -> "0-3,8".
std::string cpu_list_text(const std::vector<int>& cpus);

// The CPUs this thread may run on.
std::vector<int> allowed_cpus();

// The choice for `setting`, among `allowed` CPUs, for a device local to `device_local` CPUs
// (empty: unknown, as for the simulated device), preferring `current` (the CPU the thread is on,
// to move it as little as possible). Pure, for tests.
TimingCpu choose_timing_cpu(const CpuSetting& setting, const std::vector<int>& allowed,
                            const std::vector<int>& device_local, std::optional<int> numa_node, int current);

// Pins the calling thread to one CPU for its lifetime and restores the previous affinity after.
// Does nothing for cpu -1. Throws DeviceError when the CPU cannot be used.
class ScopedCpuPin {
 public:
  explicit ScopedCpuPin(int cpu);
  ~ScopedCpuPin();
  ScopedCpuPin(const ScopedCpuPin&) = delete;
  ScopedCpuPin& operator=(const ScopedCpuPin&) = delete;

 private:
  bool pinned_ = false;
  std::vector<int> previous_;
};

}  // namespace pcie_bar
