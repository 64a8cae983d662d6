#include "core/timing_cpu.h"

#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <sstream>

#include "core/bar.h"
#include "core/errno_text.h"

namespace pcie_bar {

std::optional<std::vector<int>> parse_cpu_list(const std::string& text) {
  std::vector<int> cpus;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');) {
    if (part.empty()) continue;
    int first = 0, last = 0;
    const char* end = part.data() + part.size();
    auto [p, ec] = std::from_chars(part.data(), end, first);
    if (ec != std::errc()) return std::nullopt;
    if (p == end) {
      last = first;
    } else {  // a range: "first-last"
      auto r = std::from_chars(p + 1, end, last);
      if (*p != '-' || r.ec != std::errc() || r.ptr != end) return std::nullopt;
    }
    if (first < 0 || last < first || last >= CPU_SETSIZE) return std::nullopt;
    for (int c = first; c <= last; ++c) cpus.push_back(c);
  }
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  return cpus;
}

std::string cpu_list_text(const std::vector<int>& cpus) {
  std::string text;
  for (std::size_t i = 0; i < cpus.size();) {
    std::size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
    text += (text.empty() ? "" : ",") + std::to_string(cpus[i]) + (j > i ? "-" + std::to_string(cpus[j]) : "");
    i = j + 1;
  }
  return text;
}

namespace {

std::vector<int> cpus_of(const cpu_set_t& set) {
  std::vector<int> cpus;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set)) cpus.push_back(c);
  return cpus;
}

bool contains(const std::vector<int>& cpus, int cpu) { return std::find(cpus.begin(), cpus.end(), cpu) != cpus.end(); }

void set_affinity(const std::vector<int>& cpus) {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int c : cpus) CPU_SET(c, &set);
  if (sched_setaffinity(0, sizeof set, &set) != 0)
    throw DeviceError("sweep.cpu: cannot run on CPU " + std::to_string(cpus.front()) + ": " + errno_text());
}

}  // namespace

std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return {};
  return cpus_of(set);
}

TimingCpu choose_timing_cpu(const CpuSetting& setting, const std::vector<int>& allowed,
                            const std::vector<int>& device_local, std::optional<int> numa_node, int current) {
  TimingCpu t;
  t.numa_node = numa_node;
  if (setting.mode == CpuSetting::Mode::kNone) return t;
  if (setting.mode == CpuSetting::Mode::kFixed) {
    t.cpu = static_cast<int>(setting.cpu);
    t.local_to_device = contains(device_local, t.cpu);
    if (!device_local.empty() && !t.local_to_device)
      t.note = "CPU " + std::to_string(t.cpu) + " is not local to the device";
    return t;
  }
  std::vector<int> local;
  for (int c : device_local)
    if (contains(allowed, c)) local.push_back(c);
  const std::vector<int>& pool = local.empty() ? allowed : local;
  if (pool.empty()) return t;
  t.cpu = contains(pool, current) ? current : pool.front();
  t.local_to_device = !local.empty();
  if (!device_local.empty() && local.empty()) t.note = "none of the device's local CPUs is available to this process";
  return t;
}

ScopedCpuPin::ScopedCpuPin(int cpu) {
  if (cpu < 0) return;
  previous_ = allowed_cpus();
  set_affinity({cpu});
  pinned_ = true;
}

ScopedCpuPin::~ScopedCpuPin() {
  if (!pinned_ || previous_.empty()) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int c : previous_) CPU_SET(c, &set);
  sched_setaffinity(0, sizeof set, &set);  // best effort: the run is over either way
}

}  // namespace pcie_bar
